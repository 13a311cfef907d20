import { z } from "zod";
import { Instant, PersonKey } from "../../domain.js";
import { membersWhere } from "../../kernel/members.js";
import type { CoreDeps } from "../../ports.js";
import { liveOccurrences, occurrencesNow } from "../events/occurrences.js";
import { StoryKind } from "./model.js";

/** How far ahead upcoming events are listed, how far back a follow-up's occurrence may be, and how many of each are named. */
const AHEAD_MS = 14 * 86_400_000;
const FOLLOW_UP_BACK_MS = 60 * 86_400_000;
export const DIGEST_SHOWN = { names: 5, items: 8, storyText: 280, reason: 200 } as const;

const Named = z.object({ personKey: PersonKey, name: z.string().max(120) });
const counted = <T extends z.ZodTypeAny>(item: T) => z.object({ total: z.number().int().nonnegative(), items: z.array(item).max(DIGEST_SHOWN.items) });

/** What a digest says: everything the app recorded in its window, and what is coming; rendered per reader at delivery. */
export const DigestData = z.object({
  name: z.string(),
  from: Instant,
  to: Instant,
  newMembers: z.object({ total: z.number().int().nonnegative(), people: z.array(Named).max(DIGEST_SHOWN.names) }),
  newEvents: z.number().int().nonnegative(),
  newSurveys: z.number().int().nonnegative(),
  upcoming: counted(z.object({ title: z.string(), at: Instant })),
  openSurveys: counted(z.object({ title: z.string(), closesAt: Instant.optional() })),
  results: counted(z.object({ title: z.string(), answered: z.number().int().nonnegative(), asked: z.number().int().nonnegative() })),
  resources: counted(z.object({ title: z.string(), url: z.string().url(), by: z.string().max(120) })),
  followUps: counted(z.object({ title: z.string(), at: Instant })),
  kudos: counted(z.object({ from: Named, to: Named, reason: z.string() })),
  stories: counted(z.object({ kind: StoryKind, title: z.string(), text: z.string(), link: z.string().optional(), author: Named })),
});
export type DigestData = z.infer<typeof DigestData>;

const some = <T>(all: T[]) => ({ total: all.length, items: all.slice(0, DIGEST_SHOWN.items) });
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);
const within = (at: string | undefined, from: Date, to: Date) => !!at && Date.parse(at) >= from.getTime() && Date.parse(at) < to.getTime();

/** Whether anything happened in the window (what is only coming up, or still open, is no news by itself). */
export const happened = (d: DigestData): boolean =>
  d.newMembers.total + d.newEvents + d.newSurveys + d.results.total + d.resources.total + d.followUps.total + d.kudos.total + d.stories.total > 0;

/** Reads what the app recorded in [from, to) from each workflow's rows (never a channel's history). */
export async function gatherDigest(deps: CoreDeps, communityId: string, name: string, from: Date, to: Date): Promise<DigestData> {
  const { repos } = deps;
  const [joined, events, open, closed, library, stories] = await Promise.all([
    membersWhere(deps, communityId, (m) => within(m.joinedAt, from, to)),
    repos.events.all(communityId),
    repos.surveys.open(communityId),
    repos.summaries.surveysClosed(communityId, from, to),
    repos.resources.all(communityId),
    repos.summaries.approvedStories(communityId, from, to),
  ]);
  const upcoming = events
    .flatMap((e) => liveOccurrences(e).filter((o) => Date.parse(o.at) >= to.getTime() && Date.parse(o.at) < to.getTime() + AHEAD_MS))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map((o) => ({ title: o.title, at: o.at }));
  const followUps: DigestData["followUps"]["items"] = [];
  for (const e of events) {
    for (const o of occurrencesNow(e).filter((o) => Date.parse(o.at) < to.getTime() && Date.parse(o.at) >= from.getTime() - FOLLOW_UP_BACK_MS)) {
      const f = await repos.events.followUp(communityId, e.id, o.id);
      if (f && (within(f.at, from, to) || within(f.updatedAt, from, to))) followUps.push({ title: o.title, at: o.at });
    }
  }
  return DigestData.parse({
    name,
    from: from.toISOString(),
    to: to.toISOString(),
    newMembers: { total: joined.length, people: joined.slice(0, DIGEST_SHOWN.names).map((m) => ({ personKey: m.personKey, name: m.displayName })) },
    newEvents: events.filter((e) => within(e.createdAt, from, to)).length,
    newSurveys: [...open, ...closed].filter((s) => within(s.createdAt, from, to)).length,
    upcoming: some(upcoming),
    openSurveys: some(open.map((s) => ({ title: s.title, closesAt: s.closesAt }))),
    results: some(closed.map((s) => ({ title: s.title, answered: sum(s.rates, "answered"), asked: sum(s.rates, "asked") }))),
    resources: some(library.filter((r) => within(r.sharedAt, from, to)).map((r) => ({ title: r.title, url: r.url, by: r.sharedByName }))),
    followUps: some(followUps),
    kudos: some(await kudosBetween(deps, communityId, from, to)),
    stories: some(stories.map((s) => ({ kind: s.kind, title: s.title, text: cut(s.body, DIGEST_SHOWN.storyText), link: s.link, author: { personKey: s.author, name: s.authorName } }))),
  });
}

const sum = (rates: Array<{ answered: number; asked: number }> | undefined, key: "answered" | "asked") => (rates ?? []).reduce((n, r) => n + r[key], 0);

/** Kudos newest first, page by page, until they are older than the window. */
async function kudosBetween(deps: CoreDeps, communityId: string, from: Date, to: Date): Promise<DigestData["kudos"]["items"]> {
  const found: DigestData["kudos"]["items"] = [];
  let after: string | undefined;
  for (;;) {
    const page = await deps.repos.recognition.recent(communityId, { pageSize: 50, after });
    for (const k of page.items) {
      if (Date.parse(k.at) < from.getTime()) return found;
      if (within(k.at, from, to)) found.push({ from: { personKey: k.from.personKey, name: k.from.name }, to: { personKey: k.to.personKey, name: k.to.name }, reason: cut(k.reason, DIGEST_SHOWN.reason) });
    }
    if (!page.continuationToken) return found;
    after = page.continuationToken;
  }
}
