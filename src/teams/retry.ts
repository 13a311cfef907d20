import { TEAMS_LIMITS } from "./limits.js";

/** A failed call to the Bot Connector, classified once so callers decide by code, not by HTTP status. */
export type ConnectorFailure =
  | { code: "throttled"; status: number; retryAfterMs?: number; reason: string }
  | { code: "transient"; status: number; retryAfterMs?: number; reason: string }
  | { code: "unreachable"; status: 403; reason: string }
  | { code: "failed"; status?: number; reason: string };

/** The RestError botbuilder's connector client throws: `code` is Teams' error code (or a network code). */
interface HttpishError {
  statusCode?: unknown;
  response?: { status?: unknown; headers?: { get?(name: string): string | undefined | null } };
  code?: unknown;
  message?: unknown;
}

const RETRYABLE_NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "REQUEST_SEND_ERROR"]);

/** Maps an error thrown by botbuilder's connector client to what it means for delivery. */
export function classifyConnectorError(error: unknown): ConnectorFailure {
  const e = (error ?? {}) as HttpishError;
  const status = typeof e.statusCode === "number" ? e.statusCode : typeof e.response?.status === "number" ? e.response.status : undefined;
  const retryAfter = e.response?.headers?.get?.("retry-after");
  const retryAfterMs = parseRetryAfter(retryAfter ?? undefined);
  const reason = typeof e.code === "string" ? e.code : typeof e.message === "string" ? e.message : String(error);
  if (status === 429) return { code: "throttled", status, retryAfterMs, reason };
  if (status !== undefined && TEAMS_LIMITS.retry.statuses.includes(status)) return { code: "transient", status, retryAfterMs, reason };
  // 403: ConversationBlockedByUser, BotNotInConversationRoster, BotDisabledByAdmin: retrying cannot help.
  if (status === 403) return { code: "unreachable", status, reason };
  if (status === undefined && typeof e.code === "string" && RETRYABLE_NETWORK.has(e.code)) return { code: "transient", status: 0, reason };
  return { code: "failed", status, reason };
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const defaultRetryPolicy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  attempts: TEAMS_LIMITS.retry.attempts,
  baseDelayMs: TEAMS_LIMITS.retry.baseDelayMs,
  maxDelayMs: TEAMS_LIMITS.retry.maxDelayMs,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  ...overrides,
});

/** Full-jitter exponential backoff, never sooner than the server's Retry-After. */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.round(ceiling / 2 + policy.random() * (ceiling / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * botbuilder's HTTP pipeline (core-rest-pipeline's default retry policy; botbuilder 4.23 passes no
 * option to turn it off or tune it) already retries 5xx, 408, network errors and a 429/503 carrying
 * Retry-After, three times with jittered backoff. Retrying those again would multiply the attempts.
 */
export function retriedByBotbuilder(failure: ConnectorFailure): boolean {
  if (failure.code !== "throttled" && failure.code !== "transient") return false;
  return failure.status === 0 || failure.status >= 500 || (failure.status === 429 && failure.retryAfterMs !== undefined);
}

export type Attempted<T> = { ok: true; value: T; attempts: number } | { ok: false; failure: ConnectorFailure; attempts: number };

/**
 * Runs `call`, retrying what Teams calls transient and botbuilder has not retried already: 412, and a
 * 429 without Retry-After. Everything else comes back classified, for the caller to decide.
 */
export async function withRetry<T>(policy: RetryPolicy, call: () => Promise<T>): Promise<Attempted<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await call(), attempts: attempt };
    } catch (error) {
      const failure = classifyConnectorError(error);
      const retryable = (failure.code === "throttled" || failure.code === "transient") && !retriedByBotbuilder(failure);
      if (!retryable || attempt >= policy.attempts) return { ok: false, failure, attempts: attempt };
      const waitMs = backoffMs(policy, attempt - 1, failure.retryAfterMs);
      // A server asking for longer than we would ever wait: hand it back to the caller (scheduler) instead.
      if (waitMs > policy.maxDelayMs) return { ok: false, failure, attempts: attempt };
      await policy.sleep(waitMs);
    }
  }
}
