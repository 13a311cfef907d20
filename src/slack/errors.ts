import { webApi } from "@slack/bolt";
import type { DeliveryFailure } from "../core/ports.js";

/** Slack answers that mean this conversation cannot be reached with this installation until someone acts. */
export const UNREACHABLE_ERRORS: ReadonlySet<string> = new Set([
  "not_in_channel",
  "channel_not_found",
  "is_archived",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "invalid_auth",
  "not_authed",
  "user_not_found",
  "user_disabled",
  "team_access_not_granted",
  "cannot_dm_bot",
  "user_not_in_channel",
]);

/** The error code of a failed Web API call (`channel_not_found`…), or undefined when it was not Slack's answer. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error instanceof webApi.WebAPIPlatformError) return error.data.error;
  return undefined;
}

/** One place turns a failed Web API call into a delivery result. */
export function deliveryFailure(error: unknown): DeliveryFailure {
  if (error instanceof webApi.WebAPIRateLimitedError) return { status: "throttled", retryAfterMs: Math.max(1, error.retryAfter) * 1000 };
  const code = slackErrorCode(error);
  if (code === "ratelimited") return { status: "throttled", retryAfterMs: 1000 };
  if (code && UNREACHABLE_ERRORS.has(code)) return { status: "unreachable", reason: code };
  if (code) return { status: "failed", reason: code, retryable: code === "internal_error" || code === "fatal_error" || code === "service_unavailable" };
  if (error instanceof webApi.WebAPIHTTPError) return { status: "failed", reason: `http_${error.statusCode}`, retryable: error.statusCode >= 500 };
  if (error instanceof webApi.WebAPIRequestError) return { status: "failed", reason: "request_error", retryable: true };
  return { status: "failed", reason: error instanceof Error ? error.message : String(error), retryable: false };
}

export type SlackLookupReason = "user_lookup_failed" | "channel_lookup_failed";

/**
 * users.info for a mentioned person, or conversations.info for a channel, did not answer. Guessing instead
 * would give a role to a person who may not exist or open a second space for a shared channel, so the
 * request must stop: "could not look that up just now; nothing was changed; try again".
 */
export class SlackLookupError extends Error {
  override readonly name = "SlackLookupError";

  constructor(
    readonly reason: SlackLookupReason,
    /** The user or channel id that could not be looked up. */
    readonly id: string,
    /** Slack's error code (`user_not_found`, `channel_not_found`, `ratelimited`…), when Slack answered one. */
    readonly slackError: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${reason === "user_lookup_failed" ? "users.info" : "conversations.info"} failed for ${id}${slackError ? `: ${slackError}` : ""}`, options);
  }
}

/** The Slack error code of a failed call, also for a 429 (`ratelimited`) and HTTP failures (`http_503`). */
export function lookupErrorCode(error: unknown): string | undefined {
  if (error instanceof webApi.WebAPIRateLimitedError) return "ratelimited";
  if (error instanceof webApi.WebAPIHTTPError) return `http_${error.statusCode}`;
  return slackErrorCode(error);
}
