// The package index also loads Teams AI's planners, models, tokenizer tables and embeddings (OpenAI, axios),
// which this app never uses: about a second of start-up and 20 MB. Its modules are imported directly.
import { Application } from "@microsoft/teams-ai/lib/Application.js";
import type { TurnState } from "@microsoft/teams-ai";
import { INVOKE_RESPONSE_KEY, type Activity, type TaskModuleTaskInfo, type TurnContext } from "botbuilder";
import type { Request as HttpRequest, Response as HttpResponse } from "express";
import type { TeamsConfig } from "../config.js";
import type { Card } from "../core/kernel/card.js";
import type { DeliveredFile } from "../core/kernel/files.js";
import type { Delivery, Kernel } from "../core/kernel/kernel.js";
import { Request, type Ask } from "../core/kernel/request.js";
import type { CoreDeps } from "../core/ports.js";
import { lazyChild, type Logger } from "../log.js";
import type { StorageAccount } from "../store/index.js";
import { tableClient } from "../store/tables.js";
import { botAuthOptions, type AuthEndpoints } from "./auth.js";
import { cardActivity, renderCard } from "./render/index.js";
import { actorOf, askFromCard, askFromText, describeIssues, spaceOf, teamsIds, teamsPersonKey } from "./inbound.js";
import { teamsPeople } from "./people.js";
import { SpaceNameCache, teamsSpaceName } from "./spaceNames.js";
import { carryOut, type TurnReplies } from "./turn.js";
import { LOCAL_MODE_REFUSALS, isLoopbackHostHeader, isLoopbackServiceUrl } from "./localMode.js";
import { TeamsMessenger } from "./messenger.js";
import type { BackgroundWork } from "../work.js";
import { ReferenceRecorder, whereToFind } from "./references.js";
import { defaultRetryPolicy, type RetryPolicy } from "./retry.js";
import { HttpTeamsAdapter } from "./httpAdapter.js";
import { noticeLocale, refusalOf } from "./admission.js";
import { busyInvokeResponse, sheddable, TEAMS_START_BUDGET_MS, type Sheddable } from "./busy.js";
import { offerFile, registerFileConsent } from "./fileConsent.js";
import { PENDING_FILES_TABLE, PendingFiles } from "./pendingFiles.js";
import { askFromMessageAction, isMessageAction, MESSAGE_ACTION_INVOKES } from "./pickedMessage.js";
import { t } from "../core/i18n/index.js";

export interface TeamsBotOptions {
  teams: TeamsConfig;
  deps: CoreDeps;
  kernel: Kernel;
  log: Logger;
  /** Where files offered in 1:1 chats wait for the person's answer. */
  storage: StorageAccount;
  endpoints?: AuthEndpoints;
  retry?: Partial<RetryPolicy>;
  /** Work that goes on after a turn (a private answer in a chat opened from it), waited for at shutdown. */
  work?: BackgroundWork;
}

export interface TeamsBot {
  adapter: HttpTeamsAdapter;
  messenger: TeamsMessenger;
  /** Serves POST /api/messages (the body already parsed as JSON). */
  handle(req: HttpRequest, res: HttpResponse): Promise<void>;
}

const LOG = Symbol("log");
const ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";

/** The Teams AI library Application on botbuilder's CloudAdapter, routing every activity to the core. */
export function createTeamsBot({ teams, deps, kernel, log, storage, endpoints, retry, work }: TeamsBotOptions): TeamsBot {
  const adapter = new HttpTeamsAdapter(botAuthOptions(teams, endpoints));
  const appId = teams.mode === "authenticated" ? teams.appId : "";
  const policy = defaultRetryPolicy(retry);
  const recorder = new ReferenceRecorder(deps.repos.conversationRefs, deps.clock);
  const spaceNames = new SpaceNameCache({ log });
  const messenger = new TeamsMessenger({
    adapter,
    appId,
    refs: deps.repos.conversationRefs,
    clock: deps.clock,
    log: log.child({ component: "teams-messenger" }),
    retry,
    work,
  });
  const app = new Application<TurnState>({
    adapter,
    botAppId: appId,
    // askFromText() takes the bot's mention out itself, from the entities, wherever it sits in the text.
    removeRecipientMention: false,
    startTypingTimer: false,
    longRunningMessages: false,
  });
  const recordCopy = (of: string, copy: { spaceKey: string; messageId: string; locale: string }) => deps.copies.posted(of, { kind: "message", ...copy });
  const logOf = (context: TurnContext): Logger => (context.turnState.get(LOG) as Logger | undefined) ?? log;
  const pendingFiles = new PendingFiles(tableClient(storage, PENDING_FILES_TABLE), deps.clock, log.child({ component: "teams-files" }));
  /**
   * How private answers reach the person a turn came from: cards and file offers in their 1:1 chat with the app,
   * opened from the turn when no ref of theirs is stored (an anonymous answer records none).
   */
  const toSender = (activity: Activity, personKey: string) => ({
    sendPrivately: (card: Card) => messenger.deliverToSender(personKey, whereToFind(activity, activity.from), cardActivity(card), card.title),
    offerFile: (file: DeliveredFile) => offerFile(pendingFiles, file, personKey),
    sendActivityPrivately: (offer: Partial<Activity>) => messenger.deliverToSender(personKey, whereToFind(activity, activity.from), offer, "file offer"),
  });
  /** How a turn's answers reach people (`carryOut`), but for what the turn itself was (an invoke, a form, typed). */
  const answering = (context: TurnContext, space: { spaceKey: string; personal: boolean }, turnLog: Logger, personKey = actorOf(context.activity).personKey) => ({
    actor: context.activity.from,
    personal: space.personal,
    policy,
    log: turnLog,
    ...toSender(context.activity, personKey),
    here: space.spaceKey,
    sendToSpace: (spaceKey: string, card: Card) => messenger.deliver({ kind: "space", spaceKey }, card),
    recordCopy,
  });

  /** Records the turn, has the core answer the ask (or refuses what cannot be one) and carries out the answer. */
  async function run(context: TurnContext, ask: Ask | { kind: "malformed"; detail: string }, invoke: boolean): Promise<TurnReplies> {
    const { activity } = context;
    // Recorded while the core works on the answer (its reads do not need it); awaited before anything is delivered.
    const recorded = recorder.recordTurn(activity, false, { person: ask.kind === "malformed" || !kernel.unlinkable(ask) });
    recorded.catch(() => undefined);
    const actor = actorOf(activity);
    const space = await namedSpace(context);
    // A 1:1 chat's key names its person: the log says only that it was one, so no answer is ever logged beside who gave it.
    const turnLog = lazyChild(logOf(context), { spaceKey: space.personal ? "personal" : space.spaceKey, verb: ask.kind === "text" ? "text" : ask.kind === "malformed" ? "malformed" : ask.verb });
    const people = teamsPeople(context, turnLog);
    let delivery: Delivery;
    const request = ask.kind === "malformed" ? undefined : Request.safeParse({ actor, space, ask });
    if (request?.success) delivery = await kernel.handle(request.data, people);
    else {
      const detail = ask.kind === "malformed" ? ask.detail : describeIssues(request!.error.issues);
      turnLog.warn({ detail }, "Teams request not understood as sent");
      const reader = { locale: actor.locale, platform: "teams" as const, personal: space.personal };
      const card = kernel.present({ presenter: "notice", data: { key: "notice.badRequest", params: { detail }, tone: "error" } }, reader);
      delivery = { space, reader, verb: "malformed", items: [{ kind: "reply", secret: false, card }] };
    }
    turnLog.info({ communityId: delivery.communityId, items: delivery.items.map((i) => `${i.kind}${i.kind === "reply" && i.secret ? ":secret" : ""}`) }, "teams request handled");
    const value = (activity.value ?? {}) as Record<string, unknown>;
    await recorded;
    return carryOut(context, delivery, {
      ...answering(context, space, turnLog, actor.personKey),
      invoke,
      pressedId: activity.replyToId,
      fromForm: ask.kind === "form" || typeof value.formToken === "string",
      typed: ask.kind === "text",
    });
  }

  registerFileConsent(app, pendingFiles, logOf);

  // Action.Execute (Universal Actions, desktop and web): the answer for the clicker replaces the clicked card.
  app.adaptiveCards.actionExecute<Record<string, unknown>>(/.*/, async (context, _state, data) => {
    const verb = (context.activity.value as { action?: { verb?: unknown } }).action?.verb;
    const replies = await run(context, askFromCard({ ...data, verb: data.verb ?? verb }), true);
    return replies.invokeCard ?? replies.invokeMessage ?? "";
  });

  // Action.Submit: what every card sends, since it works on Teams mobile too (a message whose value carries the verb).
  app.adaptiveCards.actionSubmit<Record<string, unknown>>(/.*/, async (context, _state, data) => {
    await run(context, askFromCard(data), false);
  });

  // A message's menu (… → More actions): the command id is the verb of a command declared as a message action.
  // The private answer shows in the dialog Teams opens for it; a post goes to the conversation as usual.
  const messageAction = (name: string) => async (context: TurnContext) =>
    context.activity.name === name && isMessageAction(context.activity, (id) => Boolean(kernel.registry.command(id)?.messageAction));
  const dialogOf = (replies: TurnReplies, locale: string): TaskModuleTaskInfo | string =>
    replies.invokeCard ? { title: t(locale, "app.name"), card: { contentType: ADAPTIVE_CARD, content: replies.invokeCard } } : (replies.invokeMessage ?? "");
  app.messageExtensions.fetchTask(messageAction(MESSAGE_ACTION_INVOKES[0]), async (context) =>
    dialogOf(await run(context, askFromMessageAction(context.activity.value), true), noticeLocale(context.activity)),
  );
  app.messageExtensions.submitAction(messageAction(MESSAGE_ACTION_INVOKES[1]), async (context) =>
    dialogOf(await run(context, askFromMessageAction(context.activity.value), true), noticeLocale(context.activity)),
  );

  app.message(
    async (context) => context.activity.type === "message",
    async (context) => {
      const ask = askFromText(context.activity);
      // Attachments or an empty message: nothing was asked; show what can be asked.
      await run(context, ask.text ? ask : { ...ask, text: "help" }, false);
    },
  );

  app.conversationUpdate("membersAdded", async (context) => {
    const { activity } = context;
    await recorder.recordTurn(activity);
    const botAdded = (activity.membersAdded ?? []).some((m) => m.id === activity.recipient.id);
    const people = (activity.membersAdded ?? []).filter((m) => m.id !== activity.recipient.id);
    await Promise.all(people.map((person) => recorder.recordPerson(activity, person)));
    const { tenantId } = teamsIds(activity);
    const who = { actor: actorOf(activity), space: await namedSpace(context) };
    if (botAdded) await event(context, await kernel.onEvent({ kind: "installed" }, who, teamsPeople(context, logOf(context))));
    const joined = people.filter((p) => p.aadObjectId).map((p) => ({ personKey: teamsPersonKey(tenantId, p), displayName: p.name ?? "" }));
    if (joined.length) await event(context, await kernel.onEvent({ kind: "joined", people: joined }, who, teamsPeople(context, logOf(context))));
  });

  app.conversationUpdate("membersRemoved", async (context) => {
    const { activity } = context;
    if ((activity.membersRemoved ?? []).some((m) => m.id === activity.recipient.id)) return forgetSpace(activity);
    const { tenantId } = teamsIds(activity);
    const left = (activity.membersRemoved ?? []).map((p) => teamsPersonKey(tenantId, p));
    if (left.length) await event(context, await kernel.onEvent({ kind: "left", people: left }, { actor: actorOf(activity), space: spaceOf(activity) }, teamsPeople(context, logOf(context))));
  });

  app.activity("installationUpdate", async (context) => {
    const { activity } = context;
    if (activity.action === "add" || activity.action === "add-upgrade") await recorder.recordTurn(activity, true);
    else if (activity.action === "remove" || activity.action === "remove-upgrade") await forgetSpace(activity);
  });

  /** What an event's workflows post, in the conversation it happened in. */
  async function event(context: TurnContext, delivery: Delivery): Promise<void> {
    if (delivery.items.length === 0) return;
    await carryOut(context, delivery, { ...answering(context, delivery.space, logOf(context)), invoke: false, fromForm: false, typed: false });
  }

  /**
   * A turn that found no room among the work waiting (`sheddable`) is answered busy at once, privately, and
   * nothing is changed: in place for a card's button or a dialog, else the way a private answer goes (the
   * 1:1 chat). A form's card is not touched, so what was typed in it is still there to send again.
   */
  async function turnAway(context: TurnContext, kind: Sheddable): Promise<void> {
    const { activity } = context;
    const locale = noticeLocale(activity);
    logOf(context).warn(work?.gate.load, "Teams request not handled: too many requests are waiting");
    if (kind !== "message") {
      await context.sendActivity({ type: "invokeResponse", value: busyInvokeResponse(kind, t(locale, "notice.busy")) });
      return;
    }
    try {
      const space = spaceOf(activity);
      const reader = { locale, platform: "teams" as const, personal: space.personal };
      const card = kernel.present({ presenter: "notice", data: { key: "notice.busy", tone: "warning" } }, reader);
      const typed = activity.value === undefined;
      const personKey = actorOf(activity).personKey;
      // Storage may be what is behind: the notice reads nothing stored (the chat is opened from the turn).
      const sendPrivately = async (notice: Card) => messenger.sendFromTurn(personKey, whereToFind(activity, activity.from), cardActivity(notice), notice.title, { soon: true });
      const delivery = { space, reader, verb: "busy", items: [{ kind: "reply" as const, secret: false, card }] };
      await carryOut(context, delivery, { ...answering(context, space, logOf(context), personKey), sendPrivately, invoke: false, fromForm: false, typed });
    } catch (error) {
      // An activity the turn itself would have refused (no usable person or place): nothing to answer busy to.
      logOf(context).warn({ err: error instanceof Error ? error.message : String(error) }, "Teams busy notice not sent");
    }
  }

  /** The chat place, named "Team / Channel" even when Teams leaves the names out of the activity. */
  async function namedSpace(context: TurnContext) {
    const space = spaceOf(context.activity);
    if (space.personal) return space;
    const name = await teamsSpaceName(context, spaceNames);
    return name ? { ...space, displayName: name.slice(0, 120) } : space;
  }

  /** The app was removed from a chat or team: proactive messages there would only fail. */
  async function forgetSpace(activity: Activity): Promise<void> {
    const space = spaceOf(activity);
    await deps.repos.conversationRefs.markUnreachable(space.spaceKey);
    if (space.personal) await deps.repos.conversationRefs.markUnreachable(teamsPersonKey(teamsIds(activity).tenantId, activity.from));
  }

  // Never throws: a throwing error handler turns the turn into a 500 with a second stack.
  app.error(async (context, error) => {
    logOf(context).error({ err: error, activityType: context.activity.type }, "Teams turn failed");
    try {
      const card = kernel.present({ presenter: "notice", data: { key: "notice.internalError", tone: "error" } }, { locale: noticeLocale(context.activity), platform: "teams", personal: false });
      if (context.activity.type === "invoke") {
        if (!context.turnState.get(INVOKE_RESPONSE_KEY)) {
          const body = { statusCode: 200, type: ADAPTIVE_CARD, value: renderCard(card).card };
          await context.sendActivity({ type: "invokeResponse", value: { status: 200, body } });
        }
      } else if (context.activity.type === "message") {
        await context.sendActivity(cardActivity(card));
      }
    } catch (failure) {
      logOf(context).warn({ err: failure instanceof Error ? failure.message : String(failure) }, "Teams turn failed and its error notice could not be sent");
    }
  });

  return {
    adapter,
    messenger,
    async handle(req, res) {
      const local = teams.mode === "local";
      if (local && !isLoopbackHostHeader(req.headers.host)) {
        (req.log ?? log).warn({ host: req.headers.host?.slice(0, 100) }, "Teams request refused: local mode serves loopback names only");
        res.status(403).json(LOCAL_MODE_REFUSALS.host);
        return;
      }
      // botbuilder throws (a 500) on a body that is not a Teams activity; it is the sender's mistake: 400.
      const refusal = refusalOf(req.body);
      if (refusal) {
        (req.log ?? log).info({ reason: refusal.body.message }, "Teams request refused: not a Teams activity");
        res.status(refusal.status).json(refusal.body);
        return;
      }
      if (local && !isLoopbackServiceUrl((req.body as Activity).serviceUrl)) {
        (req.log ?? log).warn("Teams request refused: local mode replies to a loopback serviceUrl only");
        res.status(400).json(LOCAL_MODE_REFUSALS.serviceUrl);
        return;
      }
      const requestLog = req.log ?? log;
      await adapter.serve(req, res, async (context) => {
        context.turnState.set(LOG, requestLog);
        // Under more load than the CPU keeps up with, what people send waits its turn with the Slack side's work.
        const kind = work && sheddable(context.activity);
        const release = kind ? await work.gate.admit(undefined, { withinMs: TEAMS_START_BUDGET_MS }) : () => undefined;
        if (!release) return turnAway(context, kind as Sheddable);
        try {
          const handled = await app.run(context);
          if (!handled) logOf(context).debug({ activityType: context.activity.type, name: context.activity.name }, "Teams activity ignored");
          // An invoke nobody handles would get botbuilder's 501; the contract is 200 and ignored.
          if (context.activity.type === "invoke" && !context.turnState.get(INVOKE_RESPONSE_KEY)) {
            await context.sendActivity({ type: "invokeResponse", value: { status: 200 } });
          }
        } finally {
          release();
        }
      }, requestLog);
    },
  };
}
