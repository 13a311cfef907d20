import type { TableClient } from "@azure/data-tables";
import { App, ExpressReceiver, webApi, type Middleware, type AnyMiddlewareArgs } from "@slack/bolt";
import type { Adapter, AdapterContext } from "../adapters.js";
import type { Logger } from "../log.js";
import { BODY_LIMIT } from "../server.js";
import type { RequestHandler } from "express";
import type { BackgroundWork } from "../work.js";
import type { Hold } from "../workGate.js";
import { boltLogger } from "./boltLogger.js";
import { BotIdentity } from "./botIdentity.js";
import { SlackDirectory } from "./directory.js";
import { registerEvents } from "./events.js";
import { TableInstallationStore } from "./installationStore.js";
import { registerInteractions } from "./interactions.js";
import { SlackMessenger, type BotTokens } from "./messenger.js";
import { SlackRosterDirectory } from "./rosterDirectory.js";
import { installPage, manifestBotScopes, oauthCallbacks } from "./oauthPages.js";
import { STATE_COOKIE, STATE_LIFETIME_SECONDS, stateCookieSameSiteLax, TableStateStore } from "./oauthState.js";
import { RefKeeper } from "./refs.js";
import { EventDedupe, openSlackTables, WorkspaceRefs } from "./slackTables.js";
import { answerJson, answerProcessEventError, answerUnhandled } from "./httpAnswers.js";
import { normaliseEventText } from "./payloadShape.js";
import { openSignedRequestsTable, SignedRequests } from "./replayGuard.js";
import { signatureCheckOf, slackBodyOf, slackRequestGuard } from "./requestGuard.js";
import { slackFetch } from "./transport.js";
import type { SlackRuntime } from "./runtime.js";

/** A request let on after waiting for room among the waiting work (`WorkGate.room`) carries the place it holds. */
type HoldingRequest = { workHold?: Hold };

export const SLACK_PATHS = { events: "/slack/events", install: "/slack/install", redirect: "/slack/oauth_redirect" } as const;

const OFF = [
  "Slack: off. For one workspace set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (xoxb-…); to install across workspaces and Enterprise Grid orgs set SLACK_SIGNING_SECRET, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET. Then create the app from `npm run manifest:slack` (README: \"Use it in Slack\").",
];

/**
 * Creates the adapter's tables, retrying in the background while storage is unreachable; start-up waits
 * for the first attempt at most 5 s. Returns a function that stops the retries.
 */
async function prepareTables(tables: TableClient[], log: Logger): Promise<() => void> {
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async (delayMs: number): Promise<void> => {
    if (cancelled) return;
    try {
      await Promise.all(tables.map((table) => table.createTable()));
    } catch (error) {
      log.error({ err: error, retryInMs: delayMs }, "slack tables could not be created; will retry");
      timer = setTimeout(() => void attempt(Math.min(delayMs * 2, 30_000)), delayMs);
      timer.unref();
    }
  };
  await Promise.race([attempt(1_000), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}

/** Each Events API delivery runs once (Slack retries after 3 s or on errors); all work is tracked for shutdown. */
function onceEach(dedupe: EventDedupe, work: BackgroundWork, log: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next, context }) => {
    const envelope = body as { type?: string; event_id?: string; event_time?: number };
    if (envelope.type !== "event_callback" || !envelope.event_id) {
      await work.track(next());
      return;
    }
    const eventTime = envelope.event_time ?? Math.floor(Date.now() / 1000);
    let claimed = true;
    try {
      claimed = await dedupe.claim(envelope.event_id, eventTime);
    } catch (error) {
      // Storage trouble: better to risk a repeat than to drop the event.
      log.warn({ err: error, eventId: envelope.event_id }, "could not record a Slack event id; processing it anyway");
    }
    if (!claimed) {
      log.info({ eventId: envelope.event_id, retryNum: context.retryNum, retryReason: context.retryReason }, "slack event already processed; retry skipped");
      return;
    }
    try {
      await work.track(next());
    } catch (error) {
      await dedupe.release(envelope.event_id, eventTime).catch(() => undefined);
      throw error;
    }
  };
}

/** The Slack adapter, with the Messenger the scheduler uses for proactive messages (off without settings). */
export async function createSlackAdapter(ctx: AdapterContext): Promise<Adapter> {
  const { config, deps, storage, work } = ctx;
  const slack = config.slack;
  if (slack.mode === "off") return { name: "slack", mount: () => undefined, describe: () => OFF };

  const log = ctx.log.child({ component: "slack" });
  const logger = boltLogger(log);
  const tables = openSlackTables(storage);
  const signedRequestsTable = openSignedRequestsTable(storage);
  const stopPreparing = await prepareTables([...Object.values(tables), signedRequestsTable], log);
  const installations = slack.mode === "oauth" ? new TableInstallationStore(tables.installations, log) : undefined;
  const clientOptions = { slackApiUrl: slack.apiUrl, fetch: slackFetch, retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2_000 } };

  const receiver = new ExpressReceiver({
    signingSecret: slack.signingSecret,
    // The request guard mounted in front of this receiver (below, `mount`) has verified the signature, its
    // timestamp and its replay; a second HMAC of every body here would add nothing.
    signatureVerification: false,
    logger,
    endpoints: SLACK_PATHS.events,
    customPropertiesExtractor: (req) => ({ correlationId: req.correlationId, signatureCheck: signatureCheckOf(req), workHold: (req as HoldingRequest).workHold }),
    bodyLimit: BODY_LIMIT,
    processEventErrorHandler: answerProcessEventError,
    unhandledRequestHandler: answerUnhandled,
    ...(slack.mode === "oauth"
      ? {
          clientId: slack.clientId,
          clientSecret: slack.clientSecret,
          stateSecret: slack.stateSecret,
          installationStore: installations,
          scopes: manifestBotScopes(),
          ...(config.publicUrl ? { redirectUri: `${config.publicUrl}${SLACK_PATHS.redirect}` } : {}),
          installerOptions: {
            installPath: SLACK_PATHS.install,
            redirectUriPath: SLACK_PATHS.redirect,
            stateStore: new TableStateStore(tables.oauthStates, log),
            stateCookieName: STATE_COOKIE,
            stateCookieExpirationSeconds: STATE_LIFETIME_SECONDS,
            installPathOptions: stateCookieSameSiteLax,
            clientOptions: { slackApiUrl: slack.apiUrl, fetch: slackFetch },
            renderHtmlForInstallPath: installPage,
            callbackOptions: oauthCallbacks(log),
          },
        }
      : {}),
  });
  // One workspace: the bot token, with the bot's ids asked of Slack now and again after a failure (not Bolt's
  // `token`, whose one auth.test at construction stopped the process when Slack was unreachable).
  const identity = slack.mode === "single-workspace" ? new BotIdentity(new webApi.WebClient(undefined, { ...clientOptions, logger }), slack.botToken, log) : undefined;
  identity?.prefetch();
  const bolt = new App({
    receiver,
    logger,
    clientOptions,
    // Bolt's conversation store (context.conversation) is unused here; its default looks every event up in memory
    // and rejects with a new Error when nothing is kept, which is every time.
    convoStore: false,
    ...(identity ? { authorize: identity.authorize } : {}),
  });

  const tokens: BotTokens =
    slack.mode === "single-workspace"
      ? { botToken: async () => slack.botToken }
      : { botToken: async (ws) => (await installations?.find(ws))?.bot?.token };
  const messenger = new SlackMessenger({ refs: deps.repos.conversationRefs, tokens, log, slackLog: logger, apiUrl: slack.apiUrl });
  const workspaceRefs = new WorkspaceRefs(tables.workspaceRefs, log);
  const rt: SlackRuntime = {
    deps,
    kernel: ctx.kernel,
    directory: new SlackDirectory(log),
    workspaceRefs,
    refKeeper: new RefKeeper(deps.repos.conversationRefs, workspaceRefs, deps.clock, log),
    installations,
    pressedUpdateSlot: (workspace) => messenger.pressedUpdateSlot(workspace),
    gate: work.gate,
    log,
  };
  bolt.use(onceEach(new EventDedupe(tables.events), work, log));
  bolt.use(normaliseEventText);
  registerInteractions(bolt, rt);
  registerEvents(bolt, rt);
  bolt.error(async (error) => {
    log.error({ err: error, code: error.code }, "slack listener failed");
  });

  const requestGuard = slackRequestGuard({
    signingSecret: slack.signingSecret,
    signedRequests: new SignedRequests(signedRequestsTable, () => deps.clock.now()),
    now: () => deps.clock.now().getTime(),
    bodyLimit: BODY_LIMIT,
    log,
  });

  return {
    name: "slack",
    messenger,
    directory: new SlackRosterDirectory({ refs: deps.repos.conversationRefs, tokens, apiUrl: slack.apiUrl, log }),
    mount: (app) => {
      // Verification (±5 min), payload shape and replays are checked here, before Bolt's receiver. First,
      // while the work after acks has a full queue, a request waits (up to 1.5 s) for room before it is acked.
      // One let on after waiting holds its place among the waiting until its listener's work is admitted.
      const room: RequestHandler = (req, _res, next) =>
        void work.gate.room().then(({ hold }) => {
          (req as HoldingRequest).workHold = hold;
          next();
        });
      // Bolt's receiver is handed the body the guard parsed and checked: not the bytes, to read again.
      const handOn: RequestHandler = (req, res) => {
        const shaped = slackBodyOf(req);
        if (!shaped) return answerJson(res, 400, "bad_request", "The request was not checked.");
        if (shaped.kind === "ssl_check") return void res.send();
        if (shaped.kind === "url_verification") return void res.json({ challenge: shaped.body.challenge });
        req.body = shaped.body;
        receiver.requestHandler(req, res).catch((error: unknown) => log.error({ err: error }, "slack request failed in Bolt's receiver"));
      };
      app.post(SLACK_PATHS.events, room, ...requestGuard, ...(identity ? [identity.eventsWait] : []), handOn);
      // The receiver's own routes: the OAuth install and redirect pages (its events route is never reached).
      app.use(receiver.router);
    },
    describe: (baseUrl) => {
      const base = config.publicUrl ?? baseUrl;
      const lines = [`POST ${base}${SLACK_PATHS.events}: Slack events, the /cop command and interactivity (${slack.mode})`];
      if (slack.mode === "oauth") {
        lines.push(`GET ${base}${SLACK_PATHS.install}: install the Slack app in a workspace or Enterprise Grid org`);
        lines.push(`GET ${base}${SLACK_PATHS.redirect}: Slack OAuth redirect URL`);
      }
      return lines;
    },
    stop: async () => stopPreparing(),
  };
}
