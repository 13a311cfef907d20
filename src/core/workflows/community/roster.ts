import { z } from "zod";
import { decodeKey, SpaceKey } from "../../domain.js";
import { memberFor } from "../../kernel/members.js";
import { DomainError } from "../../errors.js";
import { outcome, type Effect } from "../../kernel/outcome.js";
import { job, type Context, type SpaceEvents } from "../../kernel/workflow.js";

/** Binds the request's space to a community; a space that already has one is refused. */
export async function bindSpace(ctx: Context, communityId: string): Promise<void> {
  const { deps, request } = ctx;
  const bound = await deps.repos.spaces.bind({
    communityId,
    spaceKey: request.space.spaceKey,
    platform: request.space.platform,
    displayName: request.space.displayName,
    boundAt: deps.clock.now().toISOString(),
    boundBy: request.actor.personKey,
  });
  if (bound.result === "taken") {
    const owner = await deps.repos.communities.get(bound.communityId);
    throw new DomainError("conflict", "notice.alreadyBound", { name: owner?.value.charter.name ?? "", charter: { typed: "charter" } });
  }
}

export const ROSTER_IMPORT = "community.roster.import";
const ImportPayload = z.object({ communityId: z.string().min(1), spaceKey: SpaceKey });

/** Once a space is bound, the people already in it join the roster (a durable job: retried, never lost). */
export function importRoster(communityId: string, spaceKey: string, now: string): Effect[] {
  return [{ kind: "schedule", job: { kind: ROSTER_IMPORT, key: `roster:${communityId}:${spaceKey}:${now}`, dueAt: new Date(now), payload: { communityId, spaceKey } } }];
}

export const rosterImport = job({
  kind: ROSTER_IMPORT,
  schema: ImportPayload,
  async run({ communityId, spaceKey }, { deps, signal }) {
    const directory = deps.directories[decodeKey(spaceKey).platform];
    if (!directory) return outcome();
    let cursor: string | undefined;
    do {
      signal.throwIfAborted();
      // Someone on the roster already (before the import, or since: people use the channel meanwhile) keeps
      // their row as it is and costs no write, nor a lookup on a platform that looks each person up. Asked
      // as the page is read, once a person.
      const asked = new Map<string, Promise<boolean>>();
      const known = (person: string) => {
        let found = asked.get(person);
        if (!found) asked.set(person, (found = deps.repos.members.get(communityId, person).then((member) => member !== undefined)));
        return found;
      };
      const page = await directory.members(spaceKey, cursor, known);
      const now = deps.clock.now().toISOString();
      for (const person of page.people) {
        if (await known(person.personKey)) continue;
        // Someone who said `leave` stays out.
        if (await deps.repos.members.optedOut(communityId, person.personKey)) continue;
        await deps.repos.members.add(memberFor(person, { communityId, spaceKey, role: "member", now }), { optedOut: false });
      }
      cursor = page.next;
    } while (cursor);
    return outcome();
  },
});

/** Joins and leaves in a bound space keep the roster current. */
export const rosterEvents: SpaceEvents = {
  async joined(ctx, people) {
    const now = ctx.deps.clock.now().toISOString();
    for (const person of people) {
      await ctx.deps.repos.members.add(memberFor(person, { communityId: ctx.community.id, spaceKey: ctx.space.spaceKey, role: "member", now }));
    }
    return outcome();
  },
  async left(ctx, people) {
    // Someone who left one space may still be in another linked one: only the space they joined through counts here.
    for (const personKey of people) {
      const member = await ctx.deps.repos.members.get(ctx.community.id, personKey);
      if (member && member.role !== "facilitator" && (!member.spaceKey || member.spaceKey === ctx.space.spaceKey)) {
        // Kept for metrics, whose counts of who left cannot come from a row that is gone.
        if ((await ctx.deps.repos.members.remove(ctx.community.id, personKey)) === "removed") await ctx.deps.repos.metrics.recordLeft(member, ctx.deps.clock.now());
      }
    }
    return outcome();
  },
};
