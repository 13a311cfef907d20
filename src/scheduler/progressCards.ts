import { decodeKey, type Platform } from "../core/domain.js";
import type { Clock, DeliveryFailure, DeliveryTarget, FanoutProgress, Messenger } from "../core/ports.js";
import type { Card } from "../core/kernel/card.js";
import { plainText } from "../core/kernel/text.js";
import { readerFor, type Present } from "./present.js";
import type { Logger } from "../log.js";
import type { FanoutStore } from "./fanouts.js";
import type { ProgressCardStore } from "./progressCardStore.js";
import type { FanoutRecord, ProgressCard } from "./records.js";
import { sleep } from "./sleep.js";

export interface ProgressCardOptions {
  /** The least time between two versions of one fan-out's card, across all instances (the final one excepted). */
  minIntervalMs: number;
  /** How long an instance may take to post or update a card before another may take over. */
  leaseMs: number;
}

export const DEFAULT_PROGRESS_CARD_OPTIONS: ProgressCardOptions = { minIntervalMs: 5000, leaseMs: 60_000 };

/** A final version that keeps failing is given up after this many tries; the counts stay in the log. */
const MAX_FINAL_TRIES = 5;

interface Deps {
  present: Present;
  store: ProgressCardStore;
  fanouts: FanoutStore;
  messengers: () => Partial<Record<Platform, Messenger>>;
  clock: Clock;
  log: Logger;
  instanceId: string;
  options: ProgressCardOptions;
}

/** What a show did to the card, or that it should be tried again (a throttled or failing platform). */
type Shown = { changes: Partial<ProgressCard>; again?: number };

/** The progress card of a fan-out, for the person who started it, in the language of the message being sent. */
export function progressCard(present: Present, fanout: FanoutRecord, progress: FanoutProgress): Card {
  const { total, sent, failed, unreachable, queued, done } = progress;
  const reader = readerFor(fanout, { kind: "person", personKey: fanout.startedBy! });
  const sending = present(fanout.card, reader);
  // A one-line notice has no title: the progress card names it by its sentence instead.
  const title = sending.title || plainText(sending.summary);
  return present({ presenter: "progress", data: { title, total, sent, failed, unreachable, queued, done } }, reader);
}

/**
 * Shows a fan-out's progress privately to the facilitator who started it: one message, posted at the
 * start and updated in place at most every `minIntervalMs`, and once more when the fan-out finishes.
 * It goes straight through the Messenger, so it is never one of the fan-out's deliveries, and whatever
 * goes wrong here is logged and dropped: the fan-out never waits for it or fails because of it.
 */
export class ProgressCards {
  /** The show under way per fan-out in this instance: regular updates skip while one runs. */
  private readonly showing = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: Deps) {}

  /** Shows these counts (`finished`: the final version, which always goes out) without waiting for it. */
  show(progress: FanoutProgress, finished: boolean): void {
    const { fanoutId } = progress;
    const previous = this.showing.get(fanoutId);
    if ((previous && !finished) || this.stopping.signal.aborted) return;
    const run: Promise<void> = (previous ?? Promise.resolve())
      .then(() => this.showNow(progress, finished))
      .catch((error: unknown) => this.deps.log.warn({ err: error, fanoutId }, "showing a fan-out's progress failed; the fan-out goes on"))
      .finally(() => {
        if (this.showing.get(fanoutId) === run) this.showing.delete(fanoutId);
      });
    this.showing.set(fanoutId, run);
  }

  /** Stops waiting for turns and retries, and lets the shows under way finish. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.showing.values()]);
  }

  private async showNow(progress: FanoutProgress, finished: boolean): Promise<void> {
    const { fanouts, store, clock, log, instanceId, options } = this.deps;
    const fanout = await fanouts.created(progress.fanoutId);
    if (!fanout?.startedBy) return;
    const personKey = fanout.startedBy;
    const platform = decodeKey(personKey).platform;
    const messenger = this.deps.messengers()[platform];
    if (!messenger) {
      log.debug({ fanoutId: fanout.fanoutId, platform }, "no Messenger for the facilitator's platform: progress is only logged");
      return;
    }
    const shown = JSON.stringify([progress.total, progress.sent, progress.failed, progress.unreachable, progress.done]);
    const due = (card: ProgressCard, now: number) =>
      !card.final && !card.gaveUp && (finished || (card.shown !== shown && now - card.shownAt >= options.minIntervalMs));
    // The final version waits its turn (another instance may be showing the card) and retries a busy platform.
    const deadline = clock.now().getTime() + 2 * options.leaseMs;
    for (let tries = 0; !this.stopping.signal.aborted; ) {
      const now = clock.now().getTime();
      const claim = await store.claim(fanout.fanoutId, personKey, { owner: instanceId, now, leaseMs: options.leaseMs }, (card) => due(card, now));
      if (claim === "refused" || (claim === "held" && !finished)) return;
      let again = 250;
      if (claim !== "held") {
        tries += 1;
        const result = await this.showOnce(messenger, { kind: "person", personKey }, claim.card, progressCard(this.deps.present, fanout, progress)).catch((error: unknown): Shown => {
          log.warn({ err: error, fanoutId: fanout.fanoutId }, "showing a fan-out's progress failed; the fan-out goes on");
          return { changes: {}, again: 2000 };
        });
        await store.release(claim, { shownAt: clock.now().getTime(), ...result.changes, ...(result.again === undefined ? { shown, final: finished } : {}) });
        if (result.again === undefined || !finished) return;
        again = result.again;
      }
      if (tries >= MAX_FINAL_TRIES || clock.now().getTime() + again > deadline) {
        log.warn({ fanoutId: fanout.fanoutId }, "the final progress card could not be shown in time; the fan-out's counts are in the log");
        return;
      }
      await sleep(again, this.stopping.signal);
    }
  }

  /** Posts the card the first time, updates it after; says what to record, or when to try again. */
  private async showOnce(messenger: Messenger, target: DeliveryTarget, card: ProgressCard, view: Card): Promise<Shown> {
    if (card.messageId === undefined) {
      const result = await messenger.deliver(target, view);
      if (result.status !== "sent") return this.failed(card, result);
      // Without an id the card cannot be updated; posting another each time would flood the chat.
      return { changes: result.messageId ? { messageId: result.messageId } : { messageId: "", gaveUp: "the platform gave the card no message id" } };
    }
    if (card.messageId === "") return { changes: {} };
    const result = await messenger.update(target, card.messageId, view);
    return result.status === "updated" ? { changes: {} } : this.failed(card, result);
  }

  private failed(card: ProgressCard, result: DeliveryFailure): Shown {
    this.deps.log.warn({ fanoutId: card.fanoutId, personKey: card.personKey, result }, "the facilitator's progress card did not go through");
    if (result.status === "throttled") return { changes: {}, again: result.retryAfterMs };
    if (result.status === "failed" && result.retryable) return { changes: {}, again: 2000 };
    return { changes: { gaveUp: result.reason } };
  }
}
