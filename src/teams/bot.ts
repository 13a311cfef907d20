import { Application, type TurnState } from "@microsoft/teams-ai";
import { INVOKE_RESPONSE_KEY, TeamsInfo, type Activity, type TurnContext } from "botbuilder";
import type { Request as HttpRequest, Response as HttpResponse } from "express";
import type { TeamsConfig } from "../config.js";
import { Request } from "../core/commands.js";
import { handleRequest } from "../core/dispatch.js";
import type { CoreDeps } from "../core/ports.js";
import type { Mention } from "../core/textCommands.js";
import type { Outcome, View } from "../core/views.js";
import type { Logger } from "../log.js";
import { botAuthOptions, type AuthEndpoints } from "./auth.js";
import { renderCard, viewActivity } from "./cards.js";
import { askFromCard, badRequest, privateNotice, type Ask } from "./asks.js";
import { actorOf, commandFromText, describeIssues, mentionsOf, messageText, readCardData, spaceOf, teamsIds, teamsPersonKey } from "./inbound.js";
import { LOCAL_MODE_REFUSALS, isLoopbackHostHeader, isLoopbackServiceUrl } from "./localMode.js";
import { TeamsMessenger } from "./messenger.js";
import { replyInTurn, type TurnReplies } from "./outbound.js";
import { ReferenceRecorder } from "./references.js";
import { defaultRetryPolicy, type RetryPolicy } from "./retry.js";
import { HttpTeamsAdapter } from "./httpAdapter.js";
import { noticeLocale, refusalOf } from "./admission.js";

export interface TeamsBotOptions {
  teams: TeamsConfig;
  deps: CoreDeps;
  log: Logger;
  endpoints?: AuthEndpoints;
  retry?: Partial<RetryPolicy>;
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
export function createTeamsBot({ teams, deps, log, endpoints, retry }: TeamsBotOptions): TeamsBot {
  const adapter = new HttpTeamsAdapter(botAuthOptions(teams, endpoints));
  const appId = teams.mode === "authenticated" ? teams.appId : "";
  const policy = defaultRetryPolicy(retry);
  const recorder = new ReferenceRecorder(deps.repos.conversationRefs, deps.clock);
  const messenger = new TeamsMessenger({
    adapter,
    appId,
    refs: deps.repos.conversationRefs,
    clock: deps.clock,
    log: log.child({ component: "teams-messenger" }),
    retry,
  });
  const app = new Application<TurnState>({
    adapter,
    botAppId: appId,
    // messageText() strips the bot's mention itself, from the entities, wherever it sits in the text.
    removeRecipientMention: false,
    startTypingTimer: false,
    longRunningMessages: false,
  });
  const logOf = (context: TurnContext): Logger => (context.turnState.get(LOG) as Logger | undefined) ?? log;

  /** Records the turn, has the core answer it (unless the adapter already knows the answer) and replies. */
  async function run(context: TurnContext, ask: Ask, invoke: boolean): Promise<TurnReplies> {
    const { activity } = context;
    await recorder.recordTurn(activity);
    const actor = actorOf(activity);
    const space = spaceOf(activity);
    const turnLog = logOf(context).child({ spaceKey: space.spaceKey, command: "command" in ask ? ask.command.type : ask.label });
    let outcome: Outcome;
    if ("outcome" in ask) outcome = ask.outcome;
    else {
      const request = Request.safeParse({ actor, space, command: ask.command });
      if (request.success) outcome = await handleRequest(deps, request.data);
      else {
        const detail = describeIssues(request.error.issues);
        turnLog.warn({ detail }, "Teams request does not fit the core's schema");
        outcome = badRequest(actor.locale, detail);
      }
    }
    const communityId = outcome.replies.map((r) => ("communityId" in r.view ? r.view.communityId : undefined)).find(Boolean);
    turnLog.info({ communityId, replies: outcome.replies.map((r) => `${r.view.kind}:${r.audience}${r.secret ? ":secret" : ""}`) }, "teams request handled");
    return replyInTurn(context, outcome, {
      actor: activity.from,
      locale: actor.locale,
      personal: space.personal,
      invoke,
      policy,
      log: turnLog,
      sendPrivately: (view) => messenger.deliver({ kind: "person", personKey: actor.personKey }, view),
    });
  }

  const cardAsk = (context: TurnContext, verb: unknown, data: Record<string, unknown>): Ask => {
    const input = readCardData(verb, data);
    if (input.kind !== "command") logOf(context).warn({ verb: input.verb, problem: input.kind }, "card action not understood as sent");
    return askFromCard(input, actorOf(context.activity).locale);
  };

  // Action.Execute (Universal Actions): the answer replaces the clicked card.
  app.adaptiveCards.actionExecute<Record<string, unknown>>(/.*/, async (context, _state, data) => {
    const verb = (context.activity.value as { action?: { verb?: unknown } }).action?.verb;
    const replies = await run(context, cardAsk(context, verb, data), true);
    return replies.invokeCard ?? replies.invokeMessage ?? "";
  });

  // Action.Submit (fallback for clients without Universal Actions): a message whose value carries the verb.
  app.adaptiveCards.actionSubmit<Record<string, unknown>>(/.*/, async (context, _state, data) => {
    await run(context, cardAsk(context, data.verb, data), false);
  });

  app.message(
    async (context) => context.activity.type === "message",
    async (context) => {
      const { activity } = context;
      if (!messageText(activity)) {
        // Attachments or an empty card submit: nothing was asked; show what can be asked.
        await run(context, { command: { type: "help" } }, false);
        return;
      }
      const mentions = await resolveMentions(context);
      const command = commandFromText(activity, mentions.map((m) => m.mention));
      // A role goes to the identity the person's own messages carry, or to nobody: never to a guessed one.
      const unidentified = command.type === "community.role.assign" ? mentions.find((m) => !m.identified && m.mention.personKey === command.person) : undefined;
      const ask: Ask = unidentified
        ? { outcome: privateNotice(actorOf(activity).locale, "warning", "teams.mentionUnidentified", { person: unidentified.mention.displayName }), label: command.type }
        : { command };
      await run(context, ask, false);
    },
  );

  app.conversationUpdate("membersAdded", async (context) => {
    const { activity } = context;
    await recorder.recordTurn(activity);
    const botAdded = (activity.membersAdded ?? []).some((m) => m.id === activity.recipient.id);
    const people = (activity.membersAdded ?? []).filter((m) => m.id !== activity.recipient.id);
    await Promise.all(people.map((person) => recorder.recordPerson(activity, person)));
    if (botAdded) await welcome(context);
  });

  app.conversationUpdate("membersRemoved", async (context) => {
    const { activity } = context;
    if ((activity.membersRemoved ?? []).some((m) => m.id === activity.recipient.id)) await forgetSpace(activity);
  });

  app.activity("installationUpdate", async (context) => {
    const { activity } = context;
    if (activity.action === "add" || activity.action === "add-upgrade") await recorder.recordTurn(activity, true);
    else if (activity.action === "remove" || activity.action === "remove-upgrade") await forgetSpace(activity);
  });

  /** The help card, posted for everyone, with a thank-you line on top. */
  async function welcome(context: TurnContext): Promise<void> {
    const { activity } = context;
    const request = Request.safeParse({ actor: actorOf(activity), space: spaceOf(activity), command: { type: "help" } });
    if (!request.success) {
      logOf(context).warn({ detail: describeIssues(request.error.issues) }, "no welcome: the installation does not fit the core's schema");
      return;
    }
    const outcome = await handleRequest(deps, request.data);
    const replies = outcome.replies.map((r) => ({
      audience: "space" as const,
      view: r.view.kind === "help" ? { ...r.view, intro: { key: "help.welcome", params: {} } } : r.view,
    }));
    await replyInTurn(context, { replies }, {
      actor: activity.from,
      locale: request.data.actor.locale,
      personal: request.data.space.personal,
      invoke: false,
      policy,
      log: logOf(context),
      sendPrivately: (view) => messenger.deliver({ kind: "person", personKey: request.data.actor.personKey }, view),
    });
  }

  /** The app was removed from a chat or team: proactive messages there would only fail. */
  async function forgetSpace(activity: Activity): Promise<void> {
    const space = spaceOf(activity);
    await deps.repos.conversationRefs.markUnreachable(space.spaceKey);
    if (space.personal) await deps.repos.conversationRefs.markUnreachable(teamsPersonKey(teamsIds(activity).tenantId, activity.from));
  }

  /**
   * People named with @ resolved to their AAD object id, which Teams leaves out of mention entities and
   * which keys their own messages. `identified: false` when the lookup failed: the key is then only a
   * guess (the Teams user id) and must not be given anything.
   */
  async function resolveMentions(context: TurnContext): Promise<Array<{ mention: Mention; identified: boolean }>> {
    const { tenantId } = teamsIds(context.activity);
    const mentions = mentionsOf(context.activity).slice(0, 5);
    return Promise.all(
      mentions.map(async (m) => {
        if (m.aadObjectId) return { mention: { personKey: teamsPersonKey(tenantId, m), displayName: m.name }, identified: true };
        try {
          const member = await TeamsInfo.getMember(context, m.id);
          return { mention: { personKey: teamsPersonKey(tenantId, member), displayName: m.name }, identified: true };
        } catch (error) {
          logOf(context).warn({ err: error, userId: m.id }, "could not look up a mentioned person");
          return { mention: { personKey: teamsPersonKey(tenantId, m), displayName: m.name }, identified: false };
        }
      }),
    );
  }

  // Never throws: a throwing error handler turns the turn into a 500 with a second stack.
  app.error(async (context, error) => {
    logOf(context).error({ err: error, activityType: context.activity.type }, "Teams turn failed");
    try {
      const view: View = { kind: "notice", locale: noticeLocale(context.activity), tone: "error", message: { key: "notice.internalError", params: {} } };
      if (context.activity.type === "invoke") {
        if (!context.turnState.get(INVOKE_RESPONSE_KEY)) {
          const body = { statusCode: 200, type: ADAPTIVE_CARD, value: renderCard(view).card };
          await context.sendActivity({ type: "invokeResponse", value: { status: 200, body } });
        }
      } else if (context.activity.type === "message") {
        await context.sendActivity(viewActivity(view));
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
        const handled = await app.run(context);
        if (!handled) logOf(context).debug({ activityType: context.activity.type, name: context.activity.name }, "Teams activity ignored");
        // An invoke nobody handles would get botbuilder's 501; the contract is 200 and ignored.
        if (context.activity.type === "invoke" && !context.turnState.get(INVOKE_RESPONSE_KEY)) {
          await context.sendActivity({ type: "invokeResponse", value: { status: 200 } });
        }
      }, requestLog);
    },
  };
}
