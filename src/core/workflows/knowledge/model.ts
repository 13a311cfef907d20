import { z } from "zod";
import { Instant, PersonKey, SpaceKey } from "../../domain.js";

/** Limits of a library entry: what does not fit is refused with the limit, never cut (a saved message's text is the exception). */
export const RESOURCE_LIMITS = { url: 500, title: 200, tag: 30, tags: 10, note: 1000, tagsField: 400, query: 200 } as const;
const L = RESOURCE_LIMITS;

/** Where a resource came from: shared by hand, saved from a message's menu, or a link of an event's follow-up. */
export const ResourceSource = z.enum(["shared", "message", "followUp"]);

/** One entry of a community's library (its shared repertoire). */
export const Resource = z.object({
  communityId: z.string().min(1),
  /** A short id people type (`remove resource 7K3F9Q`). */
  id: z.string().regex(/^[A-Z0-9]{4,12}$/),
  url: z.string().url().startsWith("https://").max(L.url),
  title: z.string().trim().min(1).max(L.title),
  tags: z.array(z.string().min(1).max(L.tag)).max(L.tags),
  note: z.string().max(L.note).default(""),
  source: ResourceSource,
  /** A saved message's author, as their platform named them. */
  author: z.string().max(120).optional(),
  sharedBy: PersonKey,
  sharedByName: z.string().max(120).default(""),
  sharedAt: Instant,
  spaceKey: SpaceKey.optional(),
});
export type Resource = z.infer<typeof Resource>;

/** A link as the library compares it: no fragment, host in lower case, no trailing slash on a path. */
export function sameLink(url: string): string {
  const u = new URL(url);
  u.hash = "";
  if (u.pathname.length > 1) u.pathname = u.pathname.replace(/\/+$/, "");
  return u.href;
}

/** Why a link cannot go in the library, or undefined when it can. */
export function linkProblem(url: string): "notLink" | "notHttps" | "tooLong" | undefined {
  if (url.length > L.url) return "tooLong";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "notLink";
  }
  if (parsed.protocol !== "https:") return parsed.protocol === "http:" ? "notHttps" : "notLink";
  if (!parsed.hostname.includes(".") && parsed.hostname !== "localhost") return "notLink";
  // What is stored is the link as a URL writes it (non-ASCII letters percent-encoded): that must fit too.
  if (parsed.href.length > L.url) return "tooLong";
  return undefined;
}

/** A path as people read it; one with a broken %-escape is shown as written rather than refused. */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The title a link gets when nobody gave one (the page is never fetched): its host and path. */
export function titleFromLink(url: string): string {
  const u = new URL(url);
  const path = decodedPath(u.pathname).replace(/\/+$/, "");
  return `${u.hostname.replace(/^www\./, "")}${path}`.slice(0, L.title);
}

const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u;

/** Tags as typed (`#FAIR, metadata`) in lower case without their `#`, each once; or the first that is not a tag. */
export function parseTags(words: readonly string[]): { ok: true; tags: string[] } | { ok: false; why: "badTag" | "tagTooLong" | "tooManyTags"; tag: string } {
  const tags: string[] = [];
  for (const word of words) {
    const tag = word.replace(/^#+/, "").toLowerCase();
    if (!tag) continue;
    if (tag.length > L.tag) return { ok: false, why: "tagTooLong", tag: tag.slice(0, 40) };
    if (!TAG.test(tag)) return { ok: false, why: "badTag", tag: tag.slice(0, 40) };
    if (!tags.includes(tag)) tags.push(tag);
  }
  if (tags.length > L.tags) return { ok: false, why: "tooManyTags", tag: "" };
  return { ok: true, tags };
}

/** `share URL [title words] [#tags]`: the link first, words starting with # are tags, the rest the title. */
export function parseShareLine(line: string): { url: string; title: string; tags: string[] } {
  const [url = "", ...rest] = line.trim().split(/\s+/).filter(Boolean);
  const tags = rest.filter((w) => w.startsWith("#"));
  const title = rest.filter((w) => !w.startsWith("#")).join(" ");
  return { url, title, tags };
}

/** A search: words that must all appear (title, tags, note) and tags that must all be there. */
export interface ResourceQuery {
  words: string[];
  tags: string[];
}

export function parseQuery(query: string): ResourceQuery {
  const parts = query.toLowerCase().split(/\s+/).filter(Boolean);
  return {
    tags: [...new Set(parts.filter((p) => p.startsWith("#")).map((p) => p.replace(/^#+/, "")).filter(Boolean))],
    words: [...new Set(parts.filter((p) => !p.startsWith("#")))],
  };
}

export function matches(r: Resource, q: ResourceQuery): boolean {
  const haystack = [r.title, r.note, ...r.tags].join(" ").toLowerCase();
  return q.tags.every((t) => r.tags.includes(t)) && q.words.every((w) => haystack.includes(w));
}
