import { IANAZone } from "luxon";
import { z } from "zod";
import { Instant, PersonKey } from "../../domain.js";
import { EVENT_KINDS, EVENT_LIMITS, Offset } from "../events/model.js";
import { TEMPLATES } from "../surveys/templates.js";

export const PLAN_LIMITS = { steps: 40, months: 24, text: 300, file: 3000 } as const;

const HttpsUrl = z.string().url().max(EVENT_LIMITS.url).startsWith("https://");
const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time as HH:MM");
/** `2nd tuesday`, `last friday`: a weekday of the step's month. */
export const WEEKDAY_RULE = /^(1st|2nd|3rd|4th|last) (monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/;

/** When in its month a step falls: a day of the month or a weekday rule (default: the plan's start day). */
const When = {
  month: z.number().int().min(1).max(PLAN_LIMITS.months),
  day: z.number().int().min(1).max(28).optional(),
  weekday: z.string().trim().toLowerCase().regex(WEEKDAY_RULE, "a weekday rule such as \"2nd tuesday\" or \"last friday\"").optional(),
  time: Time.default("09:00"),
};
const Zone = z.string().min(1).max(64).refine((z) => IANAZone.isValidZone(z), "an IANA time zone such as Europe/Rome");
const text = z.string().trim().min(1).max(PLAN_LIMITS.text);

export const EventStep = z
  .object({
    ...When,
    kind: z.literal("event"),
    title: z.string().trim().min(1).max(EVENT_LIMITS.title),
    event: z.enum(EVENT_KINDS).default("meeting"),
    time: Time,
    zone: Zone.optional(),
    minutes: z.number().int().min(EVENT_LIMITS.minutes.min).max(EVENT_LIMITS.minutes.max).default(60),
    agenda: z.string().trim().max(EVENT_LIMITS.agenda).optional(),
    joinUrl: HttpsUrl.optional(),
    guide: HttpsUrl.optional(),
    readings: z.array(HttpsUrl).max(EVENT_LIMITS.readings).default([]),
    guideBefore: Offset.default("P7D"),
  })
  .strict();
export const SurveyStep = z
  .object({
    ...When,
    kind: z.literal("survey"),
    template: z.enum(TEMPLATES.map((t) => t.id) as [string, ...string[]]),
    deadlineDays: z.number().int().min(1).max(60).default(7),
  })
  .strict();
export const DigestStep = z.object({ ...When, kind: z.literal("digest"), cadence: z.enum(["weekly", "biweekly", "monthly"]).default("weekly") }).strict();
export const ReportStep = z.object({ ...When, kind: z.literal("report"), to: z.enum(["sponsors", "stewards"]).default("sponsors") }).strict();
export const TaskStep = z.object({ ...When, kind: z.literal("task"), text }).strict();

export const PlanStep = z
  .discriminatedUnion("kind", [EventStep, SurveyStep, DigestStep, ReportStep, TaskStep])
  .refine((s) => !(s.day !== undefined && s.weekday !== undefined), { message: "give either day or weekday, not both", path: ["weekday"] });
export type PlanStep = z.infer<typeof PlanStep>;
export type StepKind = PlanStep["kind"];

/** A plan file as written (YAML or JSON): an optional start month and zone, and its steps. */
export const PlanFile = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    start: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$/, "a start month as YYYY-MM (or a date YYYY-MM-DD)").optional(),
    zone: Zone.optional(),
    steps: z.array(PlanStep).min(1).max(PLAN_LIMITS.steps),
  })
  .strict();
export type PlanFile = z.infer<typeof PlanFile>;

/** One step placed in time: what it is, and the instant it falls on. */
export const PlacedStep = z.object({ index: z.number().int().min(0), at: Instant, step: PlanStep });
export type PlacedStep = z.infer<typeof PlacedStep>;

export const PLAN_STATUSES = ["draft", "active", "undone"] as const;

/** A plan as stored: a draft until confirmed, then active; what confirming created, so undoing removes exactly that. */
export const StoredPlan = z.object({
  id: z.string().min(1).max(40),
  communityId: z.string().min(1),
  name: z.string().max(120),
  builtIn: z.boolean(),
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  zone: z.string().min(1).max(64),
  steps: z.array(PlacedStep).max(PLAN_LIMITS.steps),
  status: z.enum(PLAN_STATUSES),
  /** Ids of the events created, by step index. */
  events: z.record(z.string()).default({}),
  /** Keys of every job scheduled on confirming (steps, reminders, follow-ups). */
  jobs: z.array(z.string().max(400)).max(400).default([]),
  /** The language of the steward who imported it: surveys it starts ask their questions in it. */
  locale: z.string().max(35).default("en"),
  createdBy: PersonKey,
  createdAt: Instant,
  confirmedAt: Instant.optional(),
  undoneAt: Instant.optional(),
});
export type StoredPlan = z.infer<typeof StoredPlan>;
