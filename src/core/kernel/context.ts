import type { Community, Member, Space } from "../domain.js";
import type { CoreDeps, Versioned } from "../ports.js";
import { memberFor } from "./members.js";
import { fitsPlace, holds } from "./permissions.js";
import type { Reader } from "./reader.js";
import type { Registry } from "./registry.js";
import type { Request } from "./request.js";
import type { Words } from "./words.js";
import type { Context, People } from "./workflow.js";

/** What a request's context is read from: its space, the community that space belongs to, the asker's membership. */
export interface ContextReads {
  space?: Space;
  stored?: Versioned<Community>;
  found?: Member;
}

/** The reads a request runs with; nothing is written. */
export async function readContext(deps: CoreDeps, request: Request): Promise<ContextReads> {
  const { repos } = deps;
  const space = request.space.personal ? undefined : await repos.spaces.find(request.space.spaceKey);
  if (!space) return {};
  // The community and the asker's membership are independent reads: both at once.
  const [stored, found] = await Promise.all([repos.communities.get(space.communityId), repos.members.get(space.communityId, request.actor.personKey)]);
  return { space, stored, found };
}

/**
 * What a request runs with: its space, the community that space belongs to, and the asker's membership. With
 * `enrol`, someone acting in a bound space for the first time joins its roster (unless they said `leave`).
 * `reads`: those already under way (`readContext`), when the caller started them early.
 */
export async function loadContext(
  deps: CoreDeps,
  registry: Registry,
  asked: { request: Request; reader: Reader; words: Words; people: People },
  enrol = true,
  reads: Promise<ContextReads> = readContext(deps, asked.request),
): Promise<Context> {
  const { repos } = deps;
  const { request } = asked;
  const { space, stored, found } = await reads;
  let member = stored ? found : undefined;
  const enrolling = enrol && stored && !member && !(await repos.members.optedOut(stored.value.id, request.actor.personKey));
  if (enrolling) member = await enrolAsker(deps, request, stored.value.id);
  const place = { personal: request.space.personal, bound: !!stored };
  const ctx: Context = {
    ...asked,
    deps,
    space,
    community: stored?.value,
    etag: stored?.etag,
    member,
    enrolledNow: Boolean(enrolling),
    registry,
    can: (verb) => {
      const def = registry.command(verb);
      return !!def && fitsPlace(def, place) && holds(def.permission, ctx.member);
    },
  };
  return ctx;
}

/** Anyone who acts in a bound space takes part: they join its roster as a member. */
async function enrolAsker(deps: CoreDeps, request: Request, communityId: string): Promise<Member> {
  const now = deps.clock.now().toISOString();
  const member = memberFor(request.actor, { communityId, spaceKey: request.space.spaceKey, role: "member", now });
  // Enrolled only after finding that they had not said `leave`: there is nothing to clear.
  if ((await deps.repos.members.add(member, { optedOut: false })) === "added") return member;
  return (await deps.repos.members.get(communityId, request.actor.personKey)) ?? member;
}
