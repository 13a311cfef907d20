import { z } from "zod";
import { Instant, PersonKey } from "../../domain.js";

/** How often rounds run, in weeks. */
export const CADENCES = [1, 2, 4] as const;
export const Cadence = z.union([z.literal(1), z.literal(2), z.literal(4)]);
export type Cadence = z.infer<typeof Cadence>;
export const MIN_SIZE = 2;
export const MAX_SIZE = 5;
export const WEEK_MS = 7 * 86_400_000;
/** The "did you meet?" check-in goes this long before the next round (or a day after this one, if sooner). */
export const CHECK_IN_BEFORE_MS = 2 * 86_400_000;

/** A community's matching: whether rounds run, how often, how big the groups are, and what to prefer. */
export const MatchingSettings = z.object({
  communityId: z.string().min(1),
  on: z.boolean().default(false),
  cadenceWeeks: Cadence.default(2),
  size: z.number().int().min(MIN_SIZE).max(MAX_SIZE).default(2),
  crossOrganisation: z.boolean().default(true),
  crossPlatform: z.boolean().default(true),
  buddies: z.boolean().default(false),
  /** When rounds were last turned on or changed: a round job of an older series does nothing. */
  series: z.string().default(""),
  updatedBy: PersonKey.optional(),
  updatedAt: Instant.optional(),
});
export type MatchingSettings = z.infer<typeof MatchingSettings>;
export const defaultSettings = (communityId: string): MatchingSettings => MatchingSettings.parse({ communityId });

/** A member's own choice: matched only once they opt in; a snooze keeps them out of rounds before a day. */
export const MatchPrefs = z.object({
  personKey: PersonKey,
  optedIn: z.boolean(),
  /** YYYY-MM-DD (UTC): rounds on or after this day include them again. */
  snoozedUntil: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  at: Instant,
});
export type MatchPrefs = z.infer<typeof MatchPrefs>;

/** One person in a group, as the others are told about them. */
export const Matched = z.object({
  personKey: PersonKey,
  name: z.string().max(120),
  organisation: z.string().max(200).default(""),
});
export type Matched = z.infer<typeof Matched>;

/** A topic to start with, from the group's profiles. */
export const Topic = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("shared"), topic: z.string().max(200) }),
  z.object({ kind: z.literal("expertise"), name: z.string().max(120), topic: z.string().max(200) }),
  z.object({ kind: z.literal("open") }),
]);
export type Topic = z.infer<typeof Topic>;

/** A round as it was formed (stored once: a retried or duplicated run reuses it). */
export const Round = z.object({
  communityId: z.string().min(1),
  /** The instant it was due, as ISO: its identity. */
  id: z.string().min(1),
  at: Instant,
  checkInAt: Instant,
  groups: z.array(z.object({ people: z.array(Matched).min(2).max(MAX_SIZE + 1), topic: Topic })).max(1000),
});
export type Round = z.infer<typeof Round>;

/** A member's answer to "did you meet?". */
export const CheckIn = z.object({ roundId: z.string().min(1), personKey: PersonKey, met: z.boolean(), at: Instant });
export type CheckIn = z.infer<typeof CheckIn>;

/** A newcomer's buddy, kept so a join delivered twice gives one buddy. */
export const Buddy = z.object({ newcomer: PersonKey, buddy: PersonKey.optional(), at: Instant });
export type Buddy = z.infer<typeof Buddy>;

/** How a round went: groups where someone said they met, and answers in all. */
export interface MetRate {
  roundId: string;
  at: string;
  groups: number;
  groupsMet: number;
  answers: number;
  people: number;
}

export function metRate(round: Round, answers: readonly CheckIn[]): MetRate {
  const said = new Map(answers.map((a) => [a.personKey, a.met]));
  const groupsMet = round.groups.filter((g) => g.people.some((p) => said.get(p.personKey) === true)).length;
  const people = round.groups.reduce((n, g) => n + g.people.length, 0);
  return { roundId: round.id, at: round.at, groups: round.groups.length, groupsMet, answers: said.size, people };
}
