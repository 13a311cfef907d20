import { setMaxListeners } from "node:events";
import type { QueueClient, ReceivedMessageItem } from "@azure/storage-queue";
import { decodeKey, type Platform } from "../core/domain.js";
import type { Clock, DeliveryResult, Messenger } from "../core/ports.js";
import type { Logger } from "../log.js";
import type { DeadLetters } from "./deadLetters.js";
import type { DeliveryLog } from "./deliveries.js";
import type { FanoutStore } from "./fanouts.js";
import { bucketsFor, type RateLimitTable } from "./rateLimits.js";
import type { SharedRateLimiter } from "./rateLimiter.js";
import { lateRecord, settleCarrier, type Carrier, type QueueAction, type Recipient } from "./carriers.js";
import { answerWithin } from "./deadline.js";
import { gone, MessageHold } from "./messageHold.js";
import { DeliveryMessage, recipientId, targetKey } from "./records.js";
import { sleep } from "./sleep.js";
import { readerFor, type Present } from "./present.js";

export interface DeliveryOptions {
  /** Receive loops per instance. */
  workers: number;
  /**
   * How long a received message stays invisible to other workers. The worker holding it extends that
   * while it works on it, so it reappears only when that worker's instance is gone.
   */
  visibilityTimeoutSec: number;
  /** A message dequeued more often than this (throttling aside) goes to the dead-letter table. */
  maxDequeue: number;
  /** The longest wait between receives while the queue is empty. */
  idlePollMs: number;
  /** First delay before a retryable failure is tried again; doubles with each failure. */
  retryBaseSec: number;
  /** The longest delay between two tries of a failing delivery. */
  retryMaxSec: number;
  /** How far ahead a worker books send slots: how long another instance's 429 can take to reach it. */
  horizonMs: number;
  /** A send that starts this much later than its slot re-reads the shared pause first. */
  staleSlotMs: number;
  /**
   * The longest a worker waits for one platform call. One unanswered by then may still land: its
   * recipient is retried no sooner than this again, and the late answer is recorded when it comes.
   */
  sendTimeoutMs: number;
  /** On stop: how long calls already made may take to answer before the workers let go of them. */
  stopGraceMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  workers: 4,
  visibilityTimeoutSec: 60,
  maxDequeue: 5,
  idlePollMs: 1000,
  retryBaseSec: 5,
  retryMaxSec: 600,
  horizonMs: 250,
  staleSlotMs: 500,
  sendTimeoutMs: 60_000,
  stopGraceMs: 4000,
};

interface Deps {
  /** Renders a fan-out's card for one recipient, at delivery time (their language, their platform). */
  present: Present;
  queue: QueueClient;
  deliveries: DeliveryLog;
  deadLetters: DeadLetters;
  fanouts: FanoutStore;
  limiter: SharedRateLimiter;
  rates: RateLimitTable;
  messengers: () => Partial<Record<Platform, Messenger>>;
  clock: Clock;
  log: Logger;
  options: DeliveryOptions;
  /** Called with each fan-out a batch touched (progress reporting). */
  touched(fanoutId: string): void;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Receive loops: each takes a few messages, skips recipients already recorded, books send slots from
 * the shared rate limiter, delivers through the platform's Messenger, records outcomes, then deletes
 * (or shrinks) each message.
 */
export class DeliveryWorkers {
  /** Recipients some loop of this instance is sending to now: a second copy waits for that outcome. */
  private readonly inFlight = new Set<string>();
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];
  /** Recipients to take per receive, and how many a message carried lately (to turn that into messages). */
  private receiveSize = 8;
  private perMessage = 1;

  constructor(private readonly deps: Deps) {
    // Every loop's idle sleep listens to the same stop signal.
    setMaxListeners(0, this.stopping.signal);
  }

  start(): void {
    if (this.loops.length === 0) this.loops = Array.from({ length: this.deps.options.workers }, () => this.loop());
  }

  /**
   * Stops receiving at once; recipients not yet sent go back to the queue, calls already made get
   * `stopGraceMs` to answer and are recorded, then the messages in hand are settled.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.loops);
  }

  /**
   * Receives the next batch as soon as every recipient of the one in hand has a slot, while those slots and the
   * batch's records are still to come: loops that took their batches together (they share the limiter's rate,
   * so they finish together) would otherwise all be recording and receiving at once, and the platform's
   * allowance would go unused meanwhile (about half a second in every two at 500 a second). At most two
   * batches per loop: the next is not received before the one before the current has settled.
   */
  private async loop(): Promise<void> {
    const { queue, options, log } = this.deps;
    const failed = (error: unknown) => log.error({ err: error }, "delivery worker: a batch failed; its messages reappear after their visibility timeout");
    let idle = 0;
    let previous: Promise<void> = Promise.resolve();
    while (!this.stopping.signal.aborted) {
      try {
        const numberOfMessages = Math.max(1, Math.min(32, Math.round(this.receiveSize / this.perMessage)));
        const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages, visibilityTimeout: options.visibilityTimeoutSec });
        if (receivedMessageItems.length === 0) {
          idle += 1;
          await sleep(Math.min(options.idlePollMs, 20 * 2 ** idle), this.stopping.signal);
          continue;
        }
        idle = 0;
        let booked!: () => void;
        const allBooked = new Promise<void>((resolve) => (booked = resolve));
        const batch = this.process(receivedMessageItems, booked);
        await Promise.race([allBooked, batch]);
        await previous;
        previous = batch.catch(failed);
      } catch (error) {
        failed(error);
        await sleep(options.idlePollMs, this.stopping.signal);
      }
    }
    await previous;
  }

  /** `booked` is called once every recipient to send has its slot (not called when there is none to send). */
  private async process(items: ReceivedMessageItem[], booked: () => void): Promise<void> {
    const { clock, options, queue, log } = this.deps;
    // No new sends are booked after half a visibility timeout: what a worker cannot send soon goes back for others.
    const holdUntil = clock.now().getTime() + (options.visibilityTimeoutSec * 1000) / 2;
    const carriers: Carrier[] = [];
    const owned: string[] = [];
    let hold: MessageHold | undefined;
    try {
      for (const item of items) {
        const carrier = await this.take(item, owned);
        if (carrier) carriers.push(carrier);
      }
      hold = new MessageHold({ queue, log, visibilityTimeoutSec: options.visibilityTimeoutSec }, carriers);
      const recipients = carriers.flatMap((c) => c.recipients);
      this.perMessage = Math.max(1, recipients.length / Math.max(1, carriers.length));
      await this.markRecorded(carriers);
      await this.send(carriers.filter((c) => !c.dead).flatMap((c) => c.recipients.filter((r) => !r.recorded && !r.outcome)), holdUntil, booked);
      await this.settle(carriers, hold);
    } finally {
      await hold?.end();
      for (const id of owned) this.inFlight.delete(id);
    }
  }

  /** Parses a message; one that cannot be handled at all goes to the dead-letter table and off the queue. */
  private async take(item: ReceivedMessageItem, owned: string[]): Promise<Carrier | undefined> {
    const { fanouts, rates, options } = this.deps;
    let parsed: ReturnType<typeof DeliveryMessage.safeParse>;
    try {
      parsed = DeliveryMessage.safeParse(JSON.parse(item.messageText));
    } catch (error) {
      return this.discard(item, `not JSON: ${errorText(error)}`);
    }
    if (!parsed.success) return this.discard(item, `does not parse: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const message = parsed.data;
    const fanout = await fanouts.created(message.f);
    if (!fanout) return this.discard(item, `fan-out ${message.f} does not exist`);
    const failures = item.dequeueCount - message.th;
    const carrier: Carrier = { item, message, fanout, failures, dead: failures > options.maxDequeue, recipients: [] };
    for (const target of message.t) {
      const id = `${message.f}|${recipientId(target)}`;
      const recipient: Recipient = { carrier, target, id, rules: bucketsFor(target, rates) };
      // Another loop here holds a copy (an enqueue redone after a crash): this one waits for its record.
      if (this.inFlight.has(id)) recipient.outcome = { status: "released", delayMs: 1000 };
      else {
        this.inFlight.add(id);
        owned.push(id);
      }
      carrier.recipients.push(recipient);
    }
    return carrier;
  }

  private async discard(item: ReceivedMessageItem, error: string): Promise<undefined> {
    const at = this.deps.clock.now().toISOString();
    await this.deps.deadLetters.add("unparsed", item.messageId, { source: "delivery", ref: item.messageId, raw: item.messageText, error, dequeueCount: item.dequeueCount, at });
    await this.remove(item);
    return undefined;
  }

  /**
   * Marks recipients that already have a record. Only a message seen before (dequeued more than once)
   * or one of a fan-out whose enqueueing was resumed (a page may be on the queue twice) can have one;
   * the fan-out is read after the receive, so a resume that could have duplicated it shows.
   */
  private async markRecorded(carriers: Carrier[]): Promise<void> {
    const { deliveries, fanouts, log } = this.deps;
    for (const [fanoutId, group] of groupBy(carriers, (c) => c.message.f)) {
      const resumed = ((await fanouts.get(fanoutId))?.record.resumes ?? 1) > 0;
      const suspects = group.filter((c) => resumed || c.item.dequeueCount > 1).flatMap((c) => c.recipients);
      if (suspects.length === 0) continue;
      const recorded = await deliveries.recorded(fanoutId, suspects.map((r) => recipientId(r.target)));
      for (const r of suspects) {
        if (!recorded.has(recipientId(r.target))) continue;
        r.recorded = true;
        log.debug({ fanoutId, recipient: targetKey(r.target), dequeueCount: r.carrier.item.dequeueCount }, "already delivered: a redelivered message is dropped unsent");
      }
    }
  }

  private async send(recipients: Recipient[], holdUntil: number, booked: () => void): Promise<void> {
    const groups = groupBy(recipients, (r) => r.rules.map((rule) => rule.key).join("|"));
    let unbooked = groups.size;
    await Promise.all([...groups.values()].map((group) => this.sendGroup(group, holdUntil, () => --unbooked === 0 && booked())));
  }

  /**
   * Books slots for recipients sharing the same buckets and sends each at its slot, many in flight at
   * once. Those held back by a platform pause are booked again after it, while there is time to hold them.
   * `booked` is called once all of the group has its first slots.
   */
  private async sendGroup(group: Recipient[], holdUntil: number, booked: () => void): Promise<void> {
    const { limiter, options, clock } = this.deps;
    const rules = group[0]!.rules;
    const slowest = Math.min(...rules.map((r) => r.perSecond));
    // Take about two horizons' worth per receive, so a worker holds no more than it can soon send.
    this.receiveSize = Math.max(1, Math.min(256, Math.ceil((slowest * options.horizonMs * 2) / 1000)));
    let waiting = group;
    while (waiting.length > 0) {
      const sends: Promise<void>[] = [];
      let next = 0;
      while (next < waiting.length) {
        const slots = this.stopping.signal.aborted || clock.now().getTime() > holdUntil
          ? []
          : await limiter.reserve(rules, waiting.length - next, options.horizonMs, this.stopping.signal, holdUntil);
        if (slots.length === 0) {
          for (const r of waiting.slice(next)) r.outcome ??= { status: "released" };
          break;
        }
        for (const at of slots) {
          if (next >= waiting.length) break;
          const r = waiting[next++]!;
          r.outcome = undefined;
          sends.push(this.sendAt(r, at));
        }
      }
      if (waiting === group) booked();
      await Promise.all(sends);
      waiting = waiting.filter((r) => r.outcome?.status === "throttled");
      if (this.stopping.signal.aborted || clock.now().getTime() > holdUntil) break;
    }
  }

  private async sendAt(r: Recipient, at: number): Promise<void> {
    const { clock, limiter, options, messengers, log } = this.deps;
    await sleep(at - clock.now().getTime(), this.stopping.signal);
    await limiter.admit(r.rules);
    // Stopping, or the message is no longer ours: a send not yet made is not made now.
    if (this.stopping.signal.aborted || r.carrier.lost) {
      r.outcome = { status: "released" };
      return;
    }
    // Timers fire late on a busy machine: a send long past its slot checks for a pause set elsewhere since.
    if (clock.now().getTime() - at > options.staleSlotMs) await limiter.refresh(r.rules).catch(() => undefined);
    const now = clock.now().getTime();
    const pausedUntil = limiter.pausedUntilOf(r.rules);
    if (pausedUntil > now) {
      r.outcome = { status: "throttled", retryAfterMs: pausedUntil - now };
      return;
    }
    const platform = decodeKey(targetKey(r.target)).platform;
    const messenger = messengers()[platform];
    if (!messenger) {
      r.outcome = { status: "unreachable", reason: `no ${platform} Messenger: the ${platform} adapter is off` };
      return;
    }
    let card: ReturnType<Present>;
    try {
      card = this.deps.present(r.carrier.fanout.card, readerFor(r.carrier.fanout, r.target));
    } catch (error) {
      // A card that cannot be drawn (its presenter gone, its data no longer valid) will not draw on a retry either.
      r.outcome = { status: "failed", reason: `the card could not be rendered: ${errorText(error)}`, retryable: false };
      return;
    }
    const call = (async () => messenger.deliver(r.target, card))()
      .catch((error: unknown): DeliveryResult => ({ status: "failed", reason: errorText(error), retryable: true }));
    const answer = await answerWithin(call, options.sendTimeoutMs, this.stopping.signal, options.stopGraceMs);
    if (!answer) {
      const reason = this.stopping.signal.aborted ? "the platform had not answered when the instance stopped" : `the platform did not answer within ${options.sendTimeoutMs} ms`;
      r.outcome = { status: "unanswered", reason, holdMs: options.sendTimeoutMs };
      this.recordLate(r, call);
      return;
    }
    r.outcome = answer;
    if (r.outcome.status === "throttled") {
      await limiter.pause(r.rules, clock.now().getTime() + r.outcome.retryAfterMs).catch((error: unknown) => log.warn({ err: error }, "sharing a platform pause failed"));
    }
  }

  /** A call answered after its deadline: what it did is recorded, so the recipient's retry finds it and sends nothing. */
  private recordLate(r: Recipient, call: Promise<DeliveryResult>): void {
    const { deliveries, clock, log } = this.deps;
    const recipient = targetKey(r.target);
    log.warn({ fanoutId: r.carrier.message.f, recipient }, "a platform call passed its deadline; its recipient is retried later unless it answers first");
    void call
      .then(async (result) => {
        const record = lateRecord(r, result, clock.now().toISOString());
        if (record) await deliveries.record([record]);
        log.info({ fanoutId: r.carrier.message.f, recipient, status: result.status, recorded: record !== undefined }, "a platform call answered after its deadline");
      })
      .catch((error: unknown) => log.warn({ err: error, fanoutId: r.carrier.message.f, recipient }, "recording a late platform answer failed"));
  }

  /** Dead letters first, then the records, then the queue: a crash in between only repeats work. */
  private async settle(carriers: Carrier[], hold: MessageHold): Promise<void> {
    const { deliveries, deadLetters, clock, options } = this.deps;
    const at = clock.now().toISOString();
    const settled = carriers.map((c) => ({ c, ...settleCarrier(c, at, options) }));
    for (const { c, deadLetters: letters } of settled) {
      for (const { recipient, letter } of letters) await deadLetters.add({ fanoutId: c.message.f }, recipient, letter);
    }
    await deliveries.record(settled.flatMap((s) => s.records));
    // Held until the outcomes are recorded; the queue actions below need the latest pop receipts.
    await hold.end();
    await Promise.all(settled.map(({ c, action }) => this.apply(c, action)));
    for (const fanoutId of new Set(carriers.map((c) => c.message.f))) this.deps.touched(fanoutId);
  }

  private async apply({ item }: Carrier, action: QueueAction): Promise<void> {
    const { queue, log } = this.deps;
    try {
      if (action.kind === "delete") return await this.remove(item);
      if (action.kind === "update+send") {
        await queue.sendMessage(JSON.stringify(action.extra), action.extraDelaySec > 0 ? { visibilityTimeout: action.extraDelaySec } : {});
      }
      await queue.updateMessage(item.messageId, item.popReceipt, JSON.stringify(action.message), action.delaySec);
    } catch (error) {
      if (!gone(error)) log.warn({ err: error }, "putting a message back failed; it reappears after its visibility timeout");
    }
  }

  private async remove(item: ReceivedMessageItem): Promise<void> {
    try {
      await this.deps.queue.deleteMessage(item.messageId, item.popReceipt);
    } catch (error) {
      // Its visibility lapsed and another worker holds it now: that worker finds the records and drops it.
      if (!gone(error)) throw error;
    }
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
