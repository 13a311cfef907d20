import { z } from "zod";
import { Instant, PersonKey, SpaceKey } from "../../domain.js";

export const SURVEY_LIMITS = { title: 200, option: 80, options: { min: 2, max: 10 }, questions: 20, text: 2000 } as const;

/** Who sees the results: live on the card, once it closes, or only the stewards. */
export const VISIBILITIES = ["live", "afterClose", "stewards"] as const;
export const Visibility = z.enum(VISIBILITIES);
export type Visibility = z.infer<typeof Visibility>;

const text = (max: number) => z.string().trim().min(1).max(max);
const Options = z
  .array(text(SURVEY_LIMITS.option))
  .min(SURVEY_LIMITS.options.min)
  .max(SURVEY_LIMITS.options.max)
  .refine((options) => new Set(options.map((o) => o.toLowerCase())).size === options.length, "options must differ");

const Base = { id: z.string().regex(/^q\d{1,2}$/), text: text(SURVEY_LIMITS.title), required: z.boolean().default(true) };

/** One question, of one of the kinds the issue names. */
export const Question = z.discriminatedUnion("kind", [
  z.object({ ...Base, kind: z.literal("rating") }),
  z.object({ ...Base, kind: z.literal("nps") }),
  z.object({ ...Base, kind: z.literal("single"), options: Options }),
  z.object({ ...Base, kind: z.literal("multi"), options: Options, min: z.number().int().min(0).default(0), max: z.number().int().min(1).max(SURVEY_LIMITS.options.max) }),
  z.object({ ...Base, kind: z.literal("text"), maxLength: z.number().int().min(1).max(SURVEY_LIMITS.text) }),
]);
export type Question = z.infer<typeof Question>;

/** Who a survey asks: the whole community (default), one space, those who attended a date, or who said going/maybe to it. */
export const AUDIENCES = ["community", "space", "attended", "rsvp"] as const;
export const SurveyAudience = z.object({
  kind: z.enum(AUDIENCES),
  spaceKey: SpaceKey.optional(),
  eventId: z.string().max(100).optional(),
  occurrence: Instant.optional(),
  /** A quick poll's card names the event date it asks about: its title and when it takes place. */
  eventTitle: z.string().max(200).optional(),
  eventAt: Instant.optional(),
});
export type SurveyAudience = z.infer<typeof SurveyAudience>;

/** A survey (or a one-question quick poll) as stored in its community's partition. */
export const Survey = z.object({
  id: z.string().regex(/^[A-Z0-9]{4,12}$/),
  communityId: z.string().min(1),
  style: z.enum(["poll", "survey"]),
  /** The template a survey was made from: its answer form. */
  template: z.string().max(40).optional(),
  title: text(SURVEY_LIMITS.title),
  /** A custom survey's introduction, as the steward typed it. */
  intro: z.string().max(1000).optional(),
  questions: z.array(Question).min(1).max(SURVEY_LIMITS.questions),
  /** Anonymous: answers are stored under a keyed hash, and the key is deleted at close. */
  anonymous: z.boolean(),
  visibility: Visibility,
  status: z.enum(["open", "closed"]),
  closesAt: Instant.optional(),
  closedAt: Instant.optional(),
  /** Its counts are kept as answers come (set by the store for every survey made since counting began). */
  counted: z.boolean().optional(),
  /** Its free-text answers are kept in rows of their own as well, and counted (set by the store for every survey made since). */
  textRows: z.boolean().optional(),
  /** Who may answer and is counted (absent: the whole community). */
  audience: SurveyAudience.optional(),
  /** Answered / asked per linked space, counted at close (see rates.ts). */
  rates: z.array(z.object({ spaceKey: z.string().max(300), name: z.string().max(200), answered: z.number().int().nonnegative(), asked: z.number().int().nonnegative() })).max(50).optional(),
  createdBy: PersonKey,
  createdAt: Instant,
});
export type Survey = z.infer<typeof Survey>;

/** One answer per question: an option's index, several indexes, a score, or text. */
export const AnswerValue = z.union([z.number().int().min(0).max(10), z.array(z.number().int().min(0).max(SURVEY_LIMITS.options.max - 1)).max(SURVEY_LIMITS.options.max), z.string().max(SURVEY_LIMITS.text)]);
export const Answers = z.record(z.string().regex(/^q\d{1,2}$/), AnswerValue);
export type Answers = z.infer<typeof Answers>;

/** A stored response: the answers, and for a named survey who gave them (an anonymous one holds no identity). */
export const StoredResponse = z.object({ answers: Answers, personKey: PersonKey.optional() });
export type StoredResponse = z.infer<typeof StoredResponse>;
