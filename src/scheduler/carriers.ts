import type { ReceivedMessageItem } from "@azure/storage-queue";
import type { DeliveryResult } from "../core/ports.js";
import type { BucketRule } from "./rateLimits.js";
import type { DeadLetter, DeliveryMessage, DeliveryRecord, FanoutRecord } from "./records.js";
import { recipientId } from "./records.js";

/**
 * Besides the platform's answers: `released`, not sent in this pass (a stop, the hold time ran out, or a
 * copy in flight here), back on the queue; `unanswered`, the call passed its deadline and may still land,
 * so it is retried no sooner than `holdMs` (its late answer is recorded when it comes).
 */
export type Outcome = DeliveryResult | { status: "released"; delayMs?: number } | { status: "unanswered"; reason: string; holdMs: number };

/** One queue message as a worker holds it: a few recipients of one fan-out. */
export interface Carrier {
  item: ReceivedMessageItem;
  message: DeliveryMessage;
  fanout: FanoutRecord;
  /** Dequeues that were not throttling or hand-backs: what the dead-letter limit counts. */
  failures: number;
  /** Dequeued too often: its unrecorded recipients go to the dead-letter table. */
  dead: boolean;
  /** Its hold lapsed (another worker may have it now): nothing more is sent from it. */
  lost?: boolean;
  recipients: Recipient[];
}

export interface Recipient {
  carrier: Carrier;
  target: DeliveryMessage["t"][number];
  /** `<fanoutId>|<recipientId>`: unique within the instance while in flight. */
  id: string;
  rules: BucketRule[];
  /** Already has a delivery record (a redelivered message): dropped unsent. */
  recorded?: boolean;
  outcome?: Outcome;
}

export interface SettleOptions {
  retryBaseSec: number;
  retryMaxSec: number;
  random?: () => number;
}

export type QueueAction =
  | { kind: "delete" }
  /** Keep the message with fewer recipients, invisible for a while. */
  | { kind: "update"; message: DeliveryMessage; delaySec: number }
  /** As `update`, and the recipients that were merely held back travel on in a new message. */
  | { kind: "update+send"; message: DeliveryMessage; delaySec: number; extra: DeliveryMessage; extraDelaySec: number };

export interface Settlement {
  records: DeliveryRecord[];
  deadLetters: Array<{ recipient: string; letter: DeadLetter }>;
  action: QueueAction;
}

const DEFAULT_DEAD_ERROR = "no outcome was recorded (the worker holding it stopped each time)";

/**
 * What becomes of a carrier once its recipients were tried: final outcomes are recorded, retryable
 * failures stay on the message (counting towards the dead-letter limit), throttled or released recipients
 * go back without counting, and the message is deleted only when nobody is left on it.
 */
export function settleCarrier(carrier: Carrier, at: string, options: SettleOptions): Settlement {
  const { message, item, fanout } = carrier;
  const random = options.random ?? Math.random;
  const records: DeliveryRecord[] = [];
  const deadLetters: Settlement["deadLetters"] = [];
  const failing: Array<{ r: Recipient; reason: string }> = [];
  const waiting: Array<{ r: Recipient; delayMs: number }> = [];
  let holdSec = 0;
  const record = (r: Recipient, fields: Pick<DeliveryRecord, "status" | "messageId" | "reason">) =>
    records.push({ fanoutId: message.f, jobKey: fanout.jobKey, target: r.target, dequeueCount: item.dequeueCount, at, ...fields });

  for (const r of carrier.recipients) {
    if (r.recorded) continue;
    if (carrier.dead) {
      const error = message.e ?? DEFAULT_DEAD_ERROR;
      deadLetters.push({ recipient: recipientId(r.target), letter: { source: "delivery", ref: message.f, raw: item.messageText, error, dequeueCount: item.dequeueCount, at } });
      record(r, { status: "failed", reason: `dead-lettered after ${item.dequeueCount} dequeues: ${error}` });
      continue;
    }
    const outcome = r.outcome ?? { status: "released" };
    switch (outcome.status) {
      case "sent":
        record(r, { status: "sent", messageId: outcome.messageId });
        break;
      case "unreachable":
        record(r, { status: "unreachable", reason: outcome.reason });
        break;
      case "failed":
        if (outcome.retryable) failing.push({ r, reason: outcome.reason });
        else record(r, { status: "failed", reason: outcome.reason });
        break;
      case "throttled":
        waiting.push({ r, delayMs: outcome.retryAfterMs });
        break;
      case "released":
        waiting.push({ r, delayMs: outcome.delayMs ?? 0 });
        break;
      case "unanswered":
        failing.push({ r, reason: outcome.reason });
        holdSec = Math.max(holdSec, Math.ceil(outcome.holdMs / 1000));
        break;
    }
  }

  if (failing.length === 0 && waiting.length === 0) return { records, deadLetters, action: { kind: "delete" } };
  // Whole seconds (the queue's unit), spread a little so held-back messages do not all return at once.
  const waitSec = Math.max(0, ...waiting.map((w) => Math.ceil(w.delayMs / 1000))) + (waiting.some((w) => w.delayMs > 0) ? Math.round(random()) : 0);
  if (failing.length === 0) {
    return { records, deadLetters, action: { kind: "update", message: { ...message, t: waiting.map((w) => w.r.target), th: message.th + 1 }, delaySec: waitSec } };
  }
  const backoffSec = Math.max(holdSec, Math.min(options.retryMaxSec, options.retryBaseSec * 2 ** Math.max(0, carrier.failures - 1)));
  const failed: DeliveryMessage = { ...message, t: failing.map((f) => f.r.target), e: failing.at(-1)!.reason };
  if (waiting.length === 0) return { records, deadLetters, action: { kind: "update", message: failed, delaySec: backoffSec } };
  const extra: DeliveryMessage = { f: message.f, t: waiting.map((w) => w.r.target), th: 0, e: message.e };
  return { records, deadLetters, action: { kind: "update+send", message: failed, delaySec: backoffSec, extra, extraDelaySec: waitSec } };
}

/** The record of a platform answer that came after its call's deadline; none when it settled nothing. */
export function lateRecord(r: Recipient, result: DeliveryResult, at: string): DeliveryRecord | undefined {
  const { message, item, fanout } = r.carrier;
  const base = { fanoutId: message.f, jobKey: fanout.jobKey, target: r.target, dequeueCount: item.dequeueCount, at };
  if (result.status === "sent") return { ...base, status: "sent", messageId: result.messageId };
  if (result.status === "unreachable") return { ...base, status: "unreachable", reason: result.reason };
  if (result.status === "failed" && !result.retryable) return { ...base, status: "failed", reason: result.reason };
  return undefined;
}
