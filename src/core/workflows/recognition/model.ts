import { z } from "zod";
import { Instant, LIMITS, PersonKey } from "../../domain.js";

export const RECOGNITION_LIMITS = {
  /** Characters a kudos' reason may have. */
  reason: 300,
  /** Kudos one `kudos` list shows at a time. */
  page: 10,
} as const;

/** A person as a celebration names them: who they are, and the name they had then. */
export const Named = z.object({ personKey: PersonKey, name: z.string().max(LIMITS.displayName) });
export type Named = z.infer<typeof Named>;

/** One kudos: who thanked whom for what, and when (insert-only, never edited). */
export const Kudos = z.object({
  id: z.string().min(1).max(80),
  communityId: z.string().min(1),
  from: Named,
  to: Named,
  reason: z.string().trim().min(1).max(RECOGNITION_LIMITS.reason),
  at: Instant,
});
export type Kudos = z.infer<typeof Kudos>;

export const MILESTONE_KINDS = ["firstContribution", "anniversary", "tenthEvent", "hundredthMember"] as const;
export const MilestoneKind = z.enum(MILESTONE_KINDS);
export type MilestoneKind = z.infer<typeof MilestoneKind>;

/** What counted as a member's first contribution. */
export const CONTRIBUTIONS = ["kudos", "rsvp"] as const;
export const Contribution = z.enum(CONTRIBUTIONS);

/**
 * A milestone reached: the member celebrated (none for the community's own), and whether it was posted
 * (milestone posts were off: only marked, so turning them on later brings no backlog).
 */
export const Milestone = z.object({
  communityId: z.string().min(1),
  kind: MilestoneKind,
  /** `community`, or the member's person key. */
  subject: z.string().min(1).max(300),
  person: Named.optional(),
  contribution: Contribution.optional(),
  /** The count reached (events, members). */
  count: z.number().int().nonnegative().optional(),
  posted: z.boolean(),
  at: Instant,
});
export type Milestone = z.infer<typeof Milestone>;

/** A community's recognition settings (a row of its own; absent: milestones are posted). */
export const RecognitionSettings = z.object({ milestones: z.boolean().default(true), updatedAt: Instant.optional(), updatedBy: PersonKey.optional() });
export type RecognitionSettings = z.infer<typeof RecognitionSettings>;
