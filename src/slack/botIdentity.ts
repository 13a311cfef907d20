import type { Authorize, webApi } from "@slack/bolt";
import type { RequestHandler } from "express";
import type { Logger } from "../log.js";
import { slackErrorCode } from "./errors.js";
import { answerJson } from "./httpAnswers.js";
import { eventTypeOf } from "./requestGuard.js";

/** Who the app is in its workspace: its bot id and its bot user's id (`<@U…>` in a mention). */
export interface BotIds {
  botId?: string;
  botUserId?: string;
}

/**
 * Single-workspace mode's bot identity, from `auth.test`: asked at start, kept once Slack answers, and asked
 * again by the next request that needs it after a failure. Bolt's own (an `App` given `token`) calls
 * `auth.test` in its constructor and keeps that one promise: with Slack unreachable at start its rejection
 * went unhandled and stopped the whole process, and every Slack request after it would have failed with it.
 */
export class BotIdentity {
  private known: BotIds | undefined;
  private asking: Promise<BotIds> | undefined;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly botToken: string,
    private readonly log: Logger,
  ) {}

  /** The ids, asking Slack when they are not known yet (one call at a time); rejects, logged, when it fails. */
  resolve(): Promise<BotIds> {
    if (this.known) return Promise.resolve(this.known);
    this.asking ??= this.client.auth.test({ token: this.botToken }).then(
      (answer) => {
        this.known = { botId: answer.bot_id, botUserId: answer.user_id };
        this.asking = undefined;
        this.log.info({ ...this.known, teamId: answer.team_id }, "slack bot identified (auth.test)");
        return this.known;
      },
      (error: unknown) => {
        this.asking = undefined;
        this.log.warn({ err: error, slackError: slackErrorCode(error) }, "could not identify the Slack bot (auth.test); the next Slack request asks again");
        throw error;
      },
    );
    return this.asking;
  }

  /** Asks now, in the background (start-up): a failure is logged and asked again later. */
  prefetch(): void {
    this.resolve().catch(() => undefined);
  }

  /**
   * Bolt's `authorize`: the bot token, with the ids once known. A request never waits for `auth.test` here: a
   * slash command or a button does not need the ids (its listener answers the person either way) and an event
   * that does waits for them before Bolt sees it (`eventsWait`); while they are unknown, Slack is
   * asked again in the background.
   */
  readonly authorize: Authorize<boolean> = async ({ isEnterpriseInstall }) => {
    if (!this.known) this.prefetch();
    return { isEnterpriseInstall, botToken: this.botToken, ...this.known };
  };

  /**
   * Mounted after the request guard: an event whose listeners need the ids waits for them; when Slack does
   * not answer, the event is refused with a 503 and nothing runs, so Slack delivers it again.
   */
  readonly eventsWait: RequestHandler = (req, res, next) => {
    if (this.known || !needsBotIds(eventTypeOf(req))) return next();
    this.resolve().then(
      () => next(),
      () => answerJson(res, 503, "unavailable", "Slack's Web API did not answer who this app is (auth.test); the event was not run. Slack delivers it again."),
    );
  };
}

/** Events Bolt runs without `authorize` (there is no token to use any more). */
const WITHOUT_AUTHORIZE = new Set(["app_uninstalled", "tokens_revoked"]);

/**
 * Whether an event of this type (undefined: not an event) must wait for the bot's ids before Bolt runs it:
 * its listeners tell the app's own mentions and joins from other people's by them.
 */
const needsBotIds = (eventType: string | undefined): boolean => eventType !== undefined && !WITHOUT_AUTHORIZE.has(eventType);
