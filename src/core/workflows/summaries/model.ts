import { z } from "zod";
import { Instant, PersonKey } from "../../domain.js";

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;
/** How often the digest goes out, in weeks. */
export const DigestCadence = z.union([z.literal(1), z.literal(2), z.literal(4)]);

/** When a community's digest goes out; a new `series` each time it changes, so an older scheduled run does nothing. */
export const DigestSchedule = z.object({
  on: z.boolean().default(false),
  cadenceWeeks: DigestCadence.default(1),
  day: Weekday.default("monday"),
  /** Local time, HH:MM, in `zone`. */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default("09:00"),
  zone: z.string().min(1).max(64).default("UTC"),
  series: z.string().max(40).default(""),
  updatedBy: PersonKey.optional(),
  updatedAt: Instant.optional(),
});
export type DigestSchedule = z.infer<typeof DigestSchedule>;
/** What a steward or the plan chooses; the rest is kept by the workflow. */
export type ScheduleChoice = Pick<DigestSchedule, "on" | "cadenceWeeks" | "day" | "time" | "zone">;

/** One digest occurrence as it was claimed: the window it covers (insert-only, so retries and other instances reuse it). */
export const DigestRun = z.object({ communityId: z.string().min(1), at: Instant, from: Instant });
export type DigestRun = z.infer<typeof DigestRun>;

export const STORY_LIMITS = { title: 120, body: 2000, link: 500, pending: 20 } as const;
export const STORY_KINDS = ["success", "reflection"] as const;
export const StoryKind = z.enum(STORY_KINDS);
export type StoryKind = z.infer<typeof StoryKind>;

/** A member's success story or reflection on a shift in practice, and what the stewards decided. */
export const Story = z.object({
  communityId: z.string().min(1),
  id: z.string().min(1).max(80),
  kind: StoryKind,
  title: z.string().trim().min(1).max(STORY_LIMITS.title),
  body: z.string().trim().min(1).max(STORY_LIMITS.body),
  link: z.string().url().max(STORY_LIMITS.link).optional(),
  /** The author agreed it may go into the sponsor report. */
  shareWithSponsor: z.boolean(),
  author: PersonKey,
  authorName: z.string().max(120),
  at: Instant,
  status: z.enum(["pending", "approved", "declined"]),
  decidedBy: PersonKey.optional(),
  decidedByName: z.string().max(120).optional(),
  decidedAt: Instant.optional(),
});
export type Story = z.infer<typeof Story>;
