import { z } from "zod";
import type { Block, Card } from "../../kernel/card.js";
import { esc } from "../../kernel/text.js";
import { md, type Md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import { ResourceSource } from "./model.js";

export const LIST_VERB = "knowledge.resources";
export const SHARED_PRESENTER = "knowledge.shared";
export const LIST_PRESENTER = "knowledge.list";
export const DUPLICATE_PRESENTER = "knowledge.duplicate";

/** A link target as neutral markdown takes it: nothing in it may end the link or the line. */
const target = (url: string): Md => md(url.replace(/[()\s|<>]/g, encodeURIComponent));
const tagLine = (tags: readonly string[]) => tags.map((t) => `#${t}`).join(" ");

/** What a post and a list line show of a resource. */
const ResourceView = z.object({
  id: z.string(),
  url: z.string().url(),
  title: z.string(),
  tags: z.array(z.string()),
  note: z.string().default(""),
  source: ResourceSource,
  author: z.string().optional(),
  /** Who shared it, by name (empty: unknown). */
  who: z.string(),
  at: z.string().datetime(),
});
type ResourceView = z.infer<typeof ResourceView>;

const whoOf = (v: ResourceView, words: Words) => v.who || words.plain("knowledge.someone");

/** A short note in every space: who shared what (a saved message: whose), with its tags. */
export const sharedPresenter = presenter({
  name: SHARED_PRESENTER,
  schema: ResourceView,
  render(v, words): Card {
    const who = whoOf(v, words);
    const line =
      v.source === "message"
        ? words.t(v.author ? "knowledge.shared.message" : "knowledge.shared.messageNoAuthor", { who, author: v.author ?? "", url: target(v.url), title: v.title })
        : words.t("knowledge.shared.line", { who, title: v.title, url: target(v.url) });
    const blocks: Block[] = [{ type: "text", text: line, style: "default" }];
    const context = [v.tags.length ? words.t("knowledge.tags", { tags: tagLine(v.tags) }) : "", v.note && v.source !== "message" ? esc(v.note) : ""].filter(Boolean);
    if (context.length) blocks.push({ type: "context", texts: context });
    return { title: "", summary: words.t("knowledge.shared.summary", { who, title: v.title }), blocks };
  },
});

const ListData = z.object({
  name: z.string(),
  query: z.string().default(""),
  items: z.array(ResourceView),
  /** Where this page starts among all that matched, and how many matched. */
  offset: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** The next page's offset, when there is one. */
  next: z.number().int().positive().optional(),
});

function itemLine(v: ResourceView, words: Words): string {
  const id = md(`\`${v.id}\``);
  const when = words.when(v.at);
  const who = whoOf(v, words);
  const by =
    v.source === "message" && v.author
      ? words.t("knowledge.list.byMessage", { id, author: v.author, who, when })
      : v.source === "followUp"
        ? words.t("knowledge.list.byFollowUp", { id, event: v.author ?? "", when })
        : words.t("knowledge.list.by", { id, who, when });
  const head = words.t("knowledge.list.item", { title: v.title, url: target(v.url), tags: tagLine(v.tags) }).trimEnd();
  const note = v.note ? `\n${esc(v.note.length > 200 ? `${[...v.note].slice(0, 200).join("")}…` : v.note)}` : "";
  return `${head}\n${by}${note}`;
}

/** A page of the library (newest first), or of what a search found, with a button for the next page. */
export const listPresenter = presenter({
  name: LIST_PRESENTER,
  schema: ListData,
  render(d, words): Card {
    const title = d.query ? words.plain("knowledge.list.titleSearch", { name: d.name, query: d.query }) : words.plain("knowledge.list.title", { name: d.name });
    const empty = d.query ? words.t("knowledge.list.none", { query: d.query }) : words.t("knowledge.list.empty", { share: words.typed("share URL") });
    const blocks: Block[] = [{ type: "list", heading: "", items: d.items.map((v) => itemLine(v, words)), omitted: 0, empty }];
    const context = [words.t("knowledge.list.hint", { search: words.typed("resources #TAG"), share: words.typed("share URL") })];
    if (d.total > 0) context.unshift(words.t("knowledge.list.page", { from: words.count(d.offset + 1), to: words.count(d.offset + d.items.length), total: words.count(d.total) }));
    blocks.push({ type: "context", texts: context });
    if (d.next !== undefined) blocks.push({ type: "actions", actions: [{ label: words.plain("knowledge.list.more"), verb: LIST_VERB, data: { query: d.query, offset: d.next }, opensForm: false }] });
    return { title, summary: words.t("knowledge.list.summary", { count: d.total, name: d.name }), blocks };
  },
});

/** The private answer to a link (or message) the library has already: which entry, who put it there, when. */
export const duplicatePresenter = presenter({
  name: DUPLICATE_PRESENTER,
  schema: ResourceView,
  render(v, words): Card {
    const text = words.t(v.source === "message" ? "knowledge.duplicateMessage" : "knowledge.duplicate", { title: v.title, id: md(`\`${v.id}\``), who: whoOf(v, words), when: words.when(v.at) });
    return { title: "", summary: text, tone: "info", blocks: [{ type: "text", text, style: "default", tone: "info" }] };
  },
});
