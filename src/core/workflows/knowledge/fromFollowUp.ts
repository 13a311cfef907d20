import type { PersonKey } from "../../domain.js";
import { tell, typedParam } from "../../kernel/notice.js";
import type { Effect } from "../../kernel/outcome.js";
import type { CoreDeps } from "../../ports.js";
import { addToLibrary } from "./library.js";
import { linkProblem, parseTags, titleFromLink } from "./model.js";

/** An event title as a tag: lower case, words joined by -, what a tag may not hold left out. */
export function eventTag(title: string): string[] {
  const tag = title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 30)
    .replace(/-+$/, "");
  const parsed = parseTags(tag ? [tag] : []);
  return parsed.ok ? parsed.tags : [];
}

/**
 * The https links of an event's follow-up go in the community's library, tagged with the event's title and
 * credited to the steward who posted it (links there already stay as they are); the steward is told how many.
 * Called by the events workflow when a follow-up is posted.
 */
export async function followUpToLibrary(
  deps: CoreDeps,
  f: { communityId: string; eventTitle: string; links: ReadonlyArray<string | undefined>; by: PersonKey; byName: string; spaceKey?: string },
): Promise<Effect[]> {
  const now = deps.clock.now().toISOString();
  const tags = eventTag(f.eventTitle);
  let added = 0;
  for (const url of new Set(f.links)) {
    if (!url || linkProblem(url)) continue;
    const found = await addToLibrary(deps, {
      communityId: f.communityId,
      url: new URL(url).href,
      title: titleFromLink(url),
      tags,
      note: "",
      source: "followUp",
      author: f.eventTitle.slice(0, 120),
      sharedBy: f.by,
      sharedByName: f.byName,
      sharedAt: now,
      ...(f.spaceKey ? { spaceKey: f.spaceKey } : {}),
    });
    if ("added" in found) added++;
  }
  return added ? [tell("knowledge.fromFollowUp", { count: added, resources: typedParam(tags[0] ? `resources #${tags[0]}` : "resources") }, "success", true)] : [];
}
