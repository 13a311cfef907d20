import type { Logger } from "../log.js";

/**
 * What stands between a Bot Framework token and Microsoft's signing keys when those cannot be fetched.
 * botframework-connector caches the OpenID metadata it got, but not a failure to get it: while
 * login.botframework.com is unreachable, every request with a token would fetch it again (a forged
 * one as cheaply as a real one). After a failed fetch, tokens signed by a key not yet seen verified
 * are answered "come back later" without fetching, one probe at a time after a growing delay;
 * tokens signed by a key that verified before still go through (botbuilder may have it cached).
 */

export interface SigningKeyGateOptions {
  now?: () => number;
  /** Wait after the first failed fetch; doubled after each failed probe, up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/** The signing keys could not be had: answer 503 with Retry-After. */
export class SigningKeysUnavailable extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("Microsoft's Bot Framework signing keys cannot be fetched just now");
    this.name = "SigningKeysUnavailable";
  }
}

interface Outage {
  since: number;
  /** No probe before this instant. */
  retryAt: number;
  delayMs: number;
  /** Requests answered 503 since the outage began. */
  refused: number;
}

export class SigningKeyGate {
  private readonly now: () => number;
  private readonly firstDelayMs: number;
  private readonly maxDelayMs: number;
  private outage: Outage | undefined;
  /** Key ids that signed a token botbuilder accepted: a handful (Microsoft publishes few keys). */
  private readonly verifiedKeyIds = new Set<string>();

  constructor({ now = () => Date.now(), firstDelayMs = 5_000, maxDelayMs = 60_000 }: SigningKeyGateOptions = {}) {
    this.now = now;
    this.firstDelayMs = firstDelayMs;
    this.maxDelayMs = maxDelayMs;
  }

  /** Runs `authenticate` (botbuilder's token validation) unless the keys it needs are known to be out of reach. */
  async verify<T>(authorization: string, authenticate: () => Promise<T>, log: Logger): Promise<T> {
    const keyId = keyIdOf(authorization);
    // Not a JWT: botbuilder refuses it without fetching anything. A key that verified before may be cached.
    const probe = keyId !== undefined && !this.verifiedKeyIds.has(keyId);
    const outage = this.outage;
    const probing = outage !== undefined && probe;
    if (outage && probing) {
      const now = this.now();
      if (now < outage.retryAt) {
        outage.refused += 1;
        log.debug({ refused: outage.refused }, "Teams request answered 503: the signing keys are still out of reach");
        throw new SigningKeysUnavailable(secondsUntil(outage.retryAt, now));
      }
      // This request probes; the others keep waiting until it is done.
      outage.retryAt = now + outage.delayMs;
    }
    try {
      const result = await authenticate();
      if (keyId !== undefined) this.verifiedKeyIds.add(keyId);
      if (probe) this.recovered(log);
      return result;
    } catch (error) {
      if (!isKeyFetchFailure(error)) {
        if (probe) this.recovered(log);
        throw error;
      }
      if (keyId !== undefined) this.verifiedKeyIds.delete(keyId);
      throw this.failed(error, probing, log);
    }
  }

  /** Logged once when the outage begins; at debug while it lasts. */
  private failed(error: unknown, probing: boolean, log: Logger): SigningKeysUnavailable {
    const now = this.now();
    const reason = error instanceof Error ? error.message : String(error);
    let outage = this.outage;
    if (!outage) {
      outage = this.outage = { since: now, retryAt: now + this.firstDelayMs, delayMs: this.firstDelayMs, refused: 1 };
      log.error({ reason, retryInMs: outage.delayMs }, "Bot Framework signing keys cannot be fetched: Teams requests that need them get 503 until they can");
    } else {
      // Only a failed probe lengthens the wait, not requests that were already under way.
      if (probing) {
        outage.delayMs = Math.min(outage.delayMs * 2, this.maxDelayMs);
        outage.retryAt = now + outage.delayMs;
      }
      outage.refused += 1;
      log.debug({ reason, retryInMs: outage.retryAt - now, refused: outage.refused }, "Bot Framework signing keys still cannot be fetched");
    }
    return new SigningKeysUnavailable(secondsUntil(outage.retryAt, now));
  }

  private recovered(log: Logger): void {
    if (!this.outage) return;
    const { since, refused } = this.outage;
    this.outage = undefined;
    log.info({ outageMs: this.now() - since, refused }, "Bot Framework signing keys can be fetched again");
  }
}

/**
 * A fetch of the OpenID metadata or of the keys that failed: node-fetch's FetchError (refused, reset,
 * DNS, invalid JSON), or botframework-connector's AuthenticationError 500 for a non-2xx answer.
 */
export function isKeyFetchFailure(error: unknown): boolean {
  const e = error as { name?: unknown; statusCode?: unknown; message?: unknown } | undefined;
  if (e?.name === "FetchError") return true;
  return e?.statusCode === 500 && typeof e.message === "string" && e.message.startsWith("Failed to load");
}

/** The `kid` of a bearer JWT ("" when its header names none), or undefined when it is not a JWT at all. */
export function keyIdOf(authorization: string): string | undefined {
  const match = /^Bearer ([\w-]+)\.([\w-]+)\.[\w-]*$/.exec(authorization);
  if (!match) return undefined;
  try {
    const header = JSON.parse(Buffer.from(match[1]!, "base64url").toString("utf8")) as unknown;
    const payload = JSON.parse(Buffer.from(match[2]!, "base64url").toString("utf8")) as unknown;
    if (!isObject(header) || !isObject(payload)) return undefined;
    return typeof header.kid === "string" ? header.kid.slice(0, 200) : "";
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const secondsUntil = (instant: number, now: number) => Math.max(1, Math.ceil((instant - now) / 1000));
