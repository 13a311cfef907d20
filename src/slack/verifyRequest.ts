import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack signs "v0:{timestamp}:{body}"; a request dated further than this from our clock, either way, is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface SlackRequestToVerify {
  signingSecret: string;
  /** The raw body, exactly as received. */
  body: string;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  nowMilliseconds: number;
}

export type VerifyFailure = "missing_headers" | "bad_timestamp" | "stale_timestamp" | "future_timestamp" | "bad_signature";

export type Verification =
  | { ok: true; timestampSeconds: number; signature: string }
  | { ok: false; error: VerifyFailure; message: string };

const header = (headers: SlackRequestToVerify["headers"], name: string) => {
  const value = headers[name];
  return typeof value === "string" ? value : undefined;
};

/**
 * Checks X-Slack-Signature against the body and X-Slack-Request-Timestamp, and refuses a timestamp more
 * than 5 minutes from now in either direction (Bolt only refuses old ones: a future one would stay
 * replayable for as long as its date lies ahead).
 */
export function verifySlackRequest(req: SlackRequestToVerify): Verification {
  const timestamp = header(req.headers, "x-slack-request-timestamp");
  const signature = header(req.headers, "x-slack-signature");
  if (!timestamp || !signature) return { ok: false, error: "missing_headers", message: "X-Slack-Request-Timestamp and X-Slack-Signature are required." };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, error: "bad_timestamp", message: "X-Slack-Request-Timestamp is not a Unix time in seconds." };
  const timestampSeconds = Number(timestamp);
  const skew = timestampSeconds - Math.floor(req.nowMilliseconds / 1000);
  if (skew < -MAX_CLOCK_SKEW_SECONDS) return { ok: false, error: "stale_timestamp", message: "The request is more than 5 minutes old." };
  if (skew > MAX_CLOCK_SKEW_SECONDS) return { ok: false, error: "future_timestamp", message: "The request is dated more than 5 minutes ahead." };
  if (!req.signingSecret) return { ok: false, error: "bad_signature", message: "No signing secret is configured." };
  const expected = `v0=${createHmac("sha256", req.signingSecret).update(`v0:${timestamp}:${req.body}`).digest("hex")}`;
  const given = Buffer.from(signature, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, "utf8"))) {
    return { ok: false, error: "bad_signature", message: "The request signature does not match." };
  }
  return { ok: true, timestampSeconds, signature };
}
