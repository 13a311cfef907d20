import { Application, type TurnState } from "@microsoft/teams-ai";
import { INVOKE_RESPONSE_KEY, TeamsInfo, type Activity, type ChannelAccount, type TurnContext } from "botbuilder";
import type { Request as HttpRequest, Response as HttpResponse } from "express";
import type { TeamsConfig } from "../config.js";
import { Request, type Command } from "../core/commands.js";
import { handleRequest } from "../core/dispatch.js";
import type { CoreDeps } from "../core/ports.js";
import type { Mention } from "../core/textCommands.js";
import type { Outcome, View } from "../core/views.js";
import type { Logger } from "../log.js";
import { botAuthOptions, type AuthEndpoints } from "./auth.js";
import { renderCard, viewActivity } from "./cards.js";
import { actorOf, commandFromCardData, commandFromText, mentionsOf, messageText, spaceOf, teamsIds, teamsPersonKey } from "./inbound.js";
import { TeamsMessenger } from "./messenger.js";
import { replyInTurn, type TurnReplies } from "./outbound.js";
import { ReferenceRecorder } from "./references.js";
import { defaultRetryPolicy, type RetryPolicy } from "./retry.js";
import { HttpTeamsAdapter } from "./httpAdapter.js";

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
    onUnreachable: (key) => recorder.forget(key),
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

  async function run(context: TurnContext, command: Command, invoke: boolean): Promise<TurnReplies> {
    const { activity } = context;
    await recorder.recordTurn(activity);
    const request = Request.parse({ actor: actorOf(activity), space: spaceOf(activity), command });
    const turnLog = logOf(context).child({ spaceKey: request.space.spaceKey, command: command.type });
    const outcome: Outcome = await handleRequest(deps, request);
    const communityId = outcome.replies.map((r) => ("communityId" in r.view ? r.view.communityId : undefined)).find(Boolean);
    turnLog.info({ communityId, replies: outcome.replies.map((r) => `${r.view.kind}:${r.audience}`) }, "teams request handled");
    return replyInTurn(context, outcome, {
      actor: activity.from,
      locale: request.actor.locale,
      personal: request.space.personal,
      invoke,
      policy,
      log: turnLog,
    });
  }

  const badRequest = (context: TurnContext, detail: string): Command => {
    logOf(context).warn({ detail }, "card action not understood");
    return { type: "unknown", text: detail };
  };

  // Action.Execute (Universal Actions): the answer replaces the clicked card for the person who clicked.
  app.adaptiveCards.actionExecute<Record<string, unknown>>(/.*/, async (context, _state, data) => {
    const verb = (context.activity.value as { action?: { verb?: unknown } }).action?.verb;
    const command = commandFromCardData(verb, data) ?? badRequest(context, String(verb));
    const replies = await run(context, command, true);
    return replies.invokeCard ?? replies.invokeMessage ?? "";
  });

  // Action.Submit (fallback for clients without Universal Actions): a message whose value carries the verb.
  app.adaptiveCards.actionSubmit<Record<string, unknown>>(/.*/, async (context, _state, data) => {
    const command = commandFromCardData(data.verb, data) ?? badRequest(context, String(data.verb));
    await run(context, command, false);
  });

  app.message(
    async (context) => context.activity.type === "message",
    async (context) => {
      const { activity } = context;
      if (!messageText(activity)) {
        // Attachments or an empty card submit: nothing was asked; show what can be asked.
        await run(context, { type: "help" }, false);
        return;
      }
      await run(context, commandFromText(activity, await resolveMentions(context)), false);
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
    const request = Request.parse({ actor: actorOf(activity), space: spaceOf(activity), command: { type: "help" } });
    const outcome = await handleRequest(deps, request);
    const replies = outcome.replies.map((r) => ({
      audience: "space" as const,
      view: r.view.kind === "help" ? { ...r.view, intro: { key: "help.welcome", params: {} } } : r.view,
    }));
    await replyInTurn(context, { replies }, {
      actor: activity.from,
      locale: request.actor.locale,
      personal: request.space.personal,
      invoke: false,
      policy,
      log: logOf(context),
    });
  }

  /** The app was removed from a chat or team: proactive messages there would only fail. */
  async function forgetSpace(activity: Activity): Promise<void> {
    const space = spaceOf(activity);
    await deps.repos.conversationRefs.markUnreachable(space.spaceKey);
    recorder.forget(space.spaceKey);
    if (space.personal) {
      const key = teamsPersonKey(teamsIds(activity).tenantId, activity.from);
      await deps.repos.conversationRefs.markUnreachable(key);
      recorder.forget(key);
    }
  }

  /** People named with @ resolved to their AAD object id, which Teams leaves out of mention entities. */
  async function resolveMentions(context: TurnContext): Promise<Mention[]> {
    const { tenantId } = teamsIds(context.activity);
    const mentions = mentionsOf(context.activity).slice(0, 5);
    return Promise.all(
      mentions.map(async (m): Promise<Mention> => {
        let account: Pick<ChannelAccount, "id" | "aadObjectId"> = m;
        if (!m.aadObjectId) {
          try {
            account = await TeamsInfo.getMember(context, m.id);
          } catch (error) {
            logOf(context).warn({ err: error, userId: m.id }, "could not look up a mentioned person; keyed by Teams user id");
          }
        }
        return { personKey: teamsPersonKey(tenantId, account), displayName: m.name };
      }),
    );
  }

  app.error(async (context, error) => {
    logOf(context).error({ err: error, activityType: context.activity.type }, "Teams turn failed");
    const view: View = { kind: "notice", locale: actorOf(context.activity).locale, tone: "error", message: { key: "notice.internalError", params: {} } };
    if (context.activity.type === "invoke") {
      if (!context.turnState.get(INVOKE_RESPONSE_KEY)) {
        const body = { statusCode: 200, type: ADAPTIVE_CARD, value: renderCard(view).card };
        await context.sendActivity({ type: "invokeResponse", value: { status: 200, body } });
      }
    } else if (context.activity.type === "message") {
      await context.sendActivity(viewActivity(view)).catch(() => undefined);
    }
  });

  return {
    adapter,
    messenger,
    async handle(req, res) {
      // botbuilder throws (a 500) on a body that is not an activity; it is the sender's mistake: 400.
      const body = req.body as { type?: unknown } | undefined;
      if (typeof body?.type !== "string") {
        res.status(400).json({ error: "bad_request", message: "The body is not a Bot Framework activity (no `type`)." });
        return;
      }
      await adapter.serve(req, res, async (context) => {
        context.turnState.set(LOG, req.log ?? log);
        const handled = await app.run(context);
        if (!handled) logOf(context).debug({ activityType: context.activity.type, name: context.activity.name }, "Teams activity ignored");
        // An invoke nobody handles would get botbuilder's 501; the contract is 200 and ignored.
        if (context.activity.type === "invoke" && !context.turnState.get(INVOKE_RESPONSE_KEY)) {
          await context.sendActivity({ type: "invokeResponse", value: { status: 200 } });
        }
      });
    },
  };
}
