import type { Member, PersonKey, Space } from "../../domain.js";
import type { CoreDeps } from "../../ports.js";
import { liveOccurrences } from "../events/occurrences.js";
import { metRate } from "../matching/model.js";
import { ratesOf } from "../surveys/rates.js";
import { ALL, EMPTY_FIGURES, isWeek, periodEnd, periodStart, type Aggregate, type Figures, type Period } from "./model.js";

/** Everything the figures are counted from, read once per recount. */
interface Raw {
  roster: Member[];
  spaces: Space[];
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

/**
 * A period's figures for the whole community and for each linked space, counted from the raw rows only (roster,
 * activity marks, leaves, events' answers and attendance, surveys, resources, kudos, matching rounds). The same
 * rows always give the same figures, so recounting after a replayed event changes nothing.
 */
export async function computeAggregates(deps: CoreDeps, communityId: string, period: Period): Promise<Aggregate[]> {
  const { repos } = deps;
  const start = periodStart(period);
  const end = periodEnd(period);
  const [members, spaces, marks, leaves] = await Promise.all([roster(deps, communityId), repos.spaces.listForCommunity(communityId), repos.metrics.activity(communityId), repos.metrics.leftMarks(communityId)]);
  const home = new Map(members.map((m) => [m.personKey, m.spaceKey]));
  for (const l of leaves) if (!home.has(l.personKey)) home.set(l.personKey, l.spaceKey);
  const raw: Raw = { roster: members, spaces, homeOf: (p) => home.get(p) };
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

  await Promise.all([countEvents(deps, communityId, start, end, raw, tally), countSurveys(deps, communityId, start, end, tally), countShared(deps, communityId, start, end, raw, tally)]);

  const computedAt = deps.clock.now().toISOString();
  const names = new Map(spaces.map((s) => [s.spaceKey, s.displayName]));
  return [...tally.figures].map(([scope, figures]) => ({ communityId, period, scope, scopeName: (names.get(scope) ?? "").slice(0, 200), figures, computedAt }));
}

/** Occurrences held in the period; for those with attendance confirmed, who said going and which of them came. */
async function countEvents(deps: CoreDeps, communityId: string, start: Date, end: Date, raw: Raw, tally: Tally): Promise<void> {
  const events = await deps.repos.events.upcoming(communityId, start);
  const now = deps.clock.now().getTime();
  for (const event of events) {
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
async function countSurveys(deps: CoreDeps, communityId: string, start: Date, end: Date, tally: Tally): Promise<void> {
  const surveys = (await deps.repos.surveys.all(communityId)).filter((s) => within(s.createdAt, start, end));
  for (const survey of surveys) {
    for (const r of await ratesOf(deps, survey)) {
      tally.add("asked", r.spaceKey, r.asked);
      tally.add("answered", r.spaceKey, r.answered);
    }
  }
}

/** Resources shared, kudos given and matching rounds held in the period. */
async function countShared(deps: CoreDeps, communityId: string, start: Date, end: Date, raw: Raw, tally: Tally): Promise<void> {
  for (const r of await deps.repos.resources.all(communityId)) if (within(r.sharedAt, start, end)) tally.add("resources", r.spaceKey ?? raw.homeOf(r.sharedBy));
  // Kudos come newest first: read pages until the period's start is passed.
  let after: string | undefined;
  for (;;) {
    const page = await deps.repos.recognition.recent(communityId, { pageSize: 200, after });
    for (const k of page.items) if (within(k.at, start, end)) tally.add("kudos", raw.homeOf(k.from.personKey));
    const oldest = page.items.at(-1);
    if (!page.continuationToken || !oldest || Date.parse(oldest.at) < start.getTime()) break;
    after = page.continuationToken;
  }
  for (const round of (await deps.repos.matching.recentRounds(communityId, 100)).filter((r) => within(r.at, start, end))) {
    const rate = metRate(round, await deps.repos.matching.checkIns(communityId, round.id));
    tally.add("groups", undefined, rate.groups);
    tally.add("groupsMet", undefined, rate.groupsMet);
  }
}

/**
 * A period's stored aggregates, recounted first when they are missing or were counted before the period ended
 * (a closed period is counted once more after it closes, then read as stored).
 */
export async function aggregatesFor(deps: CoreDeps, communityId: string, period: Period): Promise<Aggregate[]> {
  const stored = await deps.repos.metrics.aggregates(communityId, period);
  const end = periodEnd(period).getTime();
  const now = deps.clock.now().getTime();
  const fresh = stored.length > 0 && stored.some((a) => a.scope === ALL) && (end > now || stored.every((a) => Date.parse(a.computedAt) >= end));
  if (fresh) return stored;
  return refreshAggregates(deps, communityId, period);
}

/** Recounts a period and stores its aggregates (idempotent: the rows decide the figures). */
export async function refreshAggregates(deps: CoreDeps, communityId: string, period: Period): Promise<Aggregate[]> {
  const aggregates = await computeAggregates(deps, communityId, period);
  await deps.repos.metrics.saveAggregates(aggregates);
  return aggregates;
}
