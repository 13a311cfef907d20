import { Profile, type Member, type PersonKey, type Role, type SpaceKey } from "../domain.js";
import type { CoreDeps } from "../ports.js";

/** Someone about to be on a roster: who the platform says they are. */
export interface Newcomer {
  personKey: PersonKey;
  displayName: string;
  locale?: string;
  timezone?: string;
}

/**
 * A member row for a person joining (or changing role in) a community: what was known of them is kept
 * (profile, when and where they joined), what is new is taken from the platform.
 */
export function memberFor(person: Newcomer, at: { communityId: string; spaceKey: SpaceKey; role: Role; now: string }, existing?: Member): Member {
  return {
    communityId: at.communityId,
    personKey: person.personKey,
    displayName: person.displayName || existing?.displayName || "",
    role: at.role,
    spaceKey: existing?.spaceKey ?? at.spaceKey,
    profile: existing?.profile ?? Profile.parse({ timezone: person.timezone ?? "" }),
    locale: person.locale ?? existing?.locale,
    joinedAt: existing?.joinedAt ?? at.now,
    lastActiveAt: at.now,
  };
}

/**
 * A community's members that match, read page by page (memory bounded by the matches); with `enough`, it stops
 * reading once that many have been found.
 */
export async function membersWhere(deps: Pick<CoreDeps, "repos">, communityId: string, keep: (m: Member) => boolean, enough = Infinity): Promise<Member[]> {
  const found: Member[] = [];
  let token: string | undefined;
  do {
    const page = await deps.repos.members.list(communityId, { pageSize: 500, continuationToken: token });
    found.push(...page.items.filter(keep));
    token = page.continuationToken;
  } while (token && found.length < enough);
  return found.slice(0, enough);
}
