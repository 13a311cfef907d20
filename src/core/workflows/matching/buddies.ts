import type { Member } from "../../domain.js";
import { membersWhere } from "../../kernel/members.js";
import { outcome, type Effect } from "../../kernel/outcome.js";
import type { CommunityContext, SpaceEvents } from "../../kernel/workflow.js";
import { pairCost, seedOf } from "./grouping.js";
import { candidateOf, isEligible, matchedOf } from "./plan.js";
import { INTRO_PRESENTER, type IntroData } from "./presenters.js";
import { personTag } from "./rounds.js";

/**
 * Who could be a newcomer's buddy, best first: opted-in members on the roster, not snoozed, from another
 * organisation (and platform, when preferred) where possible; among equals, a stable order per newcomer.
 */
export function rankBuddies(newcomer: Member, members: readonly Member[], eligible: (m: Member) => boolean, crossPlatform: boolean): Member[] {
  const them = candidateOf(newcomer);
  const score = (m: Member) => pairCost(them, candidateOf(m), { met: new Map(), crossOrganisation: true, crossPlatform });
  const tie = (m: Member) => seedOf(`${newcomer.personKey}|${m.personKey}`);
  return members.filter((m) => m.personKey !== newcomer.personKey && eligible(m)).sort((a, b) => score(a) - score(b) || tie(a) - tie(b));
}

/** The first of the ranked whom the app can reach: their conversation references are read one by one, best first. */
async function firstReachable(ctx: CommunityContext, ranked: Member[]): Promise<Member | undefined> {
  for (const m of ranked) if (!(await ctx.deps.repos.conversationRefs.get(m.personKey))?.unreachable) return m;
  return undefined;
}

async function buddyFor(ctx: CommunityContext, personKey: string, members: Member[]): Promise<Effect[]> {
  const { deps, community } = ctx;
  const newcomer = members.find((m) => m.personKey === personKey);
  if (!newcomer) return [];
  const [prefs, settings] = await Promise.all([deps.repos.matching.prefs(community.id), deps.repos.matching.settings(community.id)]);
  const day = deps.clock.now().toISOString().slice(0, 10);
  const ranked = rankBuddies(newcomer, members, (m) => isEligible(m, prefs, new Set(), day), settings?.value.crossPlatform ?? true);
  const buddy = await firstReachable(ctx, ranked);
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
