import { z } from "zod";
import { Instant, PersonKey } from "../../domain.js";

export const EVENT_KINDS = ["meeting", "webinar", "workshop", "orientation", "wrap-up"] as const;
export const EventKind = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof EventKind>;

/**
 * How an event repeats: never, every week, every other week, every N weeks, monthly on the same weekday
 * (e.g. 2nd Thursday), or by a custom RFC 5545 rule.
 */
export const RECURRENCES = ["none", "weekly", "biweekly", "weeks", "monthly", "custom"] as const;
export const Recurrence = z.enum(RECURRENCES);
export type Recurrence = z.infer<typeof Recurrence>;

export const ANSWERS = ["going", "maybe", "no"] as const;
export const Answer = z.enum(ANSWERS);
export type Answer = z.infer<typeof Answer>;

export const EVENT_LIMITS = { title: 120, agenda: 1500, url: 500, minutes: { min: 5, max: 24 * 60 }, place: 200, readings: 5, weeks: { min: 1, max: 8 }, rule: 200, reminders: 5 } as const;

export const LOCATIONS = ["online", "inPerson"] as const;
export const Location = z.enum(LOCATIONS);
export type Location = z.infer<typeof Location>;

const HttpsUrl = z.string().url().max(EVENT_LIMITS.url).startsWith("https://");
/** How long before an occurrence something is sent, as an ISO 8601 duration (P7D, P1D, PT1H, PT30M). */
export const Offset = z.string().regex(/^P(\d{1,2}D)?(T(\d{1,3}H)?(\d{1,4}M)?)?$/).refine((o) => o !== "P" && !o.endsWith("T"));

/** Wall-clock date and time as typed (YYYY-MM-DDTHH:MM), read in `zone`. */
const LocalDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** What a steward asked for, before it is stored: the form's and the one-line grammar's common shape. */
export const EventDraft = z.object({
  title: z.string().trim().min(1).max(EVENT_LIMITS.title),
  kind: EventKind,
  agenda: z.string().trim().max(EVENT_LIMITS.agenda).default(""),
  start: LocalDateTime,
  zone: z.string().min(1).max(64),
  minutes: z.number().int().min(EVENT_LIMITS.minutes.min).max(EVENT_LIMITS.minutes.max),
  joinUrl: z.string().url().max(EVENT_LIMITS.url).startsWith("https://").optional(),
  recurrence: Recurrence,
  /** Last day a repeating event may fall on (in its zone); at most a year after the start. */
  until: LocalDate.optional(),
  location: Location.default("online"),
  /** Where an in-person event is held. */
  place: z.string().trim().max(EVENT_LIMITS.place).optional(),
  /** The guide sent with the readings before each occurrence. */
  guideUrl: HttpsUrl.optional(),
  readings: z.array(HttpsUrl).max(EVENT_LIMITS.readings).default([]),
  /** Every how many weeks (recurrence `weeks`). */
  interval: z.number().int().min(EVENT_LIMITS.weeks.min).max(EVENT_LIMITS.weeks.max).optional(),
  /** The steward's own RFC 5545 rule (recurrence `custom`), as typed. */
  rule: z.string().trim().max(EVENT_LIMITS.rule).optional(),
  /** Reminders before each occurrence; undefined: the community's (events stored before this existed: a day and an hour). */
  reminders: z.array(Offset).max(EVENT_LIMITS.reminders).optional(),
  /** When the guide and readings go out before each occurrence. */
  guideBefore: Offset.optional(),
});
export type EventDraft = z.infer<typeof EventDraft>;

/**
 * One occurrence changed on its own, found by its ORIGINAL instant (like iCalendar RECURRENCE-ID), so answers
 * and reminders keyed by it stay attached: moved (`start`, UTC), other length or words, or cancelled.
 */
export const OccurrenceChange = z.object({
  at: Instant,
  cancelled: z.boolean().optional(),
  start: Instant.optional(),
  minutes: z.number().int().min(EVENT_LIMITS.minutes.min).max(EVENT_LIMITS.minutes.max).optional(),
  title: z.string().max(EVENT_LIMITS.title).optional(),
  kind: EventKind.optional(),
  agenda: z.string().max(EVENT_LIMITS.agenda).optional(),
  joinUrl: z.string().max(EVENT_LIMITS.url).optional(),
});
export type OccurrenceChange = z.infer<typeof OccurrenceChange>;

/** A stored event: the draft, its RFC 5545 rule (when it repeats) and the first instant in UTC. */
export const CopEvent = EventDraft.extend({
  id: z.string().min(1),
  communityId: z.string().min(1),
  rrule: z.string().max(300).optional(),
  firstAt: Instant,
  lastAt: Instant,
  createdBy: PersonKey,
  createdAt: Instant,
  /** The whole series was cancelled. */
  cancelled: z.boolean().optional(),
  /** Occurrences changed or cancelled on their own (src/core/workflows/events/occurrences.ts). */
  changes: z.array(OccurrenceChange).max(400).optional(),
  updatedBy: PersonKey.optional(),
  updatedAt: Instant.optional(),
});
export type CopEvent = z.infer<typeof CopEvent>;

/** One person's answer for one occurrence (insert-or-replace: the last answer counts). */
export const Rsvp = z.object({
  eventId: z.string().min(1),
  occurrence: Instant,
  personKey: PersonKey,
  answer: Answer,
  at: Instant,
});
export type Rsvp = z.infer<typeof Rsvp>;

export type Tally = Record<Answer, number>;

/** A community's defaults for what goes out before its events (a row in its partition). */
export const BeforeSettings = z.object({
  reminders: z.array(Offset).max(EVENT_LIMITS.reminders),
  guideBefore: Offset,
});
export type BeforeSettings = z.infer<typeof BeforeSettings>;
export const DEFAULT_BEFORE: BeforeSettings = { reminders: ["P1D", "PT1H"], guideBefore: "P7D" };
