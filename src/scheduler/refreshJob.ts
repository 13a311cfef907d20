import { decodeKey, type Platform } from "../core/domain.js";
import { COPIES_REFRESH_JOB, RefreshPayload, refreshJobKey } from "../core/kernel/copies.js";
import type { CardRef } from "../core/kernel/outcome.js";
import type { Clock, DeliveryTarget, JobRequest, Messenger, UpdateResult } from "../core/ports.js";
import type { CopyBook } from "./copies.js";
import type { DeliveryLog } from "./deliveries.js";
import type { FanoutStore } from "./fanouts.js";
import { readerFor, type Present } from "./present.js";
import { bucketsFor, type RateLimitTable } from "./rateLimits.js";
import type { SharedRateLimiter } from "./rateLimiter.js";
import { targetKey } from "./records.js";
import type { JobDefinition } from "./registry.js";
import { sleep } from "./sleep.js";

export { COPIES_REFRESH_JOB } from "../core/kernel/copies.js";

/** Loads the card a copy source shows now (the kernel's `loadCopy`). */
export type LoadCopy = (source: string, args: unknown) => Promise<CardRef | undefined>;

export interface RefreshOptions {
  /** How far ahead update slots are booked from the shared rate limiter. */
  horizonMs: number;
  /** A fan-out still delivering copies is looked at again this much later, at most `maxRounds` times. */
  followUpMs: number;
  maxRounds: number;
  /** Tries per copy when the platform answers "too many requests". */
  maxThrottledTries: number;
}

export const DEFAULT_REFRESH_OPTIONS: RefreshOptions = { horizonMs: 250, followUpMs: 2000, maxRounds: 30, maxThrottledTries: 3 };

interface Deps {
  copies: CopyBook;
  deliveries: DeliveryLog;
  fanouts: FanoutStore;
  limiter: SharedRateLimiter;
  rates: RateLimitTable;
  messengers: () => Partial<Record<Platform, Messenger>>;
  present: Present;
  load: LoadCopy;
  schedule(job: JobRequest): Promise<unknown>;
  clock: Clock;
  options: RefreshOptions;
}

/** One delivered copy: where it is, the platform's message id, and the language it was rendered in. */
interface Copy {
  target: DeliveryTarget;
  messageId: string;
  locale: string;
}

/**
 * The refresh job: loads the card as it is now and updates every recorded copy in place (Slack chat.update,
 * Teams updateActivity), each in its space's language and platform, paced by the shared rate limiter.
 * Copies a fan-out has not delivered yet are looked at again shortly (they may have gone out with older data).
 */
export function refreshJob(deps: Deps): JobDefinition<RefreshPayload> {
  return {
    schema: RefreshPayload,
    async run(payload, { signal, log }) {
      const parsed = RefreshPayload.parse(payload);
      const card = await deps.load(parsed.source, parsed.args);
      if (!card) return void log.info({ of: parsed.of }, "nothing to refresh the copies with any more; they stay as they are");
      const { copies, delivering } = await copiesOf(deps, parsed.of);
      const results = await Promise.all(copies.map((copy) => updateOne(deps, copy, card, signal)));
      const failed = results.flatMap((result, i) => (result.status === "updated" ? [] : [{ copy: targetKey(copies[i]!.target), result }]));
      if (failed.length) log.warn({ of: parsed.of, failed }, "some copies were not refreshed");
      if (delivering && parsed.round < deps.options.maxRounds) {
        const dueAt = new Date(deps.clock.now().getTime() + deps.options.followUpMs);
        await deps.schedule({ kind: COPIES_REFRESH_JOB, key: refreshJobKey(parsed.of, dueAt), dueAt, payload: { ...parsed, round: parsed.round + 1 } });
      }
      log.debug({ of: parsed.of, copies: copies.length, failed: failed.length, delivering }, "copies refreshed");
      // A platform that failed for now: the whole refresh is tried again (updating a copy twice changes nothing).
      if (failed.some(({ result }) => result.status === "throttled" || (result.status === "failed" && result.retryable))) throw new Error("some copies could not be refreshed yet");
    },
  };
}

/** Every copy delivered so far, and whether a fan-out is still delivering more. */
async function copiesOf({ copies, fanouts, deliveries }: Deps, of: string): Promise<{ copies: Copy[]; delivering: boolean }> {
  const found = new Map<string, Copy>();
  let delivering = false;
  for (const copy of await copies.list(of)) {
    if (copy.kind === "message") {
      found.set(copy.messageId, { target: { kind: "space", spaceKey: copy.spaceKey }, messageId: copy.messageId, locale: copy.locale });
      continue;
    }
    const fanout = await fanouts.get(copy.fanoutId);
    const records = fanout ? await deliveries.list(copy.fanoutId) : [];
    if (!fanout || !fanout.record.enqueueDone || records.length < fanout.record.enqueued) delivering = true;
    for (const r of records) {
      if (r.status !== "sent" || !r.messageId) continue;
      const locale = (r.target.kind === "person" ? r.target.locale : undefined) ?? fanout!.record.locale;
      found.set(r.messageId, { target: r.target, messageId: r.messageId, locale });
    }
  }
  return { copies: [...found.values()], delivering };
}

/** Updates one copy at a slot the platform's limits allow; waits out a "too many requests" a few times. */
async function updateOne(deps: Deps, copy: Copy, card: CardRef, signal: AbortSignal): Promise<UpdateResult> {
  const { limiter, rates, clock, options } = deps;
  const rules = bucketsFor(copy.target, rates);
  const platform = decodeKey(targetKey(copy.target)).platform;
  const messenger = deps.messengers()[platform];
  if (!messenger) return { status: "unreachable", reason: `no ${platform} Messenger: the ${platform} adapter is off` };
  const view = deps.present(card, readerFor({ locale: copy.locale }, copy.target));
  let result: UpdateResult = { status: "failed", reason: "stopped before the update", retryable: true };
  for (let tries = 0; tries < options.maxThrottledTries && !signal.aborted; tries++) {
    const [slot] = await limiter.reserve(rules, 1, options.horizonMs, signal);
    if (slot === undefined) break;
    await sleep(slot - clock.now().getTime(), signal);
    await limiter.admit(rules);
    result = await messenger.update(copy.target, copy.messageId, view).catch((error: unknown): UpdateResult => ({ status: "failed", reason: String(error), retryable: true }));
    if (result.status !== "throttled") break;
    await limiter.pause(rules, clock.now().getTime() + result.retryAfterMs);
  }
  return result;
}
