import type { Context, RespondFn } from "@slack/bolt";
import { decodeKey } from "../core/domain.js";
import type { Delivery, Kernel } from "../core/kernel/kernel.js";
import type { Ask, Request } from "../core/kernel/request.js";
import type { People } from "../core/kernel/workflow.js";
import type { CoreDeps } from "../core/ports.js";
import { lazyChild, type Logger } from "../log.js";
import { deliverSlack, type SlackTarget } from "./deliver.js";
import type { SlackDirectory } from "./directory.js";
import { SlackLookupError } from "./errors.js";
import { actorOf, isPersonal, personOf, spaceOf, workspaceOf, type Inbound } from "./identity.js";
import type { TableInstallationStore, Workspace } from "./installationStore.js";
import type { RefKeeper } from "./refs.js";
import type { SignatureCheck, SignatureCheckFn } from "./requestGuard.js";
import type { WorkspaceRefs } from "./slackTables.js";
import type { Hold, WorkGate } from "../workGate.js";

/** What every Slack listener shares. */
export interface SlackRuntime {
  deps: CoreDeps;
  kernel: Kernel;
  directory: SlackDirectory;
  refKeeper: RefKeeper;
  workspaceRefs: WorkspaceRefs;
  /** Only in OAuth mode: single-workspace mode has one fixed token. */
  installations?: TableInstallationStore;
  /** Admits the work that follows an ack (BackgroundWork's gate): acks keep going out when CPU runs short. */
  gate: WorkGate;
  /** A slot in the installation's chat.update allowance, for replacing a pressed message at once (SlackMessenger). */
  pressedUpdateSlot(workspace: Workspace): Promise<boolean>;
  log: Logger;
}

/** Records the message a post became under its copies' key, so a later refresh updates it in place. */
export const copyRecorder = (rt: SlackRuntime): NonNullable<SlackTarget["recordCopy"]> => (of, copy) => rt.deps.copies.posted(of, { kind: "message", ...copy });

/** The log of one request: correlation id (from the HTTP request), workspace and channel. */
export function requestLog(rt: SlackRuntime, inbound: Inbound, correlationId: unknown): Logger {
  return lazyChild(rt.log, {
    correlationId: typeof correlationId === "string" ? correlationId : undefined,
    slackTeam: inbound.workspace.teamId,
    slackEnterprise: inbound.workspace.enterpriseId,
    channel: inbound.channelId,
  });
}

/** People named in a Slack request, looked up with users.info in the asker's own installation. */
export function slackPeople(rt: SlackRuntime, inbound: Inbound): People {
  return {
    async resolve(userId) {
      if (!/^[UW][A-Z0-9]{2,30}$/.test(userId)) return undefined;
      try {
        const person = await personOf(rt.directory, inbound, userId);
        return { personKey: person.key, displayName: person.displayName || userId };
      } catch (error) {
        // Slack would not say who that is: nothing is given to a guessed identity.
        if (error instanceof SlackLookupError) return undefined;
        throw error;
      }
    },
  };
}

/**
 * The core's answer; an unexpected failure becomes an apology to the person, and is logged. With `ready` (see
 * `Kernel.handle`): undefined when it says the request may not run.
 */
export async function safeDelivery(rt: SlackRuntime, request: Request, people: People, log: Logger): Promise<Delivery>;
export async function safeDelivery(rt: SlackRuntime, request: Request, people: People, log: Logger, ready: Promise<boolean>): Promise<Delivery | undefined>;
export async function safeDelivery(rt: SlackRuntime, request: Request, people: People, log: Logger, ready?: Promise<boolean>): Promise<Delivery | undefined> {
  try {
    return await (ready ? rt.kernel.handle(request, people, ready) : rt.kernel.handle(request, people));
  } catch (error) {
    log.error({ err: error, ask: request.ask.kind === "text" ? "text" : request.ask.verb, space: request.space.spaceKey }, "slack request failed");
    // No apology for a request that was never to run (a replay).
    if (ready && !(await ready.catch(() => false))) return undefined;
    const reader = { locale: request.actor.locale, platform: "slack" as const, personal: request.space.personal };
    const card = rt.kernel.present({ presenter: "notice", data: { key: "notice.internalError", tone: "error" } }, reader);
    return { space: request.space, reader, verb: "error", items: [{ kind: "reply", secret: false, card }] };
  }
}

/** Where a delivery's answers go: the channel the request belongs to (a sealed form's, not where it was sent from). */
export function targetOf(inbound: Inbound, delivery: Delivery, log: Logger, extras: Partial<Pick<SlackTarget, "triggerId" | "respond" | "pressed" | "recordCopy" | "pressedUpdateSlot">> = {}): SlackTarget {
  // A modal submission names no channel: the sealed space says whether it was a DM, not the missing channel id.
  const personal = delivery.space.platform === "slack" ? delivery.space.personal : isPersonal(inbound.channelId);
  const channelId = delivery.space.platform === "slack" && !delivery.space.personal ? decodeKey(delivery.space.spaceKey).id : inbound.channelId;
  return { client: inbound.client, userId: inbound.userId, channelId, personal, log, ...extras };
}

export interface InboundExtras {
  triggerId?: string;
  respond?: RespondFn;
  pressed?: { channel: string; ts: string };
  correlationId?: unknown;
  /** The replay check of a request acknowledged before it was made (requestGuard's `acksFirst`). */
  signatureCheck?: SignatureCheckFn;
  /** The place among the waiting work this request held after waiting for room (given up when admitted). */
  workHold?: Hold;
}

/** What a listener passes on from Bolt's context: the HTTP request's correlation id, replay check and held place. */
export const fromContext = (context: Context): Pick<InboundExtras, "correlationId" | "signatureCheck" | "workHold"> => ({
  correlationId: context.correlationId,
  signatureCheck: context.signatureCheck as SignatureCheckFn | undefined,
  workHold: context.workHold as Hold | undefined,
});

/** A warning to the asker alone, in their language, when their request stops before the core. */
async function warnAsker(rt: SlackRuntime, inbound: Inbound, locale: string, key: string, extras: InboundExtras, log: Logger): Promise<void> {
  const reader = { locale, platform: "slack" as const, personal: false };
  const card = rt.kernel.present({ presenter: "notice", data: { key, params: { platform: "Slack", invite: { code: "/invite @CoP Companion" } }, tone: "warning" } }, reader);
  await deliverSlack({ client: inbound.client, userId: inbound.userId, channelId: inbound.channelId, personal: false, respond: extras.respond, log }, { space: { spaceKey: `slack:${inbound.workspace.teamId ?? "unknown"}:${inbound.userId}`, platform: "slack", displayName: "", personal: true }, reader, verb: "lookup", items: [{ kind: "reply", secret: false, card }] });
}

/** The whole path of one inbound ask: who and where, the refs for later, the core, the answers. */
export async function handleInbound(rt: SlackRuntime, inbound: Inbound, ask: Ask, extras: InboundExtras = {}): Promise<void> {
  const log = requestLog(rt, inbound, extras.correlationId);
  // The replay check: only a request that may change something waits for storage to record its signature; a
  // read-only one is checked against what this instance has seen. It goes on while the request waits its turn,
  // unless others wait already: then storage may be what is behind, and a request turned away records nothing
  // (a replay of it is only told the same again).
  const check = () => extras.signatureCheck?.(rt.kernel.readOnly(ask));
  let checked = rt.gate.load.waiting === 0 ? check() : undefined;
  // Acked already: under more load than the CPU keeps up with, the work waits its turn so later acks do not.
  const release = await rt.gate.admit(extras.workHold);
  if (!release) {
    if ((await checked) === "duplicate") return;
    log.warn(rt.gate.load, "slack request not handled: too many requests are waiting");
    const { locale } = await actorOf(rt.directory, inbound);
    return warnAsker(rt, inbound, locale, "notice.busy", extras, log);
  }
  checked ??= check();
  try {
    await handleAdmitted(rt, inbound, ask, checked, extras, log);
  } finally {
    release();
  }
}

async function handleAdmitted(rt: SlackRuntime, inbound: Inbound, ask: Ask, checked: Promise<SignatureCheck> | undefined, extras: InboundExtras, log: Logger): Promise<void> {
  // Who, where and what the request runs with are read while its replay check is out; nothing is written, run
  // or answered before the check has said this is the first sight of it (a replay stops there: the guard logged it).
  const actor = await actorOf(rt.directory, inbound);
  const cleared = (async () => {
    const check = await checked;
    if (check === "unchecked") await warnAsker(rt, inbound, actor.locale, "slack.requestUnchecked", extras, log);
    return check !== "duplicate" && check !== "unchecked";
  })();
  let space: Request["space"];
  try {
    space = await spaceOf(rt.directory, inbound);
  } catch (error) {
    if (!(await cleared)) return;
    if (!(error instanceof SlackLookupError)) throw error;
    // Without the channel's host team a shared channel would get a second key (a second community): stop, say so.
    log.warn({ slackError: error.slackError }, "slack request not handled: the channel could not be looked up");
    return warnAsker(rt, inbound, actor.locale, error.slackError === "channel_not_found" ? "slack.notInChannel" : "notice.lookupFailed", extras, log);
  }
  const request: Request = { actor, space, ask };
  const ready = cleared.then(async (go) => {
    // First: what this request sets off (a fan-out to this channel, just linked) may need to reach it at once.
    if (go) await rt.refKeeper.rememberRequest(request, inbound.workspace, inbound.userId, inbound.channelId, { person: !rt.kernel.unlinkable(ask) });
    return go;
  });
  const delivery = await safeDelivery(rt, request, slackPeople(rt, inbound), log, ready);
  if (!delivery) return;
  // A DM's key names its person: logged only as personal, so no answer is ever logged beside who gave it.
  log.debug({ verb: delivery.verb, space: delivery.space.personal ? "personal" : delivery.space.spaceKey, items: delivery.items.length }, "slack request handled");
  const pressedUpdateSlot = () => rt.pressedUpdateSlot(inbound.workspace);
  await deliverSlack(targetOf(inbound, delivery, log, { ...extras, recordCopy: copyRecorder(rt), pressedUpdateSlot }), delivery);
}

export { workspaceOf };
