import { createHash } from "node:crypto";
import { z } from "zod";
import type { Community, Member } from "../../domain.js";
import { occurrenceKey } from "../../kernel/kernel.js";
import { membersWhere } from "../../kernel/members.js";
import type { Effect } from "../../kernel/outcome.js";
import { outcome } from "../../kernel/outcome.js";
import { job } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import type { Milestone, MilestoneKind, Named } from "./model.js";
import { MILESTONE_DM_PRESENTER, MILESTONE_PRESENTER, type MilestoneCard } from "./presenters.js";

export const MILESTONES_JOB = "recognition.milestones.daily";
/** The daily look for milestones runs at this hour (UTC), every community at the same time of day. */
const DAILY_HOUR_UTC = 8;
const DAY_MS = 86_400_000;
/**
 * A milestone found later than this passes uncelebrated: an anniversary while the app was down, and history
 * from before milestones ran (a community's old RSVPs, its 10th event or 100th member long passed).
 */
const LATE_MS = 14 * DAY_MS;
/** A run celebrates at most this many members; the rest wait for the next day, so a channel is never flooded. */
const MEMBERS_PER_RUN = 10;
/** A marker this recent whose posts were due is posted again (idempotently): a run that died after marking still posts. */
const RETRY_WINDOW_MS = 2 * DAY_MS;
export const TENTH_EVENT = 10;
export const HUNDREDTH_MEMBER = 100;
const COMMUNITY = "community";

const tag = (subject: string) => createHash("sha256").update(subject).digest("base64url").slice(0, 16);
const seriesKey = (communityId: string) => `recognition:${communityId}:milestones`;

/** The next daily run after `now`. */
export function nextDailyRun(now: Date): Date {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), DAILY_HOUR_UTC));
  return at > now ? at : new Date(at.getTime() + DAY_MS);
}

/**
 * Makes sure the community's daily look for milestones is scheduled: the same key as the series' own next
 * occurrence, so asking again (every kudos, every join) keeps the one job.
 */
export function ensureDaily(communityId: string, now: Date): Effect {
  const dueAt = nextDailyRun(now);
  return { kind: "schedule", job: { kind: MILESTONES_JOB, key: occurrenceKey(seriesKey(communityId), dueAt), dueAt, payload: { communityId } } };
}

/** The posts of a milestone: every space of the community, and the member celebrated privately; keyed, so sent once. */
function announce(community: Community, m: Milestone): Effect[] {
  const data: MilestoneCard = { communityName: community.charter.name, kind: m.kind, person: m.person, contribution: m.contribution, count: m.count };
  const id = `milestone:${community.id}:${m.kind}:${tag(m.subject)}`;
  const effects: Effect[] = [{ kind: "fanout", fanoutId: `${id}:spaces`, audience: { kind: "spaces", communityId: community.id, except: [] }, card: { presenter: MILESTONE_PRESENTER, data } }];
  if (m.person) effects.push({ kind: "fanout", fanoutId: `${id}:dm`, audience: { kind: "people", people: [m.person.personKey] }, card: { presenter: MILESTONE_DM_PRESENTER, data } });
  return effects;
}

type Reached = Pick<Milestone, "kind" | "subject" | "person" | "contribution" | "count">;

/**
 * Celebrates a milestone once: an insert-only marker first, and only the caller that wrote it posts. With
 * milestone posts off it is only marked (turning them on brings no backlog). A recent marker whose posts were
 * due is posted again under the same fan-out keys, so a run that died in between still posts, and never twice.
 */
export async function celebrate(deps: CoreDeps, community: Community, reached: Reached, known?: Milestone, late = false): Promise<Effect[]> {
  const now = deps.clock.now();
  if (known) return known.posted && now.getTime() - Date.parse(known.at) < RETRY_WINDOW_MS ? announce(community, known) : [];
  const { milestones } = await deps.repos.recognition.settings(community.id);
  const marker: Milestone = { ...reached, communityId: community.id, posted: milestones && !late, at: now.toISOString() };
  const result = await deps.repos.recognition.reach(marker);
  if (result.result === "created") return marker.posted ? announce(community, marker) : [];
  return result.stored ? celebrate(deps, community, reached, result.stored) : [];
}

const named = (m: Member): Named => ({ personKey: m.personKey, name: m.displayName });

/** A member's first contribution (their first kudos given, or first RSVP), celebrated the moment it is seen. */
export async function firstContribution(deps: CoreDeps, community: Community, member: Member, contribution: "kudos" | "rsvp"): Promise<Effect[]> {
  const known = await deps.repos.recognition.reached(community.id, "firstContribution", member.personKey);
  return celebrate(deps, community, known ?? { kind: "firstContribution", subject: member.personKey, person: named(member), contribution }, known);
}

const lateAt = (deps: CoreDeps, at: string) => deps.clock.now().getTime() - Date.parse(at) > LATE_MS;

/**
 * The community's 100th member, checked when people join (and by the daily run, which has the roster already).
 * Only marked, not posted, when the 100th joined long ago.
 */
export async function hundredthMember(deps: CoreDeps, community: Community, roster?: Member[]): Promise<Effect[]> {
  // The marker first: one read, and once it is there, joins never count the roster again.
  const known = await deps.repos.recognition.reached(community.id, "hundredthMember", COMMUNITY);
  if (known) return celebrate(deps, community, known, known);
  if ((roster?.length ?? (await deps.repos.members.count(community.id))) < HUNDREDTH_MEMBER) return [];
  const joined = (roster ?? (await membersWhere(deps, community.id, () => true))).map((m) => m.joinedAt).sort();
  const hundredth = joined[HUNDREDTH_MEMBER - 1];
  if (!hundredth) return [];
  return celebrate(deps, community, { kind: "hundredthMember", subject: COMMUNITY, count: HUNDREDTH_MEMBER }, undefined, lateAt(deps, hundredth));
}

/** The community's 10th event (by when it was scheduled); only marked when that was long ago. */
async function tenthEvent(deps: CoreDeps, community: Community): Promise<Effect[]> {
  const created = (await deps.repos.events.all(community.id)).filter((e) => !e.cancelled).map((e) => e.createdAt).sort();
  const tenth = created[TENTH_EVENT - 1];
  if (!tenth) return [];
  const known = await deps.repos.recognition.reached(community.id, "tenthEvent", COMMUNITY);
  return celebrate(deps, community, known ?? { kind: "tenthEvent", subject: COMMUNITY, count: TENTH_EVENT }, known, lateAt(deps, tenth));
}

/** When a member's first year is up: a year after they joined, in UTC. */
export function anniversaryOf(joinedAt: string): Date {
  const at = new Date(joinedAt);
  at.setUTCFullYear(at.getUTCFullYear() + 1);
  return at;
}

/** Members whose milestone of `kind` is due and not yet celebrated (or recently marked, to post again). */
async function memberMilestones(
  deps: CoreDeps,
  community: Community,
  kind: MilestoneKind,
  candidates: Array<{ member: Member; contribution?: "rsvp" }>,
  budget: { left: number },
): Promise<Effect[]> {
  const markers = await deps.repos.recognition.reachedAll(community.id, kind);
  const effects: Effect[] = [];
  for (const { member, contribution } of candidates) {
    const known = markers.get(member.personKey);
    if (known) {
      effects.push(...(await celebrate(deps, community, known, known)));
      continue;
    }
    if (budget.left <= 0) continue;
    budget.left -= 1;
    effects.push(...(await celebrate(deps, community, { kind, subject: member.personKey, person: named(member), ...(contribution ? { contribution } : {}) })));
  }
  return effects;
}

/** Everything due in a community now: the community's milestones, then its members' (a bounded number per run). */
export async function detectMilestones(deps: CoreDeps, community: Community): Promise<Effect[]> {
  const now = deps.clock.now().getTime();
  const members = await membersWhere(deps, community.id, () => true);
  const byPerson = new Map(members.map((m) => [m.personKey, m]));
  const effects = [...(await hundredthMember(deps, community, members)), ...(await tenthEvent(deps, community))];
  const budget = { left: MEMBERS_PER_RUN };

  const due = members.filter((m) => {
    const at = anniversaryOf(m.joinedAt).getTime();
    return at <= now && now - at < LATE_MS;
  });
  effects.push(...(await memberMilestones(deps, community, "anniversary", due.map((member) => ({ member })), budget)));

  // A first RSVP (going or maybe) to any of the community's events, if it is recent: older ones are history from
  // before milestones ran. Anonymous survey answers hold no identity, so they never count.
  const firstAnswered = new Map<string, string>();
  for (const event of await deps.repos.events.all(community.id)) {
    for (const rsvp of await deps.repos.events.answers(community.id, event.id)) {
      const seen = firstAnswered.get(rsvp.personKey);
      if (rsvp.answer !== "no" && (!seen || rsvp.at < seen)) firstAnswered.set(rsvp.personKey, rsvp.at);
    }
  }
  const firsts = [...firstAnswered].flatMap(([p, at]) => (byPerson.has(p) && !lateAt(deps, at) ? [{ member: byPerson.get(p)!, contribution: "rsvp" as const }] : []));
  effects.push(...(await memberMilestones(deps, community, "firstContribution", firsts, budget)));
  return effects;
}

/** The daily look for milestones, one series per community. */
export const milestonesJob = job({
  kind: MILESTONES_JOB,
  schema: z.object({ communityId: z.string().min(1) }),
  async run({ communityId }, { deps }) {
    const stored = await deps.repos.communities.get(communityId);
    if (!stored || stored.value.status === "closed") return outcome();
    return outcome(...(await detectMilestones(deps, stored.value)));
  },
  next: (_payload, dueAt) => new Date(dueAt.getTime() + DAY_MS),
});
