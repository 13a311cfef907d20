import type { TableClient } from "@azure/data-tables";
import { ConcurrencyError } from "../core/errors.js";
import type { Clock } from "../core/ports.js";
import type { Logger } from "../log.js";
import { fromRow, getRow, insertRow, keyPart, replaceRow, toRow } from "../store/entity.js";
import type { BucketRule } from "./rateLimits.js";
import { LimiterState } from "./records.js";
import { sleep } from "./sleep.js";

interface Cached {
  etag: string;
  state: LimiterState;
}

/** The send times GCRA allows for up to `want` requests, none later than `now + horizonMs`. */
export function planSlots(state: LimiterState, rule: BucketRule, want: number, now: number, horizonMs: number): { slots: number[]; tat: number } {
  const interval = 1000 / rule.perSecond;
  const tolerance = (Math.max(1, rule.burst) - 1) * interval;
  let tat = Math.max(state.tat, state.throttledUntil);
  const slots: number[] = [];
  while (slots.length < want) {
    const at = Math.max(now, tat - tolerance, state.throttledUntil);
    if (at > now + horizonMs) break;
    slots.push(at);
    tat = Math.max(at, tat) + interval;
  }
  return { slots, tat };
}

/**
 * A rate limiter shared by every instance through one table row per bucket (ETag-conditional writes).
 * Workers book send slots a short horizon ahead, so a pause set by one instance after a 429 reaches
 * the others within that horizon; the pause is also kept in memory so this instance stops at once.
 */
export class SharedRateLimiter {
  private readonly cache = new Map<string, Cached>();
  private readonly pausedUntil = new Map<string, number>();
  /** One booking per bucket at a time in this instance: its workers queue here, not on the row's ETag. */
  private readonly turns = new Map<string, Promise<unknown>>();
  /** This instance's own emission per bucket (GCRA in memory), to spread sends whose timers fired late together. */
  private readonly emitted = new Map<string, number>();
  /** The same, booked again as each send wakes (`admit`). */
  private readonly went = new Map<string, number>();
  /** When this instance last used each bucket: one bucket per conversation adds up, so idle ones are forgotten. */
  private readonly lastUsed = new Map<string, number>();
  private forgotAt = 0;

  constructor(
    private readonly table: TableClient,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** A bucket unused here for this long is dropped from memory (its row keeps the shared state). */
    private readonly idleMs = 5 * 60_000,
  ) {}

  /** How many buckets each in-memory map holds (they shrink as buckets fall idle). */
  remembered(): { cached: number; paused: number; booking: number; emitted: number } {
    return { cached: this.cache.size, paused: this.pausedUntil.size, booking: this.turns.size, emitted: this.emitted.size };
  }

  /**
   * Books up to `want` send times in every bucket, waiting while all are booked past the horizon; none
   * (an empty list) when the first free slot is later than `notAfter` or `signal` aborts.
   */
  async reserve(rules: BucketRule[], want: number, horizonMs: number, signal?: AbortSignal, notAfter = Number.POSITIVE_INFINITY): Promise<number[]> {
    this.use(rules);
    let slots: number[] | undefined;
    for (const rule of rules) {
      const booked = await this.inTurn(rule.key, () => this.reserveOne(rule, slots?.length ?? want, horizonMs, signal, notAfter));
      if (booked.length === 0) return [];
      slots = slots ? booked.map((at, i) => Math.max(at, slots![i]!)) : booked;
    }
    return slots ?? [this.clock.now().getTime()];
  }

  /** After a 429: nobody sends into these buckets until `untilMs` (here at once, elsewhere on their next booking). */
  async pause(rules: BucketRule[], untilMs: number): Promise<void> {
    this.use(rules);
    for (const rule of rules) {
      this.pausedUntil.set(rule.key, Math.max(this.pausedUntil.get(rule.key) ?? 0, untilMs));
      for (let attempt = 0; attempt < 10; attempt++) {
        const entry = this.cache.get(rule.key) ?? (await this.read(rule.key));
        if (entry.state.throttledUntil >= untilMs) break;
        const state = { tat: Math.max(entry.state.tat, untilMs), throttledUntil: untilMs };
        try {
          this.cache.set(rule.key, { etag: await this.write(rule.key, state, entry.etag), state });
          this.log.info({ bucket: rule.key, pausedForMs: untilMs - this.clock.now().getTime() }, "platform throttled us: every instance pauses this bucket");
          break;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          this.cache.delete(rule.key);
        }
      }
    }
  }

  /**
   * Waits, if need be, so this instance never sends faster than the buckets allow over a short span:
   * after a stall (GC, a busy event loop) the sends that fell due meanwhile go out spaced, not in one burst.
   */
  async admit(rules: BucketRule[]): Promise<void> {
    this.use(rules);
    const at = this.emission(rules, this.emitted);
    await sleep(at - this.clock.now().getTime());
    // Those timers fire late together after another stall: spaced once more by when they really go.
    const again = this.emission(rules, this.went);
    await sleep(again - this.clock.now().getTime());
  }

  /** The earliest moment a send may go by `tats` (GCRA per bucket, burst included), booked there. */
  private emission(rules: BucketRule[], tats: Map<string, number>): number {
    let at = this.clock.now().getTime();
    for (const rule of rules) {
      const interval = 1000 / rule.perSecond;
      at = Math.max(at, (tats.get(rule.key) ?? 0) - (Math.max(1, rule.burst) - 1) * interval);
    }
    for (const rule of rules) tats.set(rule.key, Math.max(at, tats.get(rule.key) ?? 0) + 1000 / rule.perSecond);
    return at;
  }

  /** The latest pause this instance knows of for these buckets (epoch ms; 0 when none). */
  pausedUntilOf(rules: BucketRule[]): number {
    return Math.max(0, ...rules.map((r) => this.pausedUntil.get(r.key) ?? 0));
  }

  /** Re-reads the shared pauses (for a send whose slot is long past: another instance may have paused since). */
  async refresh(rules: BucketRule[]): Promise<void> {
    this.use(rules);
    for (const rule of rules) await this.read(rule.key);
  }

  private inTurn<T>(bucket: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.turns.get(bucket) ?? Promise.resolve()).then(work, work);
    const last = turn.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(bucket, last);
    // Nobody queued behind this booking: the bucket has no turn to wait for any more.
    void last.then(() => {
      if (this.turns.get(bucket) === last) this.turns.delete(bucket);
    });
    return turn;
  }

  private use(rules: BucketRule[]): void {
    const now = this.clock.now().getTime();
    for (const rule of rules) this.lastUsed.set(rule.key, now);
    if (now - this.forgotAt >= this.idleMs / 5) this.forgetIdle(now);
  }

  /** Forgets buckets idle for `idleMs`, unless a booking or a pause is still under way in them. */
  private forgetIdle(now: number): void {
    this.forgotAt = now;
    for (const [bucket, usedAt] of this.lastUsed) {
      if (now - usedAt < this.idleMs || this.turns.has(bucket) || (this.pausedUntil.get(bucket) ?? 0) > now) continue;
      this.lastUsed.delete(bucket);
      this.cache.delete(bucket);
      this.pausedUntil.delete(bucket);
      this.emitted.delete(bucket);
      this.went.delete(bucket);
    }
  }

  private async reserveOne(rule: BucketRule, want: number, horizonMs: number, signal: AbortSignal | undefined, notAfter: number): Promise<number[]> {
    for (;;) {
      const entry = this.cache.get(rule.key) ?? (await this.read(rule.key));
      const now = this.clock.now().getTime();
      const { slots, tat } = planSlots(entry.state, rule, want, now, horizonMs);
      // Book in chunks of half a horizon at least: many tiny bookings would make the shared row the bottleneck.
      const enough = Math.min(want, Math.max(1, Math.floor((rule.perSecond * horizonMs) / 2000)));
      if (slots.length < enough) {
        // Booked past the horizon (or paused): wait until enough free slots come within it, then book.
        const { slots: next } = planSlots(entry.state, rule, enough, now, Number.POSITIVE_INFINITY);
        const wakeAt = (next[enough - 1] ?? now) - horizonMs;
        if (wakeAt > notAfter) return [];
        await sleep(Math.max(1, wakeAt - now), signal);
        if (signal?.aborted) return [];
        continue;
      }
      const state = { tat, throttledUntil: entry.state.throttledUntil };
      try {
        this.cache.set(rule.key, { etag: await this.write(rule.key, state, entry.etag), state });
        return slots;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        // Another worker booked meanwhile: read its booking and plan again.
        this.cache.delete(rule.key);
      }
    }
  }

  private async read(bucket: string): Promise<Cached> {
    for (;;) {
      const row = await getRow(this.table, keyPart(bucket), "");
      const state = row && fromRow(LimiterState, row, this.log);
      if (row && state) {
        const entry = { etag: row.etag, state };
        this.cache.set(bucket, entry);
        if (state.throttledUntil > (this.pausedUntil.get(bucket) ?? 0)) this.pausedUntil.set(bucket, state.throttledUntil);
        return entry;
      }
      const fresh = { tat: 0, throttledUntil: 0 };
      if (row) {
        // A row this version cannot read: start it afresh (the platform's 429s still protect us).
        this.cache.set(bucket, { etag: await this.write(bucket, fresh, row.etag), state: fresh });
        return this.cache.get(bucket)!;
      }
      await insertRow(this.table, toRow(LimiterState, keyPart(bucket), "", "rateLimit", fresh));
    }
  }

  private write(bucket: string, state: LimiterState, etag: string): Promise<string> {
    return replaceRow(this.table, toRow(LimiterState, keyPart(bucket), "", "rateLimit", state), etag, "rateLimit");
  }
}
