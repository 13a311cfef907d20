import { decodeKey, type Member } from "../../domain.js";
import { formGroups, pairKey, type Candidate } from "./grouping.js";
import type { Matched, MatchingSettings, MatchPrefs, Round, Topic } from "./model.js";

/** Who a round may include: on the roster (the members given), opted in, not snoozed that day, reachable. */
export function isEligible(member: Member, prefs: ReadonlyMap<string, MatchPrefs>, unreachable: ReadonlySet<string>, day: string): boolean {
  const pref = prefs.get(member.personKey);
  if (!pref?.optedIn || unreachable.has(member.personKey)) return false;
  return !pref.snoozedUntil || pref.snoozedUntil <= day;
}

const topicsOf = (m: Member) => [...m.profile.expertise, ...m.profile.interests].map((t) => t.trim().toLowerCase()).filter(Boolean);

export const candidateOf = (m: Member): Candidate => ({
  id: m.personKey,
  organisation: m.profile.organisation.trim(),
  platform: decodeKey(m.personKey).platform,
  topics: [...new Set(topicsOf(m))],
});

/**
 * A member as the others in their group may read about them: a profile not made visible shows nothing (no
 * organisation, no topics), as `profile @person` would show it. Grouping may still weigh it; messages never say it.
 */
const asShared = (m: Member): Member => (m.profile.visible ? m : { ...m, profile: { ...m.profile, organisation: "", expertise: [], interests: [], offers: "", wantsToLearn: "" } });

export const matchedOf = (m: Member): Matched => ({ personKey: m.personKey, name: m.displayName || m.personKey, organisation: asShared(m).profile.organisation.trim() });

/** Something to talk about, from what the group made visible: a topic all share, else one person's expertise another is interested in, else an open question. */
export function suggestTopic(group: readonly Member[]): Topic {
  const members = group.map(asShared);
  const [first, ...rest] = members.map((m) => ({ m, topics: topicsOf(m) }));
  const shared = first?.topics.find((t) => rest.every((r) => r.topics.includes(t)));
  if (shared) return { kind: "shared", topic: original(members, shared) };
  for (const a of members) {
    for (const skill of a.profile.expertise) {
      const wanted = members.some((b) => b !== a && (b.profile.interests.some((i) => i.trim().toLowerCase() === skill.trim().toLowerCase()) || b.profile.wantsToLearn.toLowerCase().includes(skill.trim().toLowerCase())));
      if (wanted && skill.trim()) return { kind: "expertise", name: a.displayName, topic: skill.trim() };
    }
  }
  const someone = members.find((m) => m.profile.expertise.some((s) => s.trim()));
  if (someone) return { kind: "expertise", name: someone.displayName, topic: someone.profile.expertise.find((s) => s.trim())!.trim() };
  return { kind: "open" };
}

/** A lower-cased topic as someone wrote it. */
const original = (members: readonly Member[], lower: string) =>
  members.flatMap((m) => [...m.profile.expertise, ...m.profile.interests]).find((t) => t.trim().toLowerCase() === lower)?.trim() ?? lower;

export interface PlanInput {
  /** The roster now. */
  members: readonly Member[];
  prefs: ReadonlyMap<string, MatchPrefs>;
  unreachable: ReadonlySet<string>;
  /** The round's day, YYYY-MM-DD (UTC). */
  day: string;
  settings: Pick<MatchingSettings, "size" | "crossOrganisation" | "crossPlatform">;
  /** Pairs met before and how many rounds ago. */
  met: ReadonlyMap<string, number>;
  seed: number;
}

/** A round's groups from the roster: who is eligible, grouped, each group with a topic. */
export function planRound(input: PlanInput): Round["groups"] {
  const people = input.members.filter((m) => isEligible(m, input.prefs, input.unreachable, input.day));
  const byKey = new Map(people.map((m) => [m.personKey, m]));
  // Sorted, so the groups depend on who is eligible, not on the order the store listed them.
  const candidates = people.map(candidateOf).sort((a, b) => a.id.localeCompare(b.id));
  const groups = formGroups({ people: candidates, size: input.settings.size, met: input.met, crossOrganisation: input.settings.crossOrganisation, crossPlatform: input.settings.crossPlatform, seed: input.seed });
  return groups.map((ids) => {
    const group = ids.map((id) => byKey.get(id)!);
    return { people: group.map(matchedOf), topic: suggestTopic(group) };
  });
}

/** Every pair in a round's groups. */
export const pairsOf = (groups: Round["groups"]): Array<[string, string]> =>
  groups.flatMap((g) => g.people.flatMap((a, i) => g.people.slice(i + 1).map((b): [string, string] => [a.personKey, b.personKey])));

/** Pair history as `formGroups` reads it: each pair and how many rounds ago it met (1: the latest round listed). */
export function metFrom(rounds: readonly Pick<Round, "groups">[]): Map<string, number> {
  const met = new Map<string, number>();
  rounds.forEach((round, index) => {
    const ago = rounds.length - index;
    for (const [a, b] of pairsOf(round.groups)) met.set(pairKey(a, b), ago);
  });
  return met;
}
