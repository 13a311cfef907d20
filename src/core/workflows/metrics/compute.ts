import type { Member, PersonKey, Space } from "../../domain.js";
import type { CoreDeps } from "../../ports.js";
import type { CopEvent } from "../events/model.js";
import { liveOccurrences } from "../events/occurrences.js";
import type { Resource } from "../knowledge/model.js";
import { metRate, type Round } from "../matching/model.js";
import type { Kudos } from "../recognition/model.js";
import type { Survey } from "../surveys/model.js";
import { ratesOf } from "../surveys/rates.js";
import { ALL, EMPTY_FIGURES, isWeek, periodEnd, periodStart, type ActivityMark, type Aggregate, type Figures, type LeftMark, type Period } from "./model.js";

/**
 * Everything the figures are counted from that is not per occurrence or per survey: read once for every period
 * counted together (a report's missing months share one read of the roster, marks, resources and kudos).
 */
interface Raw {
  roster: Member[];
  spaces: Space[];
  marks: ActivityMark[];
  leaves: LeftMark[];
  events: CopEvent[];
  surveys: Survey[];
  resources: Resource[];
  kudos: Kudos[];
  rounds: Round[];
  homeOf: (person: PersonKey) => string | undefined;
}

async function roster(deps: CoreDeps, communityId: string): Promise<Member[]> {
  const all: Member[] = [];
  let token: string | undefined;
  do {
    const page = await deps.repos.members.list(communityId, { pageSize: 1000, continuationToken: token });
    all.push(...page.items);
    token = page.continuationToken;
  } while (token);
  return all;
}

const within = (at: string, start: Date, end: Date) => {
  const t = Date.parse(at);
  return t >= start.getTime() && t < end.getTime();
};

/** Counts per scope: `all` and each space a person, resource or answer belongs to. */
class Tally {
  readonly figures = new Map<string, Figures>();
  constructor(scopes: string[]) {
    for (const s of [ALL, ...scopes]) this.figures.set(s, { ...EMPTY_FIGURES });
  }
  add(field: keyof Figures, scope: string | undefined, by = 1): void {
    if (by === 0) return;
    this.figures.get(ALL)![field] += by;
    const here = scope ? this.figures.get(scope) : undefined;
    if (here) here[field] += by;
  }
}

/** The rows every period from `since` on is counted from. */
async function readRaw(deps: CoreDeps, communityId: string, since: Date): Promise<Raw> {
  const { repos } = deps;
  const [members, spaces, marks, leaves, events, surveys, resources, kudos, rounds] = await Promise.all([
    roster(deps, communityId),
    repos.spaces.listForCommunity(communityId),
    repos.metrics.activity(communityId),
    repos.metrics.leftMarks(communityId),
    repos.events.upcoming(communityId, since),
    repos.surveys.all(communityId),
    repos.resources.all(communityId),
    kudosSince(deps, communityId, since),
    repos.matching.recentRounds(communityId, 100),
  ]);
  const home = new Map(members.map((m) => [m.personKey, m.spaceKey]));
  for (const l of leaves) if (!home.has(l.personKey)) home.set(l.personKey, l.spaceKey);
  return { roster: members, spaces, marks, leaves, events, surveys, resources, kudos, rounds, homeOf: (p) => home.get(p) };
}

/** Kudos come newest first: pages are read until `since` is passed. */
async function kudosSince(deps: CoreDeps, communityId: string, since: Date): Promise<Kudos[]> {
  const found: Kudos[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await deps.repos.recognition.recent(communityId, { pageSize: 200, after });
    found.push(...page.items);
    const oldest = page.items.at(-1);
    if (!page.continuationToken || !oldest || Date.parse(oldest.at) < since.getTime()) return found;
    after = page.continuationToken;
  }
}

/**
 * A period's figures for the whole community and for each linked space, counted from the raw rows only (roster,
 * activity marks, leaves, events' answers and attendance, surveys, resources, kudos, matching rounds). The same
 * rows always give the same figures, so recounting after a replayed event changes nothing.
 */
async function countPeriod(deps: CoreDeps, communityId: string, raw: Raw, period: Period): Promise<Aggregate[]> {
  const start = periodStart(period);
  const end = periodEnd(period);
  const { roster: members, spaces, marks, leaves } = raw;
  const tally = new Tally(spaces.map((s) => s.spaceKey));

  // Members: on the roster by the period's end, or who were and left after it.
  for (const m of members) {
    if (Date.parse(m.joinedAt) < end.getTime()) tally.add("members", m.spaceKey);
    if (within(m.joinedAt, start, end)) tally.add("joined", m.spaceKey);
  }
  for (const l of leaves) {
    if (Date.parse(l.joinedAt) < end.getTime() && Date.parse(l.at) >= end.getTime()) tally.add("members", l.spaceKey);
    if (within(l.joinedAt, start, end)) tally.add("joined", l.spaceKey);
    if (within(l.at, start, end)) tally.add("left", l.spaceKey);
  }

  // Active: marked this month; new contributors: whose first mark ever is this month's.
  // Weeks are compared with weeks, months with months (both sort as text).
  const first = new Map<PersonKey, Period>();
  for (const mark of marks.filter((m) => isWeek(m.period) === isWeek(period))) if (!first.has(mark.personKey) || mark.period < first.get(mark.personKey)!) first.set(mark.personKey, mark.period);
  for (const mark of marks.filter((m) => m.period === period)) {
    const scope = raw.homeOf(mark.personKey) ?? mark.spaceKey;
    tally.add("active", scope);
    if (first.get(mark.personKey) === period) tally.add("newContributors", scope);
  }

  await Promise.all([countEvents(deps, communityId, start, end, raw, tally), countSurveys(deps, start, end, raw, tally), countRounds(deps, communityId, start, end, raw, tally)]);
  countShared(start, end, raw, tally);

  const computedAt = deps.clock.now().toISOString();
  const names = new Map(spaces.map((s) => [s.spaceKey, s.displayName]));
  return [...tally.figures].map(([scope, figures]) => ({ communityId, period, scope, scopeName: (names.get(scope) ?? "").slice(0, 200), figures, computedAt }));
}

/** Occurrences held in the period; for those with attendance confirmed, who said going and which of them came. */
async function countEvents(deps: CoreDeps, communityId: string, start: Date, end: Date, raw: Raw, tally: Tally): Promise<void> {
  const now = deps.clock.now().getTime();
  for (const event of raw.events) {
    for (const o of liveOccurrences(event).filter((o) => within(o.at, start, end) && Date.parse(o.at) <= now)) {
      tally.add("held", undefined);
      const attendance = await deps.repos.events.attendance(communityId, event.id, o.id);
      if (!attendance) continue;
      tally.add("confirmed", undefined);
      const came = new Set(attendance.people);
      const going = (await deps.repos.events.answers(communityId, event.id, o.id)).filter((a) => a.answer === "going");
      for (const a of going) {
        const scope = raw.homeOf(a.personKey);
        tally.add("going", scope);
        if (came.has(a.personKey)) tally.add("attendedGoing", scope);
      }
    }
  }
}

/** Surveys opened in the period: answered ÷ asked per space (kept at close, counted now while open). */
async function countSurveys(deps: CoreDeps, start: Date, end: Date, raw: Raw, tally: Tally): Promise<void> {
  for (const survey of raw.surveys.filter((s) => within(s.createdAt, start, end))) {
    for (const r of await ratesOf(deps, survey)) {
      tally.add("asked", r.spaceKey, r.asked);
      tally.add("answered", r.spaceKey, r.answered);
    }
  }
}

/** Resources shared and kudos given in the period. */
function countShared(start: Date, end: Date, raw: Raw, tally: Tally): void {
  for (const r of raw.resources) if (within(r.sharedAt, start, end)) tally.add("resources", r.spaceKey ?? raw.homeOf(r.sharedBy));
  for (const k of raw.kudos) if (within(k.at, start, end)) tally.add("kudos", raw.homeOf(k.from.personKey));
}

/** Matching rounds held in the period, and how many of their groups met. */
async function countRounds(deps: CoreDeps, communityId: string, start: Date, end: Date, raw: Raw, tally: Tally): Promise<void> {
  for (const round of raw.rounds.filter((r) => within(r.at, start, end))) {
    const rate = metRate(round, await deps.repos.matching.checkIns(communityId, round.id));
    tally.add("groups", undefined, rate.groups);
    tally.add("groupsMet", undefined, rate.groupsMet);
  }
}

/**
 * Periods' stored aggregates, in the order asked; those missing or counted before their period ended are
 * recounted first, together, from one read of the rows (a closed period is counted once more after it closes,
 * then read as stored).
 */
export async function aggregatesFor(deps: CoreDeps, communityId: string, periods: Period[]): Promise<Aggregate[][]> {
  const now = deps.clock.now().getTime();
  const stored = await Promise.all(periods.map((p) => deps.repos.metrics.aggregates(communityId, p)));
  const fresh = (aggs: Aggregate[], p: Period) => aggs.some((a) => a.scope === ALL) && (periodEnd(p).getTime() > now || aggs.every((a) => Date.parse(a.computedAt) >= periodEnd(p).getTime()));
  const stale = periods.filter((p, i) => !fresh(stored[i]!, p));
  if (stale.length === 0) return stored;
  const recounted = await refreshAggregates(deps, communityId, stale);
  return periods.map((p, i) => recounted[stale.indexOf(p)] ?? stored[i]!);
}

/**
 * Recounts periods and stores their aggregates (idempotent: the rows decide the figures), all from one read of
 * the rows: each read is of the whole roster and every activity mark, the same rows for every period.
 */
export async function refreshAggregates(deps: CoreDeps, communityId: string, periods: Period[]): Promise<Aggregate[][]> {
  if (periods.length === 0) return [];
  const raw = await readRaw(deps, communityId, new Date(Math.min(...periods.map((p) => periodStart(p).getTime()))));
  const counted: Aggregate[][] = [];
  for (const period of periods) {
    const aggregates = await countPeriod(deps, communityId, raw, period);
    await deps.repos.metrics.saveAggregates(aggregates);
    counted.push(aggregates);
  }
  return counted;
}
