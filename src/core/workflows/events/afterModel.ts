import { z } from "zod";
import { Instant, PersonKey } from "../../domain.js";

/** Limits of the follow-up form: what does not fit is a field error, never cut; the whole stays within one table row. */
export const FOLLOW_UP_LIMITS = {
  discussed: 2000,
  nextSteps: 1000,
  line: 300,
  decisions: 10,
  actions: 15,
  resources: 8,
  url: 500,
  others: 10_000,
} as const;

/** Who came to one occurrence, as a steward confirmed it (confirming again replaces it). */
export const Attendance = z.object({
  eventId: z.string().min(1),
  occurrence: Instant,
  people: z.array(PersonKey).max(1000),
  /** People who came but are not listed (did not answer, or joined from elsewhere). */
  others: z.number().int().min(0).max(FOLLOW_UP_LIMITS.others),
  by: PersonKey,
  at: Instant,
});
export type Attendance = z.infer<typeof Attendance>;

export const ActionItem = z.object({ owner: z.string().min(1).max(FOLLOW_UP_LIMITS.line), action: z.string().min(1).max(FOLLOW_UP_LIMITS.line) });
export type ActionItem = z.infer<typeof ActionItem>;

/** What a steward writes after an occurrence; the fields of the follow-up form. */
export const FollowUpDraft = z.object({
  discussed: z.string().min(1).max(FOLLOW_UP_LIMITS.discussed),
  decisions: z.array(z.string().min(1).max(FOLLOW_UP_LIMITS.line)).max(FOLLOW_UP_LIMITS.decisions),
  actions: z.array(ActionItem).max(FOLLOW_UP_LIMITS.actions),
  resources: z.array(z.string().url().max(FOLLOW_UP_LIMITS.url)).max(FOLLOW_UP_LIMITS.resources),
  recording: z.string().url().startsWith("https://").max(FOLLOW_UP_LIMITS.url).optional(),
  slides: z.string().url().startsWith("https://").max(FOLLOW_UP_LIMITS.url).optional(),
  nextSteps: z.string().max(FOLLOW_UP_LIMITS.nextSteps).default(""),
});
export type FollowUpDraft = z.infer<typeof FollowUpDraft>;

/** The follow-up as archived on the event, one per occurrence (posting again replaces it). */
export const FollowUp = FollowUpDraft.extend({
  eventId: z.string().min(1),
  occurrence: Instant,
  by: PersonKey,
  at: Instant,
  /** Set when it was posted again. */
  updatedAt: Instant.optional(),
});
export type FollowUp = z.infer<typeof FollowUp>;
