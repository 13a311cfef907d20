import { z } from "zod";
import { codeParam, tell, typedParam } from "../../kernel/notice.js";
import { openForm, outcome, post, reply, type Effect, type Outcome } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import { addToLibrary, viewOf } from "./library.js";
import { linkProblem, matches, parseQuery, parseShareLine, parseTags, RESOURCE_LIMITS as L, titleFromLink, type Resource } from "./model.js";
import { DUPLICATE_PRESENTER, LIST_PRESENTER, LIST_VERB, SHARED_PRESENTER } from "./presenters.js";
import { SHARE_SUBMIT, shareForm, type ShareInput } from "./shareForm.js";

const SHARE_EXAMPLE = "share https://example.org/guide FAIR data guide #fair";
const PAGE = 8;

/** The private answer to a link that is there already: which entry, who put it there and when. */
export const alreadyThere = (existing: Resource): Effect => reply(DUPLICATE_PRESENTER, viewOf(existing), true);

/** What the asker adds; who shared it, when, where and in which community come from the request. */
type Shared = Pick<Resource, "url" | "title" | "tags" | "note" | "source" | "author">;

/**
 * Adds what the asker shared here (typed, in the form, or a message saved from its menu): a private confirmation
 * (`confirm`) and a short note in every space, or, for a link there already, who has it.
 */
export async function shareHere(ctx: CommunityContext, shared: Shared, confirm: "knowledge.added" | "knowledge.savedMessage"): Promise<Outcome> {
  const { deps, community, request } = ctx;
  const found = await addToLibrary(deps, {
    ...shared,
    communityId: community.id,
    sharedBy: request.actor.personKey,
    sharedByName: request.actor.displayName || ctx.member?.displayName || "",
    sharedAt: deps.clock.now().toISOString(),
    spaceKey: request.space.spaceKey,
  });
  if ("duplicate" in found) return outcome(alreadyThere(found.duplicate));
  const r = found.added;
  return outcome(
    tell(confirm, { title: r.title, name: community.charter.name, id: r.id, find: typedParam(r.tags[0] ? `resources #${r.tags[0]}` : "resources") }, "success", true),
    post("community", SHARED_PRESENTER, viewOf(r)),
  );
}

/** Records a checked share. */
const record = (ctx: CommunityContext, input: ShareInput): Promise<Outcome> =>
  shareHere(ctx, { url: new URL(input.url).href, title: input.title.trim() || titleFromLink(input.url), tags: input.tags, note: input.note.trim(), source: "shared" }, "knowledge.added");

/** `share URL [title] [#tags]`; alone, the form. A typed line that does not fit is answered privately, quoting it. */
export const share = command({
  verb: "knowledge.share",
  permission: "member",
  where: "community",
  input: z.object({ line: z.string().max(3000).default("") }),
  text: { words: ["share"], parse: (rest) => ({ line: rest }) },
  help: { usage: "help.usage.share", describe: "help.cmd.share" },
  button: { label: "knowledge.share.form.title", opensForm: true },
  async handle(ctx, { line }) {
    if (!line.trim()) return outcome(openForm({ form: shareForm.name, values: {} }));
    const { url, title, tags: typedTags } = parseShareLine(line);
    const usage = { usage: codeParam(ctx.words.plain("help.usage.share")), example: codeParam(SHARE_EXAMPLE) };
    const problem = linkProblem(url);
    if (problem) return outcome(tell(`knowledge.error.${problem}`, { url: url.slice(0, 80), max: L.url, ...usage }, "warning", true));
    if (title.length > L.title) return outcome(tell("knowledge.error.titleTooLong", { max: L.title, length: title.length }, "warning", true));
    const tags = parseTags(typedTags);
    if (!tags.ok) return outcome(tell(`knowledge.error.${tags.why}`, { tag: tags.tag, max: tags.why === "tooManyTags" ? L.tags : L.tag }, "warning", true));
    return record(ctx, { url, title, tags: tags.tags, note: "" });
  },
});

export const shareSubmit = command({
  verb: SHARE_SUBMIT,
  permission: "member",
  where: "community",
  input: z.custom<ShareInput>(),
  form: shareForm,
  handle: (ctx, input) => record(ctx, input),
});

/** `resources [words] [#tag]`: the library of every linked space, newest first, a page at a time. */
export const resources = command({
  verb: LIST_VERB,
  permission: "member",
  where: "community",
  input: z.object({ query: z.string().trim().default(""), offset: z.coerce.number().int().min(0).max(100_000).default(0) }),
  text: { words: ["resources", "library"], parse: (rest) => ({ query: rest }) },
  help: { usage: "help.usage.resources", describe: "help.cmd.resources" },
  async handle(ctx, { query, offset }) {
    if (query.length > L.query) return outcome(tell("knowledge.error.queryTooLong", { max: L.query }, "warning", true));
    const q = parseQuery(query);
    const found = (await ctx.deps.repos.resources.all(ctx.community.id)).filter((r) => matches(r, q)).sort((a, b) => b.sharedAt.localeCompare(a.sharedAt) || b.id.localeCompare(a.id));
    const items = found.slice(offset, offset + PAGE);
    const next = offset + PAGE < found.length ? offset + PAGE : undefined;
    return outcome(reply(LIST_PRESENTER, { name: ctx.community.charter.name, query, items: items.map(viewOf), offset, total: found.length, ...(next ? { next } : {}) }));
  },
});

export const removeResource = command({
  verb: "knowledge.remove",
  permission: "steward",
  where: "community",
  input: z.object({ id: z.string().trim().max(20) }),
  text: { words: ["remove resource", "delete resource"], parse: (rest) => ({ id: rest }) },
  help: { usage: "help.usage.removeResource", describe: "help.cmd.removeResource" },
  async handle(ctx, { id }) {
    if (!id) return outcome(tell("knowledge.remove.which", { resources: typedParam("resources") }, "warning", true));
    const wanted = id.toUpperCase();
    const resource = /^[A-Z0-9]{4,12}$/.test(wanted) ? await ctx.deps.repos.resources.get(ctx.community.id, wanted) : undefined;
    if (!resource || (await ctx.deps.repos.resources.remove(ctx.community.id, wanted)) === "missing") return outcome(tell("knowledge.remove.missing", { id: id.slice(0, 20) }, "warning", true));
    return outcome(tell("knowledge.remove.done", { title: resource.title, id: resource.id }, "success", true));
  },
});
