import { Profile, type Member, type PersonKey, type Role, type SpaceKey } from "../domain.js";
import { collator } from "../i18n/formatters.js";
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

/** How people are put in order by name for a reader: in their language's alphabet (English for a tag the runtime refuses). */
export function byName(locale: string): (a: Member, b: Member) => number {
  let compare: Intl.Collator["compare"];
  try {
    compare = collator(locale).compare;
  } catch {
    compare = collator("en").compare;
  }
  return (a, b) => compare(a.displayName || a.personKey, b.displayName || b.personKey);
}

/**
 * The first `count` of a community's members in `order`, and how many there are: the roster is read page by
 * page and only the first `count` are kept while reading (memory bounded by what is shown, not by the roster).
 */
export async function firstMembers(deps: Pick<CoreDeps, "repos">, communityId: string, order: (a: Member, b: Member) => number, count: number): Promise<{ first: Member[]; total: number }> {
  let first: Member[] = [];
  let total = 0;
  let token: string | undefined;
  do {
    const page = await deps.repos.members.list(communityId, { pageSize: 500, continuationToken: token });
    total += page.items.length;
    // Once `count` are kept, only those before the last of them can still be among the first.
    const last = first.length >= count ? first[first.length - 1] : undefined;
    first = [...first, ...(last ? page.items.filter((m) => order(m, last) < 0) : page.items)].sort(order).slice(0, count);
    token = page.continuationToken;
  } while (token);
  return { first, total };
}
