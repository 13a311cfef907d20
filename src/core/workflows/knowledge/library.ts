import type { CoreDeps } from "../../ports.js";
import type { Resource } from "./model.js";

/** A short id people can type (`remove resource 7K3F9Q`): the tail of a fresh id. */
const shortId = (deps: CoreDeps) =>
  deps.ids
    .newId()
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(-6)
    .toUpperCase()
    .padStart(4, "0");

/** Adds a resource under a short id (another if that one is taken); a link already there is returned instead. */
export async function addToLibrary(deps: CoreDeps, draft: Omit<Resource, "id">): Promise<{ added: Resource } | { duplicate: Resource }> {
  for (let attempt = 0; ; attempt++) {
    const resource: Resource = { ...draft, id: shortId(deps) };
    const stored = await deps.repos.resources.add(resource);
    if (stored.result === "added") return { added: resource };
    if (stored.result === "duplicate") return { duplicate: stored.existing };
    if (attempt >= 5) throw new Error("no free resource id after several draws");
  }
}

/** What presenters show of a resource. */
export const viewOf = (r: Resource) => ({
  id: r.id,
  url: r.url,
  title: r.title,
  tags: r.tags,
  note: r.note,
  source: r.source,
  ...(r.author ? { author: r.author } : {}),
  who: r.sharedByName,
  at: r.sharedAt,
});
