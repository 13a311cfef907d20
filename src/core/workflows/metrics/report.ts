import { z } from "zod";
import type { CoreDeps } from "../../ports.js";
import { liveOccurrences } from "../events/occurrences.js";
import { ratesOf, resultsState } from "../surveys/rates.js";
import { aggregatesFor } from "./compute.js";
import { ALL, EMPTY_FIGURES, Figures, Period, periodEnd, periodOf, type Aggregate } from "./model.js";
import { endOf, monthsBefore, monthsOf, startOf, type Range } from "./range.js";

/** A success story approved for reports (the summaries workflow provides them; none until it is wired). */
export const Story = z.object({ title: z.string().max(200), text: z.string().max(2000), by: z.string().max(120) });

export const ReportData = z.object({
  communityName: z.string(),
  domain: z.string(),
  purposes: z.array(z.string()),
  goals: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  months: z.array(z.object({ period: Period, figures: Figures })).max(30),
  total: Figures,
  previous: Figures.optional(),
  spaces: z.array(z.object({ name: z.string(), figures: Figures })).max(20),
  activities: z.array(z.object({ title: z.string(), at: z.string(), going: z.number().int().nonnegative(), attended: z.number().int().nonnegative().optional() })).max(200),
  feedback: z
    .array(
      z.object({
        title: z.string(),
        answered: z.number().int().nonnegative(),
        asked: z.number().int().nonnegative(),
        scores: z.array(z.object({ question: z.string(), average: z.number().optional(), of: z.number().optional(), nps: z.number().optional() })).max(20),
      }),
    )
    .max(100),
  /** Success stories and reflections approved by the stewards in the range, whose authors agreed the sponsor may read them. */
  stories: z.array(Story).max(50).default([]),
  /** Nothing happened and nobody was a member in the range. */
  empty: z.boolean(),
});
export type ReportData = z.infer<typeof ReportData>;

const FLOWS = ["joined", "left", "newContributors", "held", "confirmed", "going", "attendedGoing", "asked", "answered", "resources", "kudos", "groups", "groupsMet"] as const;

/** Several months as one: flows add up, members are as at the end, active members a monthly average. */
export function combine(months: Figures[]): Figures {
  const total: Figures = { ...EMPTY_FIGURES };
  for (const f of months) for (const k of FLOWS) total[k] += f[k];
  total.members = months.at(-1)?.members ?? 0;
  total.active = months.length ? Math.round(months.reduce((n, f) => n + f.active, 0) / months.length) : 0;
  return total;
}

const isEmpty = (f: Figures) => Object.values(f).every((v) => v === 0);

/** Every month's aggregates of a range (recounted on demand where missing or counted before the month ended). */
async function monthly(deps: CoreDeps, communityId: string, months: Period[], since: string): Promise<Aggregate[][]> {
  // A month that ended before the community began has nothing to count (and nothing is stored for it).
  const counted = months.filter((p) => periodEnd(p).getTime() > Date.parse(since));
  const found = new Map((await aggregatesFor(deps, communityId, counted)).map((aggs, i) => [counted[i]!, aggs]));
  return months.map((p) => found.get(p) ?? []);
}

/** The sponsor report's content for a range: figures from the monthly aggregates, activities and feedback from their rows. */
export async function buildReport(deps: CoreDeps, communityId: string, range: Range, spaceNames: Map<string, string>): Promise<ReportData | undefined> {
  const stored = await deps.repos.communities.get(communityId);
  if (!stored) return undefined;
  const { charter } = stored.value;
  const now = deps.clock.now();
  const months = monthsOf(range).filter((p) => p <= periodOf(now));
  const since = stored.value.createdAt;
  const earlier = monthsBefore(months);
  const all = await monthly(deps, communityId, [...earlier, ...months], since);
  const before = all.slice(0, earlier.length);
  const current = all.slice(earlier.length);
  const figuresOf = (aggs: Aggregate[], scope: string) => aggs.find((a) => a.scope === scope)?.figures ?? EMPTY_FIGURES;
  const perMonth = current.map((aggs, i) => ({ period: months[i]!, figures: figuresOf(aggs, ALL) }));
  const total = combine(perMonth.map((m) => m.figures));
  const previous = combine(before.map((aggs) => figuresOf(aggs, ALL)));
  const spaces = [...spaceNames].map(([key, name]) => ({ name, figures: combine(current.map((aggs) => figuresOf(aggs, key))) }));

  const start = startOf(range);
  const end = endOf(range);
  const activities: ReportData["activities"] = [];
  for (const event of await deps.repos.events.upcoming(communityId, start)) {
    for (const o of liveOccurrences(event).filter((o) => Date.parse(o.at) >= start.getTime() && Date.parse(o.at) < Math.min(end.getTime(), now.getTime()))) {
      const [answers, attendance] = await Promise.all([deps.repos.events.answers(communityId, event.id, o.id), deps.repos.events.attendance(communityId, event.id, o.id)]);
      activities.push({ title: o.title, at: o.at, going: answers.filter((a) => a.answer === "going").length, attended: attendance ? attendance.people.length + attendance.others : undefined });
    }
  }
  activities.sort((a, b) => a.at.localeCompare(b.at));

  const closed = (await deps.repos.surveys.all(communityId)).filter((s) => s.status === "closed" && s.closedAt && Date.parse(s.closedAt) >= start.getTime() && Date.parse(s.closedAt) < end.getTime());
  const feedback: ReportData["feedback"] = [];
  for (const survey of closed.sort((a, b) => (a.closedAt ?? "").localeCompare(b.closedAt ?? ""))) {
    const [state, rates] = await Promise.all([resultsState(deps, survey), ratesOf(deps, survey)]);
    feedback.push({
      title: survey.title,
      answered: rates.reduce((n, r) => n + r.answered, 0),
      asked: rates.reduce((n, r) => n + r.asked, 0),
      scores: state.questions
        .filter((q) => q.average !== undefined || q.nps !== undefined)
        .map((q) => ({ question: q.text, average: q.average, of: q.kind === "rating" ? 5 : q.kind === "nps" ? 10 : undefined, nps: q.nps })),
    });
  }

  const stories = (await deps.repos.summaries.approvedStories(communityId, start, end, { sponsorOnly: true })).map((s) => ({ title: s.title, text: s.body, by: s.authorName }));

  return {
    communityName: charter.name,
    domain: charter.domain,
    purposes: charter.purposes,
    goals: charter.goals,
    from: range.from,
    to: range.to,
    months: perMonth,
    total,
    previous: before.length ? previous : undefined,
    spaces: spaces.slice(0, 20),
    activities: activities.slice(0, 200),
    feedback: feedback.slice(0, 100),
    stories: stories.slice(0, 50),
    empty: perMonth.every((m) => isEmpty(m.figures)) && activities.length === 0 && feedback.length === 0 && stories.length === 0,
  };
}
