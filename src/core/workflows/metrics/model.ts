import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import { Instant, PersonKey, SpaceKey } from "../../domain.js";

/** A metrics period: a calendar month (`2026-11`) or an ISO week (`2026-W47`), in UTC. */
export const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$|^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/);
export type Period = z.infer<typeof Period>;
export const isWeek = (p: Period) => p.includes("W");

/** The month an instant falls in (UTC). */
export const periodOf = (at: Date): Period => at.toISOString().slice(0, 7);
/** The day weekOf was last asked about, and its week: every request of a day asks about the same. */
let lastWeek = { day: "", week: "" };
/** The ISO week an instant falls in (UTC), e.g. `2026-W48`. */
export function weekOf(at: Date): Period {
  const day = at.toISOString().slice(0, 10);
  if (lastWeek.day !== day) {
    const date = Temporal.PlainDate.from(day);
    lastWeek = { day, week: `${date.yearOfWeek}-W${String(date.weekOfYear).padStart(2, "0")}` };
  }
  return lastWeek.week;
}
export function periodStart(p: Period): Date {
  if (!isWeek(p)) return new Date(`${p}-01T00:00:00.000Z`);
  // ISO week 1 holds 4 January; weeks start on Monday.
  const [year, week] = p.split("-W").map(Number) as [number, number];
  const jan4 = Temporal.PlainDate.from({ year, month: 1, day: 4 });
  return new Date(`${jan4.subtract({ days: jan4.dayOfWeek - 1 }).add({ weeks: week - 1 }).toString()}T00:00:00.000Z`);
}
export function periodEnd(p: Period): Date {
  const s = periodStart(p);
  return isWeek(p) ? new Date(s.getTime() + 7 * 86_400_000) : new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1));
}
/** Whether a typed period exists (week 53 only in long years). */
export const realPeriod = (p: Period) => !isWeek(p) || weekOf(periodStart(p)) === p;
export const previousPeriod = (p: Period): Period => {
  const before = new Date(periodStart(p).getTime() - 1);
  return isWeek(p) ? weekOf(before) : periodOf(before);
};
/** Someone acted in the community in a month (one insert-only row per person and month). */
export const ActivityMark = z.object({ personKey: PersonKey, period: Period, spaceKey: SpaceKey.optional(), at: Instant });
export type ActivityMark = z.infer<typeof ActivityMark>;

/** Someone left the community (kept because their member row goes). */
export const LeftMark = z.object({ personKey: PersonKey, spaceKey: SpaceKey.optional(), joinedAt: Instant, at: Instant });
export type LeftMark = z.infer<typeof LeftMark>;

const count = z.number().int().nonnegative();
/** What one period counts for one scope (a space, or the whole community): only counts, rates are derived. */
export const Figures = z.object({
  members: count,
  joined: count,
  left: count,
  active: count,
  newContributors: count,
  /** Occurrences held in the period, and those whose attendance a steward confirmed. */
  held: count,
  confirmed: count,
  going: count,
  /** Of those who said going, how many attended (as confirmed). */
  attendedGoing: count,
  asked: count,
  answered: count,
  resources: count,
  kudos: count,
  /** Matching rounds' groups, and those where someone said they met (whole community only). */
  groups: count,
  groupsMet: count,
});
export type Figures = z.infer<typeof Figures>;
export const EMPTY_FIGURES: Figures = Figures.parse({ members: 0, joined: 0, left: 0, active: 0, newContributors: 0, held: 0, confirmed: 0, going: 0, attendedGoing: 0, asked: 0, answered: 0, resources: 0, kudos: 0, groups: 0, groupsMet: 0 });

/** The whole community's scope name. */
export const ALL = "all";

/** One period's figures for one scope, recomputed from the raw rows (idempotent: the same rows give the same row). */
export const Aggregate = z.object({
  communityId: z.string().min(1),
  period: Period,
  /** `all`, or a space key. */
  scope: z.string().min(1).max(300),
  scopeName: z.string().max(200).default(""),
  figures: Figures,
  computedAt: Instant,
});
export type Aggregate = z.infer<typeof Aggregate>;

/** A rate as a whole percentage, undefined when nothing was asked of anyone. */
export const rate = (part: number, whole: number): number | undefined => (whole > 0 ? Math.round((part / whole) * 100) : undefined);

/** The rates and counts shown, in the order they are shown. */
export const METRICS = ["members", "joined", "left", "active", "activeShare", "newContributors", "attendance", "responses", "resources", "kudos", "metRate"] as const;
export type Metric = (typeof METRICS)[number];

/** A metric's value (undefined: nothing to measure) and whether it is a percentage. */
export function metricValue(m: Metric, f: Figures): { value: number | undefined; percent: boolean } {
  switch (m) {
    case "activeShare":
      return { value: rate(f.active, f.members), percent: true };
    case "attendance":
      return { value: rate(f.attendedGoing, f.going), percent: true };
    case "responses":
      return { value: rate(f.answered, f.asked), percent: true };
    case "metRate":
      return { value: rate(f.groupsMet, f.groups), percent: true };
    default:
      return { value: f[m], percent: false };
  }
}
