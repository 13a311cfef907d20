import { z } from "zod";
import type { Block, Card } from "../../kernel/card.js";
import { esc } from "../../kernel/text.js";
import { presenter } from "../../kernel/workflow.js";
import { md } from "../../kernel/words.js";
import { offsetsWords } from "./beforeCommands.js";
import { CANCEL_VERB, EDIT_VERB } from "./manageForms.js";
import { occurrenceBlocks, OccurrenceData } from "./presenters.js";

export const EDIT_OPEN = `${EDIT_VERB}.open`;
export const CANCEL_OPEN = `${CANCEL_VERB}.open`;

/** The private confirmation to the steward who scheduled: with how to change or cancel it, and buttons. */
export const scheduledPresenter = presenter({
  name: "events.scheduledPrivately",
  schema: z.object({ title: z.string(), name: z.string(), eventId: z.string(), short: z.string(), reminders: z.array(z.string()).default([]) }),
  render({ title, name, eventId, short, reminders }, words): Card {
    const text = words.t("events.scheduled", { title, name, reminders: md(offsetsWords(reminders, words)) });
    const hint = words.t("events.manage.hint", { edit: words.typed(`edit event ${short}`), cancel: words.typed(`cancel event ${short}`) });
    return {
      title: "",
      summary: text,
      tone: "success",
      blocks: [
        { type: "text", text, style: "default", tone: "success" },
        { type: "context", texts: [hint] },
        {
          type: "actions",
          actions: [
            { label: words.plain("events.action.edit"), verb: EDIT_OPEN, data: { event: eventId }, opensForm: true },
            { label: words.plain("events.action.cancel"), verb: CANCEL_OPEN, data: { event: eventId }, style: "danger", opensForm: true },
          ],
        },
      ],
    };
  },
});

/** A changed event in every space: what changed (one date, moved from `was`, or the series) and how it now stands. */
export const changedPresenter = presenter({
  name: "events.changed",
  schema: OccurrenceData.extend({ scope: z.enum(["occurrence", "series"]), was: z.string().optional(), personal: z.boolean().default(false) }),
  render(d, words): Card {
    const text =
      d.scope === "occurrence" ? words.t("events.changed.occurrence", { title: d.title, was: words.when(d.was ?? d.at) }) : words.t("events.changed.series", { title: d.title });
    // In a direct message its answer buttons could not work (answers belong to the community's spaces).
    const why: Block[] = d.personal ? [{ type: "context", texts: [words.t("events.cancelled.why")] }] : [];
    return { title: words.plain("events.changed.title", { title: d.title }), summary: text, blocks: [{ type: "text", text, style: "default" }, ...occurrenceBlocks(d, words).filter((b) => !d.personal || b.type !== "actions"), ...why] };
  },
});

export const CancelledData = z.object({
  title: z.string(),
  /** The cancelled date, or the series' next one. */
  at: z.string(),
  series: z.boolean(),
  message: z.string().max(500).default(""),
  /** Sent to one person who said they would come. */
  personal: z.boolean().default(false),
  /** The private answer to someone who pressed an RSVP button of it. */
  refusal: z.boolean().default(false),
});

/** A cancellation: in every space, by direct message to those who said they would come, and over a stale announcement. No RSVP buttons. */
export const cancelledPresenter = presenter({
  name: "events.cancelled",
  schema: CancelledData,
  render(d, words): Card {
    const text = d.refusal
      ? words.t("events.cancelled.answer", { title: d.title, when: words.when(d.at) })
      : d.series
        ? words.t("events.cancelled.series", { title: d.title })
        : words.t("events.cancelled.occurrence", { title: d.title, when: words.when(d.at) });
    const blocks: Block[] = [{ type: "text", text, style: "default", tone: "warning" }];
    if (d.message.trim()) blocks.push({ type: "text", text: `${words.t("events.cancelled.message")}\n${esc(d.message)}`, style: "default" });
    if (d.personal) blocks.push({ type: "context", texts: [words.t("events.cancelled.why")] });
    return { title: words.plain("events.cancelled.title", { title: d.title }), summary: text, tone: "warning", blocks };
  },
});

/** Said privately above a cancel form: which event, which date. */
export const cancelAboutPresenter = presenter({
  name: "events.cancel.about",
  schema: z.object({ title: z.string(), at: z.string(), series: z.boolean() }),
  render({ title, at, series }, words): Card {
    const text = words.t(series ? "events.cancel.aboutSeries" : "events.cancel.about", { title, when: words.when(at) });
    return { title: "", summary: text, blocks: [{ type: "text", text, style: "default" }] };
  },
});
