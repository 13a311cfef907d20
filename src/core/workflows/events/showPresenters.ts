import { z } from "zod";
import type { Block, Card, CardAction } from "../../kernel/card.js";
import { esc } from "../../kernel/text.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import { ActionItem } from "./afterModel.js";
import { ATTENDANCE_OPEN, FOLLOW_UP_OPEN, followUpBlocks } from "./afterPresenters.js";
import { DRAFT_OPEN } from "../drafts/notesForm.js";
import { ANSWERS, EventKind, Recurrence } from "./model.js";
import { repeatsWords } from "./presenters.js";

/** The verbs another part of the events workflow provides for one occurrence (shown only when they exist). */
export const EDIT_OPEN = "events.edit.open";
export const CANCEL_OPEN = "events.cancel.open";
/** Names shown per answer before "and N more". */
const NAMES_SHOWN = 40;

const Tally = z.object({ going: z.number().int().nonnegative(), maybe: z.number().int().nonnegative(), no: z.number().int().nonnegative() });
const Names = z.object({ going: z.array(z.string()), maybe: z.array(z.string()), no: z.array(z.string()) });
const Occurrence = z.object({ at: z.string(), tally: Tally, names: Names.optional() });

export const EventData = z.object({
  id: z.string(),
  shortId: z.string(),
  title: z.string(),
  kind: EventKind,
  minutes: z.number().int().positive(),
  recurrence: Recurrence,
  interval: z.number().int().positive().optional(),
  until: z.string().optional(),
  next: Occurrence.optional(),
  last: Occurrence.extend({
    attendance: z.object({ count: z.number().int().nonnegative(), names: z.array(z.string()).optional() }).optional(),
    followUp: z
      .object({
        discussed: z.string(),
        decisions: z.array(z.string()).default([]),
        actions: z.array(ActionItem).default([]),
        resources: z.array(z.string()).default([]),
        recording: z.string().optional(),
        slides: z.string().optional(),
        nextSteps: z.string().default(""),
      })
      .optional(),
  }).optional(),
  /** Buttons the reader may press (each only when its command exists and they may run it). */
  can: z.object({ edit: z.boolean(), cancel: z.boolean(), after: z.boolean() }).default({ edit: false, cancel: false, after: false }),
});
export type EventData = z.infer<typeof EventData>;

const people = (names: string[], words: Words) => {
  if (names.length === 0) return "—";
  const shown = names.slice(0, NAMES_SHOWN).map(esc);
  return names.length > NAMES_SHOWN ? words.t("events.show.andMore", { names: md(shown.join(", ")), more: names.length - NAMES_SHOWN }) : words.and(shown);
};

/** Answers: names for stewards (who plan with them), counts for everyone else. */
function answers(o: z.infer<typeof Occurrence>, words: Words): string {
  const { names } = o;
  if (!names) return words.t("events.tally", { going: words.count(o.tally.going), maybe: words.count(o.tally.maybe), no: words.count(o.tally.no) });
  return ANSWERS.map((a) => words.t("events.show.named", { answer: md(words.t(`events.answer.${a}`)), count: names[a].length, names: md(people(names[a], words)) })).join("\n");
}

/** One event: its next occurrence with its answers, its last with attendance and follow-up. */
export const eventPresenter = presenter({
  name: "events.show",
  schema: EventData,
  render(d, words): Card {
    const facts = [
      { label: words.plain("events.fact.kind"), value: words.t(`events.kind.${d.kind}`) },
      { label: words.plain("events.show.id"), value: `\`${d.shortId}\`` },
      ...(d.next ? [{ label: words.plain("events.show.next"), value: words.t("events.when", { when: words.when(d.next.at), minutes: d.minutes }) }] : []),
    ];
    const blocks: Block[] = [{ type: "facts", facts }];
    if (d.recurrence !== "none" && d.until) blocks.push({ type: "text", text: words.t("events.repeats", { recurrence: md(repeatsWords(d, words)), until: d.until }), style: "subtle" });
    const args = (at: string) => ({ event: d.id, at });
    if (d.next) {
      blocks.push({ type: "text", text: `${words.t("events.show.nextHeading", { when: words.when(d.next.at) })}\n${answers(d.next, words)}`, style: "default" });
      const next: CardAction[] = [];
      if (d.can.edit) next.push({ label: words.plain("events.show.edit"), verb: EDIT_OPEN, data: args(d.next.at), opensForm: true });
      if (d.can.cancel) next.push({ label: words.plain("events.show.cancel"), verb: CANCEL_OPEN, data: args(d.next.at), style: "danger", opensForm: true });
      if (next.length) blocks.push({ type: "actions", actions: next });
    }
    if (d.last) {
      const attendance = d.last.attendance
        ? words.t("events.show.attended", { count: d.last.attendance.count, names: md(d.last.attendance.names ? `: ${people(d.last.attendance.names, words)}` : "") })
        : words.t("events.show.noAttendance");
      blocks.push({ type: "text", text: `${words.t("events.show.lastHeading", { when: words.when(d.last.at) })}\n${answers(d.last, words)}\n${attendance}`, style: "default" });
      if (d.last.followUp) blocks.push({ type: "text", text: words.t("events.show.followUpHeading"), style: "heading" }, ...followUpBlocks(d.last.followUp, words));
      else blocks.push({ type: "context", texts: [words.t("events.show.noFollowUp")] });
      if (d.can.after) {
        blocks.push({
          type: "actions",
          actions: [
            { label: words.plain("events.after.ask.attendance"), verb: ATTENDANCE_OPEN, data: args(d.last.at), opensForm: true },
            { label: words.plain(d.last.followUp ? "events.show.editFollowUp" : "events.after.ask.followUp"), verb: FOLLOW_UP_OPEN, data: args(d.last.at), opensForm: true },
            // Kept only where drafting is configured: the asker's card keeps the buttons they can run, and without it there is no such command.
            ...(d.last.followUp ? [] : [{ label: words.plain("drafts.ask.button"), verb: DRAFT_OPEN, data: args(d.last.at), opensForm: true }]),
          ],
        });
      }
    }
    if (!d.next && !d.last) blocks.push({ type: "context", texts: [words.t("events.show.noDates")] });
    const summary = words.t("events.show.summary", { title: d.title, kind: md(words.t(`events.kind.${d.kind}`)) });
    return { title: d.title, summary, blocks };
  },
});

export const PastData = z.object({
  name: z.string(),
  items: z.array(z.object({ shortId: z.string(), title: z.string(), at: z.string(), followUp: z.boolean() })),
  omitted: z.number().int().nonnegative().default(0),
});

/** Recent past occurrences, latest first, with whether each has its follow-up. */
export const pastPresenter = presenter({
  name: "events.past",
  schema: PastData,
  render({ name, items, omitted }, words): Card {
    const title = words.plain("events.past.title", { name });
    const lines = items.map((i) => words.t(i.followUp ? "events.past.item" : "events.past.itemNoFollowUp", { title: i.title, when: words.when(i.at), id: md(`\`${i.shortId}\``) }));
    return { title, summary: title, blocks: [{ type: "list", heading: "", items: lines, omitted, empty: words.t("events.past.empty") }, { type: "context", texts: [words.t("events.past.hint", { show: words.typed("event ID") })] }] };
  },
});
