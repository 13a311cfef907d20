import express, { type ErrorRequestHandler, type Request, type RequestHandler } from "express";
import type { Logger } from "../log.js";
import { answerJson } from "./httpAnswers.js";
import { isSlackMediaType, mediaType, readSlackBody, type SlackBody } from "./payloadShape.js";
import type { SignedRequests } from "./replayGuard.js";
import { verifySlackRequest } from "./verifyRequest.js";

export interface SlackRequestGuardOptions {
  signingSecret: string;
  signedRequests: Pick<SignedRequests, "claim" | "claimedHere" | "noteHere">;
  /** Milliseconds since the epoch. */
  now: () => number;
  bodyLimit: string;
  log: Logger;
}

/**
 * How long the replay check of a request not yet acknowledged may wait for storage. Slack gives up on a request
 * after 3 seconds, and the storage client retries an unreachable account for longer: past this, the request is
 * refused in time.
 */
const CLAIM_BUDGET_MS = 1_500;

/**
 * How long the replay check of a request already acknowledged (`acksFirst`) may wait for storage. Slack's 3
 * seconds are behind it and its answers go by response URL (good for 30 minutes), so storage that is slow but
 * answering (seconds behind under a burst) runs the request late rather than has the person told to try again;
 * past this, storage is taken to be down and they are told. A trigger that expires meanwhile (3 s) opens no
 * modal: the person is sent a button that opens it instead (src/slack/deliver.ts).
 */
const AFTER_ACK_CLAIM_BUDGET_MS = 8_000;

/** The claim, or an error once the budget is spent (the claim itself may still finish, unobserved). */
function withinBudget<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from storage within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** What became of a signed request's claim: a first sight, a replay, or not known (storage did not answer). */
export type SignatureCheck = "created" | "duplicate" | "unchecked";

/**
 * The replay check of a request let through before it was made, made when its listener knows what the request
 * asks: `readOnly` (a replay could only repeat the asker's answer) checks this instance's memory, anything
 * else claims the signature in storage. Asked again, it answers as the first time.
 */
export type SignatureCheckFn = (readOnly: boolean) => Promise<SignatureCheck>;

/**
 * A request let through carries its body as the guard parsed and checked it (Bolt is handed that, not the bytes
 * to parse again), and one let through before its replay check carries the check (the adapter hands it to the
 * listeners).
 */
type GuardedRequest = Request & { slackBody?: SlackBody; signatureCheck?: SignatureCheckFn; eventType?: string };

/** The body of a request the guard let through, parsed and checked (undefined for any other request). */
export const slackBodyOf = (req: Request): SlackBody | undefined => (req as GuardedRequest).slackBody;

/** The replay check of a request let through before it was made, if this one was. */
export const signatureCheckOf = (req: Request): SignatureCheckFn | undefined => (req as GuardedRequest).signatureCheck;

/** The type of the event a request let through delivers (`app_mention`…); undefined for anything but an event. */
export const eventTypeOf = (req: Request): string | undefined => (req as GuardedRequest).eventType;

/**
 * Requests whose listener acknowledges with an empty 200 before doing anything: slash commands, buttons and
 * shortcuts. Their replay check is made after the ack, by the listener, before anything runs, so a storage
 * round trip is not in Slack's 3 seconds (and a read-only command needs none). A modal submission's or an
 * options request's ack carries the answer; events are acknowledged by Bolt and a refused one is redelivered
 * by Slack: those wait for it.
 */
const ACK_FIRST = new Set(["block_actions", "message_action", "shortcut"]);
const acksFirst = (shaped: { kind: string; body: Record<string, unknown> }) =>
  shaped.kind === "command" || (shaped.kind === "interactive" && ACK_FIRST.has(String(shaped.body.type)));

const statusOf = (error: unknown) => {
  const { status, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
  return typeof status === "number" ? status : typeof statusCode === "number" ? statusCode : undefined;
};

/**
 * Runs in front of Bolt's receiver on /slack/events: reads the body (size-limited), checks the signature
 * and a timestamp within ±5 minutes, checks the payload's shape, refuses a signed request seen before,
 * and only then hands the body on. Every refusal is a JSON `{error, message}`. A request acknowledged before
 * anything runs (`acksFirst`) goes on while storage records it; a replay that only storage knows (one another
 * instance took) then gets Slack's empty 200 and is dropped by its listener, logged.
 */
export function slackRequestGuard(opts: SlackRequestGuardOptions): Array<RequestHandler | ErrorRequestHandler> {
  const readBody = express.raw({ type: () => true, limit: opts.bodyLimit });

  const guard: RequestHandler = async (req, res, next) => {
    const log = req.log ?? opts.log;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const body = raw.toString("utf8");
    const verified = verifySlackRequest({ signingSecret: opts.signingSecret, body, headers: req.headers, nowMilliseconds: opts.now() });
    if (!verified.ok) {
      log.warn({ reason: verified.error }, "slack request refused: not verified");
      return answerJson(res, 401, verified.error, verified.message);
    }
    const type = mediaType(req.headers["content-type"]);
    if (!isSlackMediaType(type)) return answerJson(res, 415, "unsupported_media_type", "Slack sends application/x-www-form-urlencoded or application/json.");
    const shaped = readSlackBody(body, type);
    if (!shaped.ok) {
      log.warn({ reason: shaped.message }, "slack request refused: malformed payload");
      return answerJson(res, 400, "malformed_payload", shaped.message);
    }
    const refuseReplay = () => {
      log.warn({ timestamp: verified.timestampSeconds, kind: shaped.kind }, "slack request refused: replay of a request already accepted");
      return answerJson(res, 409, "replayed_request", "This signed request was already received; it is not run again.");
    };
    // A redelivered event (X-Slack-Retry-Num) may carry the first delivery's signature: its event_id dedupe decides.
    const eventRetry = shaped.kind === "event_callback" && req.headers["x-slack-retry-num"] !== undefined;
    const claim = (budget: number) => withinBudget(opts.signedRequests.claim(verified.timestampSeconds, verified.signature), budget);
    if (!eventRetry && acksFirst(shaped)) {
      // A replay this instance saw is refused at once; any other is found by the listener's check after the ack.
      if (opts.signedRequests.claimedHere(verified.timestampSeconds, verified.signature)) return refuseReplay();
      const dropped = (claimed: SignatureCheck) => {
        if (claimed === "duplicate") log.warn({ timestamp: verified.timestampSeconds, kind: shaped.kind }, "slack request dropped after its ack: replay of a request already accepted");
        return claimed;
      };
      let checked: Promise<SignatureCheck> | undefined;
      (req as GuardedRequest).signatureCheck = (readOnly) =>
        (checked ??= readOnly
          ? Promise.resolve(dropped(opts.signedRequests.noteHere(verified.timestampSeconds, verified.signature)))
          : claim(AFTER_ACK_CLAIM_BUDGET_MS).then(dropped, (error: unknown) => {
              log.error({ err: error }, "slack request not run: could not record its signature");
              return "unchecked" as const;
            }));
    } else if (!eventRetry) {
      let claimed: "created" | "duplicate";
      try {
        claimed = await claim(CLAIM_BUDGET_MS);
      } catch (error) {
        // Refused rather than let through unchecked: Slack retries events, and a person can send a command again.
        log.error({ err: error }, "slack request refused: could not record its signature");
        return answerJson(res, 503, "unavailable", "The request could not be checked just now; nothing was changed. Try again.");
      }
      if (claimed === "duplicate") return refuseReplay();
    }
    (req as GuardedRequest).slackBody = shaped;
    if (shaped.kind === "event_callback") (req as GuardedRequest).eventType = String((shaped.body.event as { type?: unknown }).type);
    next();
  };

  const readFailed: ErrorRequestHandler = (error: unknown, req, res, next) => {
    const status = statusOf(error);
    if (status === 413) return answerJson(res, 413, "payload_too_large", `The request body is larger than ${opts.bodyLimit}.`);
    if (status === 415) return answerJson(res, 415, "unsupported_media_type", "The request body's encoding is not supported.");
    if (status !== undefined && status >= 400 && status < 500) return answerJson(res, 400, "bad_request", "The request body could not be read.");
    next(error);
  };

  return [readBody, guard, readFailed];
}
