import type { Member } from "../../domain.js";
import { membersWhere } from "../../kernel/members.js";
import { outcome, type Effect } from "../../kernel/outcome.js";
import type { CommunityContext, SpaceEvents } from "../../kernel/workflow.js";
import { pairCost, seedOf } from "./grouping.js";
import { candidateOf, isEligible, matchedOf } from "./plan.js";
import { INTRO_PRESENTER, type IntroData } from "./presenters.js";
import { personTag } from "./rounds.js";

/**
 * The buddy for a newcomer: an opted-in member on the roster, not snoozed, reachable, from another organisation
 * (and platform, when preferred) where possible; among equals, a stable pick per newcomer.
 */
export function chooseBuddy(newcomer: Member, members: readonly Member[], eligible: (m: Member) => boolean, crossPlatform: boolean): Member | undefined {
  const them = candidateOf(newcomer);
  const score = (m: Member) => pairCost(them, candidateOf(m), { met: new Map(), crossOrganisation: true, crossPlatform });
  const tie = (m: Member) => seedOf(`${newcomer.personKey}|${m.personKey}`);
  return members
    .filter((m) => m.personKey !== newcomer.personKey && eligible(m))
    .sort((a, b) => score(a) - score(b) || tie(a) - tie(b))[0];
}

async function buddyFor(ctx: CommunityContext, personKey: string, members: Member[]): Promise<Effect[]> {
  const { deps, community } = ctx;
  const newcomer = members.find((m) => m.personKey === personKey);
  if (!newcomer) return [];
  const [prefs, settings] = await Promise.all([deps.repos.matching.prefs(community.id), deps.repos.matching.settings(community.id)]);
  const day = deps.clock.now().toISOString().slice(0, 10);
  const refs = await Promise.all(members.map((m) => deps.repos.conversationRefs.get(m.personKey)));
  const unreachable = new Set(members.filter((_, i) => refs[i]?.unreachable).map((m) => m.personKey));
  const buddy = chooseBuddy(newcomer, members, (m) => isEligible(m, prefs, unreachable, day), settings?.value.crossPlatform ?? true);
  if (!buddy) return [];
  // Insert-only: a join delivered twice (or to two instances) gives one buddy and one pair of messages.
  if ((await deps.repos.matching.addBuddy(community.id, { newcomer: personKey, buddy: buddy.personKey, at: deps.clock.now().toISOString() })) === "duplicate") return [];
  const name = community.charter.name;
  const send = (to: Member, kind: IntroData["kind"], other: Member): Effect => ({
    kind: "fanout",
    fanoutId: `matching:${community.id}:buddy:${personTag(personKey)}:${kind}`,
    audience: { kind: "people", people: [to.personKey] },
    card: { presenter: INTRO_PRESENTER, data: { name, kind, others: [matchedOf(other)] } satisfies IntroData },
  });
  return [send(newcomer, "newcomer", buddy), send(buddy, "buddy", newcomer)];
}

/** When stewards turned buddies on, each newcomer to a bound space gets a buddy, and both are introduced. */
export const buddyEvents: SpaceEvents = {
  async joined(ctx, people) {
    const settings = await ctx.deps.repos.matching.settings(ctx.community.id);
    if (!settings?.value.buddies || ctx.community.status === "closed") return outcome();
    const members = await membersWhere(ctx.deps, ctx.community.id, () => true);
    const sends: Effect[] = [];
    for (const person of people) sends.push(...(await buddyFor(ctx, person.personKey, members)));
    return outcome(...sends);
  },
};
