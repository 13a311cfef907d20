import { z } from "zod";
import { isMessageKey, type MessageKey } from "../i18n/index.js";
import { Tone } from "./card.js";
import { post, reply, type Effect } from "./outcome.js";
import { md, type Param, type Words } from "./words.js";
import { typed } from "./reader.js";
import { presenter } from "./workflow.js";

/**
 * A parameter of a notice, rendered for each reader: text people typed (escaped), a number, a command
 * as the reader types it, or a catalog word in the reader's language.
 */
const NoticeParam = z.union([
  z.string(),
  z.number(),
  // `shared`: as typed in a channel, whatever the reader is in now ("add me to a channel and type …").
  z.object({ typed: z.string(), shared: z.boolean().optional() }),
  z.object({ word: z.string() }),
  z.object({ code: z.string() }),
  // An instant, shown in each reader's own zone.
  z.object({ at: z.string().datetime({ offset: true }) }),
]);
type NoticeParam = z.infer<typeof NoticeParam>;

const NoticeData = z.object({
  key: z.string().refine(isMessageKey, "a catalog key"),
  params: z.record(NoticeParam).default({}),
  tone: Tone.default("info"),
});

function param(words: Words, value: NoticeParam): Param {
  if (typeof value === "string" || typeof value === "number") return value;
  if ("typed" in value) return md(typed({ ...words.reader, personal: value.shared ? false : words.reader.personal }, value.typed));
  if ("code" in value) return md(`\`${value.code.replace(/`/g, "'")}\``);
  if ("at" in value) return words.when(value.at);
  return md(isMessageKey(value.word) ? words.t(value.word) : value.word);
}

/** One sentence from the catalog, with a glyph for its tone (never colour alone). */
export const noticePresenter = presenter({
  name: "notice",
  schema: NoticeData,
  render(data, words) {
    const params = Object.fromEntries(Object.entries(data.params).map(([k, v]) => [k, param(words, v)]));
    const text = words.t(data.key as MessageKey, params);
    return { title: "", summary: text, tone: data.tone, blocks: [{ type: "text", text, style: "default", tone: data.tone }] };
  },
});

export type NoticeParams = Record<string, NoticeParam>;
export const typedParam = (usage: string, shared = false) => ({ typed: usage, ...(shared ? { shared } : {}) });
export const wordParam = (key: MessageKey) => ({ word: key });
/** An instant, in each reader's own zone. */
export const atParam = (at: Date) => ({ at: at.toISOString() });
/** Literal code, the same for every reader (a command to type somewhere else). */
export const codeParam = (code: string) => ({ code });

/** A private notice to the asker. */
export const tell = (key: MessageKey, params: NoticeParams = {}, tone: Tone = "info", secret = false): Effect => reply("notice", { key, params, tone }, secret);
/** A notice for everyone in this space, or every space of the community. */
export const announce = (to: "space" | "community", key: MessageKey, params: NoticeParams = {}, tone: Tone = "success"): Effect =>
  post(to, "notice", { key, params, tone });
