import { z } from "zod";
import type { Block, Card } from "../../kernel/card.js";
import { ORIGIN } from "../../kernel/origin.js";
import { esc } from "../../kernel/text.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import { ActionItem } from "./afterModel.js";
import { DRAFT_OPEN } from "../drafts/notesForm.js";

export const ASK_PRESENTER = "events.after.ask";
export const FOLLOW_UP_PRESENTER = "events.followUp";
export const ATTENDANCE_OPEN = "events.attendance.open";
export const FOLLOW_UP_OPEN = "events.followUp.open";

const Tally = z.object({ going: z.number().int().nonnegative(), maybe: z.number().int().nonnegative(), no: z.number().int().nonnegative() });

/** A link people typed, as neutral markdown: its address shown (escaped) and made safe to follow. */
export const linkTo = (url: string) => `[${esc(url)}](${url.replace(/[()\s]/g, encodeURIComponent)})`;

/** The private ask to the event's steward when an occurrence has ended; its buttons carry the community (sealed to them). */
export const askPresenter = presenter({
  name: ASK_PRESENTER,
  // `draft`: a model is configured to draft the follow-up from notes (its button is absent otherwise).
  schema: z.object({ eventId: z.string(), title: z.string(), at: z.string(), tally: Tally, origin: z.string().optional(), draft: z.boolean().default(false) }),
  render(d, words): Card {
    const title = words.plain("events.after.ask.title", { title: d.title });
    const text = words.t("events.after.ask.text", { title: d.title, when: words.when(d.at) });
    const data = { event: d.eventId, at: d.at, ...(d.origin ? { [ORIGIN]: d.origin } : {}) };
    return {
      title,
      summary: text,
      blocks: [
        { type: "text", text, style: "default" },
        { type: "context", texts: [words.t("events.tally", { going: words.count(d.tally.going), maybe: words.count(d.tally.maybe), no: words.count(d.tally.no) })] },
        {
          type: "actions",
          actions: [
            { label: words.plain("events.after.ask.attendance"), verb: ATTENDANCE_OPEN, data, opensForm: true },
            { label: words.plain("events.after.ask.followUp"), verb: FOLLOW_UP_OPEN, data, style: "primary", opensForm: true },
            ...(d.draft ? [{ label: words.plain("drafts.ask.button"), verb: DRAFT_OPEN, data, opensForm: true }] : []),
          ],
        },
      ],
    };
  },
});

export const FollowUpData = z.object({
  eventId: z.string(),
  title: z.string(),
  at: z.string(),
  discussed: z.string(),
  decisions: z.array(z.string()).default([]),
  actions: z.array(ActionItem).default([]),
  resources: z.array(z.string()).default([]),
  recording: z.string().optional(),
  slides: z.string().optional(),
  nextSteps: z.string().default(""),
  updated: z.boolean().default(false),
  /** Sent to someone who said they would come and was not there. */
  missed: z.boolean().default(false),
});
export type FollowUpData = z.infer<typeof FollowUpData>;

/** The follow-up's content blocks (the posted card, and the event card's archive). */
export function followUpBlocks(d: Omit<FollowUpData, "eventId" | "title" | "at" | "updated" | "missed">, words: Words): Block[] {
  const blocks: Block[] = [{ type: "text", text: `${words.t("events.followUp.discussed")}\n${esc(d.discussed)}`, style: "default" }];
  const list = (heading: string, items: string[]) => {
    if (items.length) blocks.push({ type: "list", heading, items, omitted: 0, empty: "" });
  };
  list(words.plain("events.followUp.decisions"), d.decisions.map(esc));
  list(words.plain("events.followUp.actions"), d.actions.map((a) => words.t("events.followUp.action", { owner: a.owner, action: a.action })));
  list(words.plain("events.followUp.resources"), d.resources.map(linkTo));
  const links = [d.recording && words.t("events.followUp.recording", { link: md(linkTo(d.recording)) }), d.slides && words.t("events.followUp.slides", { link: md(linkTo(d.slides)) })].filter((l): l is string => !!l);
  if (links.length) blocks.push({ type: "text", text: links.join("\n"), style: "default" });
  if (d.nextSteps) blocks.push({ type: "text", text: `${words.t("events.followUp.nextSteps")}\n${esc(d.nextSteps)}`, style: "default" });
  return blocks;
}

/** The follow-up summary, posted to every space and sent to those who missed the event. */
export const followUpPresenter = presenter({
  name: FOLLOW_UP_PRESENTER,
  schema: FollowUpData,
  render(d, words): Card {
    const title = words.plain("events.followUp.title", { title: d.title });
    const lead = words.t(d.missed ? "events.followUp.missed" : "events.followUp.lead", { title: d.title, when: words.when(d.at) });
    const blocks: Block[] = [{ type: "text", text: lead, style: "default" }, ...followUpBlocks(d, words)];
    if (d.updated) blocks.push({ type: "context", texts: [words.t("events.followUp.updated")] });
    return { title, summary: lead, blocks };
  },
});

/** The private answer to the steward who confirmed attendance. */
export const attendanceSavedPresenter = presenter({
  name: "events.attendance.saved",
  schema: z.object({ title: z.string(), at: z.string(), names: z.array(z.string()), others: z.number().int().nonnegative(), replaced: z.boolean() }),
  render(d, words): Card {
    const text = words.t(d.replaced ? "events.attendance.replaced" : "events.attendance.saved", { title: d.title, when: words.when(d.at), count: d.names.length + d.others });
    const who = d.names.length ? [words.t("events.attendance.who", { names: md(words.and(d.names.map(esc))), others: d.others })] : [];
    return { title: "", summary: text, tone: "success", blocks: [{ type: "text", text, style: "default", tone: "success" }, ...who.map((t) => ({ type: "text" as const, text: t, style: "subtle" as const }))] };
  },
});

/** The private answer to the steward who posted the follow-up. */
export const followUpPostedPresenter = presenter({
  name: "events.followUp.posted",
  schema: z.object({ title: z.string(), updated: z.boolean() }),
  render(d, words): Card {
    const text = words.t(d.updated ? "events.followUp.repostedNotice" : "events.followUp.postedNotice", { title: d.title });
    return { title: "", summary: text, tone: "success", blocks: [{ type: "text", text, style: "default", tone: "success" }] };
  },
});
