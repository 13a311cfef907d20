import { LRUCache } from "lru-cache";

const KEYS_KEPT = 10_000;

/**
 * Paces Web API calls per key (installation + method, or + channel for chat.postMessage) with token
 * buckets, and holds a key back after a 429 until its Retry-After has passed.
 */
export class RateGate {
  // One key per installation, method and channel adds up over a long run: the least recently used are
  // forgotten past KEYS_KEPT (a bucket unused that long has refilled; a forgotten pause has long passed).
  private readonly buckets = new LRUCache<string, { tokens: number; last: number }>({ max: KEYS_KEPT });
  private readonly blockedUntil = new LRUCache<string, number>({ max: KEYS_KEPT });

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /**
   * Waits for a slot (capacity calls at once, refilled at perMinute); returns 0 once the call may go, or the
   * milliseconds to come back after when that is longer than `maxWaitMs` (nothing is reserved then).
   */
  async take(key: string, capacity: number, perMinute: number, maxWaitMs: number): Promise<number> {
    const now = this.now();
    const blocked = this.pausedFor(key);
    if (blocked > 0) return blocked;
    const perMs = perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, last: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.last) * perMs);
    bucket.last = now;
    const waitMs = bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / perMs);
    if (waitMs > maxWaitMs) {
      this.buckets.set(key, bucket);
      return waitMs;
    }
    // Taking the token now (even into debt) reserves this caller's place in the queue.
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (waitMs > 0) await this.sleep(waitMs);
    return 0;
  }

  /** Milliseconds until a 429's pause on this key is over; 0 when it is not paused. */
  pausedFor(key: string): number {
    const left = (this.blockedUntil.get(key) ?? 0) - this.now();
    if (left > 0) return left;
    this.blockedUntil.delete(key);
    return 0;
  }

  /** After a 429: nothing goes out on this key until Retry-After has passed. */
  block(key: string, retryAfterMs: number): void {
    this.blockedUntil.set(key, Math.max(this.blockedUntil.get(key) ?? 0, this.now() + retryAfterMs));
  }
}
