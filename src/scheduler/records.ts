import { z } from "zod";
import { Instant, PersonKey, SpaceKey } from "../core/domain.js";
import type { DeliveryTarget } from "../core/ports.js";
import { CardRefSchema } from "../core/kernel/fanout.js";

/** Everything the scheduler stores or puts on its queue, as zod schemas (validated in and out). */

export const JOB_STATUSES = ["pending", "running", "done", "cancelled", "dead"] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;

/** A stored job. The payload stays `unknown` here: its kind's schema parses it when the job runs. */
export const JobRecord = z.object({
  key: z.string().min(1),
  kind: z.string().min(1),
  dueAt: Instant,
  /** When the next attempt may start: `dueAt` at first, later than it after a failed attempt. */
  runAt: Instant,
  payload: z.unknown(),
  status: JobStatus,
  attempts: z.number().int().nonnegative(),
  owner: z.string().optional(),
  leaseUntil: Instant.optional(),
  lastError: z.string().optional(),
  createdAt: Instant,
  finishedAt: Instant.optional(),
});
export type JobRecord = z.infer<typeof JobRecord>;

/** Where a job's row lives, found from its idempotency key. */
export const JobKeyIndex = z.object({ partitionKey: z.string(), rowKey: z.string() });

export const Target = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("space"), spaceKey: SpaceKey }),
  // The person's language, when known: their card is rendered in it at delivery time.
  z.object({ kind: z.literal("person"), personKey: PersonKey, locale: z.string().max(35).optional() }),
]);

export const targetKey = (target: DeliveryTarget): string => (target.kind === "space" ? target.spaceKey : target.personKey);
/** One recipient's id inside a fan-out (also the delivery record's row key, once encoded). */
export const recipientId = (target: DeliveryTarget): string => `${target.kind === "space" ? "s" : "p"}:${targetKey(target)}`;

/** A fan-out: what to send, to whom (read page by page), and how far the enqueueing got. */
export const FanoutRecord = z.object({
  fanoutId: z.string().min(1),
  jobKey: z.string(),
  communityId: z.string().optional(),
  /** The card to send, rendered per recipient (language, platform) when it is delivered. */
  card: CardRefSchema,
  /** The language for recipients whose own is not known (the sender's). */
  locale: z.string().default("en"),
  startedBy: PersonKey.optional(),
  createdAt: Instant,
  /** Recipients put on the queue so far (a page redone after a crash is not counted twice). */
  enqueued: z.number().int().nonnegative(),
  /** Where to resume reading recipients; absent at the start. */
  cursor: z.string().optional(),
  enqueueDone: z.boolean(),
  /**
   * Runs that took the enqueueing over from an earlier one. An earlier run may have put part of a page on
   * the queue before it stopped, so from the first resume on, workers check every message against the records.
   */
  resumes: z.number().int().nonnegative().default(0),
  completedAt: Instant.optional(),
});
export type FanoutRecord = z.infer<typeof FanoutRecord>;

/**
 * The facilitator's progress card of one fan-out (a row beside the fan-out's). An instance takes a short
 * lease on it before posting or updating the card, so instances take turns and the final version lands last.
 */
export const ProgressCard = z.object({
  fanoutId: z.string(),
  personKey: PersonKey,
  /** The platform's id of the card once posted (what Messenger.update takes). */
  messageId: z.string().optional(),
  /** When the card was last shown or tried (epoch ms): the next regular update waits its interval from here. */
  shownAt: z.number().default(0),
  /** The counts last shown, so an unchanged card is not sent again. */
  shown: z.string().default(""),
  /** The finished version is showing: nothing changes the card any more. */
  final: z.boolean().default(false),
  /** Why the card cannot be shown (the person cannot be reached, the message is gone): nobody tries again. */
  gaveUp: z.string().optional(),
  /** Posting or updating is under way by `leaseOwner` until then (epoch ms); a lapsed lease is free again. */
  leaseUntil: z.number().default(0),
  leaseOwner: z.string().optional(),
});
export type ProgressCard = z.infer<typeof ProgressCard>;

export const DELIVERY_STATUSES = ["sent", "unreachable", "failed"] as const;
export const DeliveryStatus = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** The outcome for one recipient of one fan-out: written once, checked before every send. */
export const DeliveryRecord = z.object({
  fanoutId: z.string(),
  jobKey: z.string(),
  target: Target,
  status: DeliveryStatus,
  messageId: z.string().optional(),
  reason: z.string().optional(),
  dequeueCount: z.number().int().nonnegative(),
  at: Instant,
});
export type DeliveryRecord = z.infer<typeof DeliveryRecord>;

/**
 * A queue message: one delivery each for a few recipients of one fan-out (a message per recipient would
 * cost a queue write and delete per person). Short keys keep it small.
 */
export const DeliveryMessage = z.object({
  f: z.string().min(1),
  t: z.array(Target).min(1).max(100),
  /** Times this message was put back without a failure (throttling, a stop): not counted towards dead-lettering. */
  th: z.number().int().nonnegative().default(0),
  /** The last failure, carried along so the dead-letter row can say it. */
  e: z.string().optional(),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

/** What could not be done, kept for a person to read: a queue message or a job, with its last error. */
export const DeadLetter = z.object({
  source: z.enum(["delivery", "job"]),
  /** The fan-out id or the job key. */
  ref: z.string(),
  /** The queue message text or the stored job, as it was. */
  raw: z.string(),
  error: z.string(),
  dequeueCount: z.number().int().nonnegative().optional(),
  at: Instant,
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** A shared rate-limit bucket: GCRA's theoretical arrival time, and a platform-imposed pause. */
export const LimiterState = z.object({
  tat: z.number(),
  throttledUntil: z.number(),
});
export type LimiterState = z.infer<typeof LimiterState>;
