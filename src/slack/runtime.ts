import type { RespondFn } from "@slack/bolt";
import type { Command, Request } from "../core/commands.js";
import { handleRequest } from "../core/dispatch.js";
import type { CoreDeps } from "../core/ports.js";
import type { Outcome } from "../core/views.js";
import type { Logger } from "../log.js";
import type { SlackDirectory } from "./directory.js";
import { actorOf, isPersonal, spaceOf, type Inbound } from "./identity.js";
import type { TableInstallationStore } from "./installationStore.js";
import type { RefKeeper } from "./refs.js";
import { deliverOutcome, type ReplyTarget } from "./replies.js";
import type { WorkspaceRefs } from "./slackTables.js";

/** What every Slack listener shares. */
export interface SlackRuntime {
  deps: CoreDeps;
  directory: SlackDirectory;
  refKeeper: RefKeeper;
  workspaceRefs: WorkspaceRefs;
  /** Only in OAuth mode: single-workspace mode has one fixed token. */
  installations?: TableInstallationStore;
  log: Logger;
}

/** The log of one request: correlation id (from the HTTP request), workspace and channel. */
export function requestLog(rt: SlackRuntime, inbound: Inbound, correlationId: unknown): Logger {
  return rt.log.child({
    correlationId: typeof correlationId === "string" ? correlationId : undefined,
    slackTeam: inbound.workspace.teamId,
    slackEnterprise: inbound.workspace.enterpriseId,
    channel: inbound.channelId,
  });
}

/** The core's answer; an unexpected failure becomes an apology to the person, and is logged. */
export async function safeOutcome(rt: SlackRuntime, request: Request, log: Logger): Promise<Outcome> {
  try {
    return await handleRequest(rt.deps, request);
  } catch (error) {
    log.error({ err: error, command: request.command.type, space: request.space.spaceKey }, "slack request failed");
    const view = { kind: "notice", locale: request.actor.locale, tone: "error", message: { key: "notice.internalError", params: {} } } as const;
    return { replies: [{ audience: "actor", view }] };
  }
}

export async function requestFor(rt: SlackRuntime, inbound: Inbound, command: Command): Promise<Request> {
  const [actor, space] = await Promise.all([actorOf(rt.directory, inbound), spaceOf(rt.directory, inbound)]);
  return { actor, space, command };
}

export function replyTarget(inbound: Inbound, request: Request, log: Logger, extras: { triggerId?: string; respond?: RespondFn } = {}): ReplyTarget {
  return {
    client: inbound.client,
    userId: inbound.userId,
    channelId: inbound.channelId,
    personal: request.space.personal || isPersonal(inbound.channelId),
    triggerId: extras.triggerId,
    respond: extras.respond,
    formContext: {
      spaceKey: request.space.spaceKey,
      channelId: inbound.channelId,
      displayName: request.space.displayName,
      personal: request.space.personal,
    },
    log,
  };
}

/** The whole path of one inbound command: who/where, the core, the replies, and the refs for later. */
export async function handleInbound(
  rt: SlackRuntime,
  inbound: Inbound,
  command: Command,
  extras: { triggerId?: string; respond?: RespondFn; correlationId?: unknown } = {},
): Promise<void> {
  const log = requestLog(rt, inbound, extras.correlationId);
  const request = await requestFor(rt, inbound, command);
  const outcome = await safeOutcome(rt, request, log);
  log.debug({ command: command.type, space: request.space.spaceKey, replies: outcome.replies.length }, "slack command handled");
  await deliverOutcome(replyTarget(inbound, request, log, extras), outcome);
  await rt.refKeeper.rememberRequest(request, inbound.workspace, inbound.userId, inbound.channelId);
}
