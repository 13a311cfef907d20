import { z } from "zod";
import type { Block, Card } from "../../kernel/card.js";
import { esc } from "../../kernel/text.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import { aboutBlocks, occurrenceBlocks, OccurrenceData } from "./presenters.js";

/** A link as neutral markdown's link target (no spaces or parentheses to end it early). */
const target = (url: string) => md(url.replace(/[()\s]/g, encodeURIComponent));

/** Why a person got a direct message, how to change their answer and how to stop these. */
const personalContext = (words: Words): Block => ({
  type: "context",
  texts: [words.t("events.personal.answer"), words.t("events.personal.why", { mute: words.typed("mute reminders") })],
});

export const GuideData = OccurrenceData.extend({
  guideUrl: z.string().optional(),
  readings: z.array(z.string()).default([]),
  /** A direct message: no RSVP buttons (they belong to the channel's card). */
  personal: z.boolean().default(false),
});

/** The guide and readings, sent before an occurrence to the spaces and to those going. */
export const guidePresenter = presenter({
  name: "events.guide",
  schema: GuideData,
  render(d, words): Card {
    const intro = words.t("events.guide.text", { title: d.title, when: words.when(d.at) });
    const blocks: Block[] = [{ type: "text", text: intro, style: "default" }];
    if (d.guideUrl) blocks.push({ type: "text", text: words.t("events.guide.link", { url: target(d.guideUrl) }), style: "default" });
    if (d.readings.length > 0) blocks.push({ type: "list", heading: words.t("events.guide.readings"), items: d.readings.map((r) => `[${esc(r)}](${target(r).text})`), omitted: 0, empty: "" });
    blocks.push(...(d.personal ? [...aboutBlocks(d, words), personalContext(words)] : occurrenceBlocks(d, words)));
    return { title: words.plain("events.guide.title", { title: d.title }), summary: intro, blocks };
  },
});

/** A reminder by direct message: when it starts (in the reader's zone), where, the link; no buttons. */
export const personalReminderPresenter = presenter({
  name: "events.reminder.personal",
  schema: OccurrenceData,
  render(d, words): Card {
    const text = words.t("events.reminder.text", { title: d.title, when: words.when(d.at) });
    return { title: words.plain("events.reminder.title", { title: d.title }), summary: text, blocks: [{ type: "text", text, style: "default" }, ...aboutBlocks(d, words), personalContext(words)] };
  },
});
