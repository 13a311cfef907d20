import { createHash } from "node:crypto";
import { z } from "zod";
import { decodeKey, type Member, type SpaceRef } from "../../domain.js";
import { membersWhere } from "../../kernel/members.js";
import { ORIGIN } from "../../kernel/origin.js";
import { outcome, type Effect } from "../../kernel/outcome.js";
import { job } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { RECENT_ROUNDS, seedOf } from "./grouping.js";
import { CHECK_IN_BEFORE_MS, WEEK_MS, type MatchingSettings, type Round } from "./model.js";
import { metFrom, planRound } from "./plan.js";
import { CHECK_IN_PRESENTER, INTRO_PRESENTER, type CheckInData, type IntroData } from "./presenters.js";

export const ROUND_JOB = "matching.round";
export const CHECK_IN_JOB = "matching.checkIn";
/** How long the check-in's buttons stay tied to the community. */
const ORIGIN_DAYS = 30;

const personTag = (personKey: string) => createHash("sha256").update(personKey).digest("base64url").slice(0, 12);
const cadenceMs = (s: Pick<MatchingSettings, "cadenceWeeks">) => s.cadenceWeeks * WEEK_MS;

/** One key per community, series and instant: however many instances schedule or run it, the round happens once. */
export function scheduleRound(communityId: string, series: string, at: Date): Effect {
  return { kind: "schedule", job: { kind: ROUND_JOB, key: `matching:${communityId}:round:${series}:${at.toISOString()}`, dueAt: at, payload: { communityId, series } } };
}

/**
 * The next round of a series (which started at the instant `series` names): the latest of its instants so far
 * when that round has not run yet (`lastRoundId` is another), else the first instant after `now`.
 */
export function nextRoundAt(settings: Pick<MatchingSettings, "cadenceWeeks" | "series">, now: Date, lastRoundId?: string): Date | undefined {
  const start = Date.parse(settings.series);
  if (Number.isNaN(start)) return undefined;
  if (start >= now.getTime()) return new Date(start);
  const every = cadenceMs(settings);
  const due = new Date(start + Math.floor((now.getTime() - start) / every) * every);
  return due.toISOString() === lastRoundId || due.getTime() < Date.parse(lastRoundId ?? "") ? new Date(due.getTime() + every) : due;
}

/** Everyone on the roster now, by person. */
async function rosterOf(deps: CoreDeps, communityId: string): Promise<Map<string, Member>> {
  return new Map((await membersWhere(deps, communityId, () => true)).map((m) => [m.personKey, m]));
}

/** People the platforms said cannot be messaged (uninstalled, blocked): left out of rounds. */
async function unreachableAmong(deps: CoreDeps, people: readonly string[]): Promise<Set<string>> {
  const refs = await Promise.all(people.map((p) => deps.repos.conversationRefs.get(p)));
  return new Set(people.filter((_, i) => refs[i]?.unreachable));
}

/** Forms the round due at `at` from the roster now, or reads it back when another run stored it first. */
async function roundAt(deps: CoreDeps, settings: MatchingSettings, at: Date): Promise<Round> {
  const { communityId } = settings;
  const id = at.toISOString();
  const stored = await deps.repos.matching.round(communityId, id);
  if (stored) return stored;
  const [roster, prefs, recent] = await Promise.all([rosterOf(deps, communityId), deps.repos.matching.prefs(communityId), deps.repos.matching.recentRounds(communityId, RECENT_ROUNDS)]);
  const optedIn = [...prefs.values()].filter((p) => p.optedIn && roster.has(p.personKey)).map((p) => p.personKey);
  const groups = planRound({
    members: [...roster.values()],
    prefs,
    unreachable: await unreachableAmong(deps, optedIn),
    day: id.slice(0, 10),
    settings,
    met: metFrom(recent),
    seed: seedOf(`${communityId}:${id}`),
  });
  const checkInAt = new Date(Math.max(at.getTime() + 86_400_000, at.getTime() + cadenceMs(settings) - CHECK_IN_BEFORE_MS)).toISOString();
  const round: Round = { communityId, id, at: id, checkInAt, groups };
  if ((await deps.repos.matching.addRound(round)) === "created") return round;
  return (await deps.repos.matching.round(communityId, id)) ?? round;
}

/** One direct message per person of each group still on the roster, keyed by round and person (sent once). */
function introductions(round: Round, name: string, roster: Map<string, Member>): Effect[] {
  return round.groups.flatMap((group) =>
    group.people
      .filter((p) => roster.has(p.personKey))
      .map((p): Effect => {
        const data: IntroData = { name, kind: "round", others: group.people.filter((o) => o.personKey !== p.personKey), topic: group.topic, checkInAt: round.checkInAt };
        return { kind: "fanout", fanoutId: `matching:${round.communityId}:intro:${round.id}:${personTag(p.personKey)}`, audience: { kind: "people", people: [p.personKey] }, card: { presenter: INTRO_PRESENTER, data } };
      }),
  );
}

/** A round: groups formed and introduced; its check-in and the next round scheduled. Does nothing for a stopped or changed series. */
export const roundJob = job({
  kind: ROUND_JOB,
  schema: z.object({ communityId: z.string().min(1), series: z.string().min(1) }),
  async run({ communityId, series }, { deps, dueAt }) {
    const [settings, community] = await Promise.all([deps.repos.matching.settings(communityId), deps.repos.communities.get(communityId)]);
    if (!settings?.value.on || settings.value.series !== series || !community) return outcome();
    const next = scheduleRound(communityId, series, new Date(dueAt.getTime() + cadenceMs(settings.value)));
    // A closed community skips its rounds (and picks them up again if it is reopened).
    if (community.value.status === "closed") return outcome(next);
    const round = await roundAt(deps, settings.value, dueAt);
    const roster = await rosterOf(deps, communityId);
    return outcome(
      ...introductions(round, community.value.charter.name, roster),
      { kind: "schedule", job: { kind: CHECK_IN_JOB, key: `matching:${communityId}:checkIn:${round.id}`, dueAt: new Date(round.checkInAt), payload: { communityId, roundId: round.id } } },
      next,
    );
  },
});

/** Sealed to the person and a space of the community on their platform, so their answer from their own chat counts there. */
export async function originFor(deps: CoreDeps, communityId: string, member: Member): Promise<string | undefined> {
  const spaces = await deps.repos.spaces.listForCommunity(communityId);
  const { platform } = decodeKey(member.personKey);
  const space = spaces.find((s) => s.spaceKey === member.spaceKey && s.platform === platform) ?? spaces.find((s) => s.platform === platform);
  if (!space) return undefined;
  const ref: SpaceRef = { spaceKey: space.spaceKey, platform: space.platform, displayName: space.displayName, personal: false };
  return deps.sealer.seal({ form: ORIGIN, space: ref, by: member.personKey, args: {}, exp: deps.clock.now().getTime() + ORIGIN_DAYS * 86_400_000 });
}

/** "Did you meet?" to each person of the round still on the roster and still taking part (not opted out or snoozed since). */
export const checkInJob = job({
  kind: CHECK_IN_JOB,
  schema: z.object({ communityId: z.string().min(1), roundId: z.string().min(1) }),
  async run({ communityId, roundId }, { deps }) {
    const [round, community] = await Promise.all([deps.repos.matching.round(communityId, roundId), deps.repos.communities.get(communityId)]);
    if (!round || !community) return outcome();
    const [roster, prefs] = await Promise.all([rosterOf(deps, communityId), deps.repos.matching.prefs(communityId)]);
    const today = deps.clock.now().toISOString().slice(0, 10);
    const sends: Effect[] = [];
    for (const group of round.groups) {
      for (const p of group.people) {
        const member = roster.get(p.personKey);
        const pref = prefs.get(p.personKey);
        if (!member || !pref?.optedIn || (pref.snoozedUntil && pref.snoozedUntil > today)) continue;
        const others = group.people.filter((o) => o.personKey !== p.personKey).map((o) => ({ personKey: o.personKey, name: o.name }));
        const data: CheckInData = { name: community.value.charter.name, roundId, others, origin: await originFor(deps, communityId, member) };
        sends.push({ kind: "fanout", fanoutId: `matching:${communityId}:checkIn:${roundId}:${personTag(p.personKey)}`, audience: { kind: "people", people: [p.personKey] }, card: { presenter: CHECK_IN_PRESENTER, data } });
      }
    }
    return outcome(...sends);
  },
});

export { personTag };
