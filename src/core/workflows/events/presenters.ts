import { z } from "zod";
import type { Block, Card, CardAction } from "../../kernel/card.js";
import { esc } from "../../kernel/text.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import { ANSWERS, EventKind, Location, Recurrence, type Answer } from "./model.js";

const Tally = z.object({ going: z.number().int().nonnegative(), maybe: z.number().int().nonnegative(), no: z.number().int().nonnegative() });

/** One occurrence of an event as every card about it shows it. */
export const OccurrenceData = z.object({
  eventId: z.string(),
  title: z.string(),
  kind: EventKind,
  agenda: z.string().default(""),
  /** The occurrence (UTC). */
  at: z.string(),
  /** Its identity when it was moved: the original instant its answers are kept under. */
  occurrence: z.string().optional(),
  minutes: z.number().int().positive(),
  joinUrl: z.string().optional(),
  /** The event's calendar file (.ics), when the app knows its own address. */
  calendarUrl: z.string().url().optional(),
  recurrence: Recurrence,
  until: z.string().optional(),
  /** Every how many weeks (recurrence `weeks`). */
  interval: z.number().int().positive().optional(),
  location: Location.default("online"),
  place: z.string().optional(),
  tally: Tally,
});
export type OccurrenceData = z.infer<typeof OccurrenceData>;

export const RSVP_VERB = "events.rsvp";
/** Sends the event's calendar file to whoever presses it (src/core/workflows/events/calendar.ts). */
export const CALENDAR_FILE_VERB = "events.calendar.file";

const when = (d: OccurrenceData, words: Words) => md(words.t("events.when", { when: words.when(d.at), minutes: d.minutes }));
const kindWord = (d: Pick<OccurrenceData, "kind">, words: Words) => md(words.t(`events.kind.${d.kind}`));

function rsvpButtons(d: OccurrenceData, words: Words): Block {
  const actions: CardAction[] = ANSWERS.map((answer: Answer) => ({
    label: words.plain(`events.answer.${answer}`),
    verb: RSVP_VERB,
    data: { event: d.eventId, at: d.occurrence ?? d.at, answer },
    style: answer === "going" ? ("primary" as const) : undefined,
    opensForm: false,
  }));
  actions.push({ label: words.plain("events.calendarFile"), verb: CALENDAR_FILE_VERB, data: { event: d.eventId }, opensForm: false });
  return { type: "actions", actions };
}

/** How a series repeats, in words ("Every 3 weeks"). */
export const repeatsWords = (d: { recurrence: Recurrence; interval?: number }, words: Words): string =>
  d.recurrence === "weeks" ? words.t("events.repeats.weeks", { n: d.interval ?? 1 }) : d.recurrence === "custom" ? words.t("events.repeats.custom") : words.t(`events.recurrence.${d.recurrence}`);

/** Where an occurrence is held, when it is in person. */
export const whereFacts = (d: Pick<OccurrenceData, "location" | "place">, words: Words) =>
  d.location === "inPerson" ? [{ label: words.plain("events.fact.where"), value: words.t("events.where.inPerson", { place: d.place ?? "" }) }] : [];

/** The facts, repetition, agenda and join link of an occurrence. */
export function aboutBlocks(d: OccurrenceData, words: Words): Block[] {
  const blocks: Block[] = [
    {
      type: "facts",
      facts: [
        { label: words.plain("events.fact.kind"), value: words.t(`events.kind.${d.kind}`) },
        { label: words.plain("events.fact.when"), value: words.t("events.when", { when: words.when(d.at), minutes: d.minutes }) },
        ...whereFacts(d, words),
      ],
    },
  ];
  if (d.recurrence !== "none" && d.until) blocks.push({ type: "text", text: words.t("events.repeats", { recurrence: md(repeatsWords(d, words)), until: d.until }), style: "subtle" });
  if (d.agenda) blocks.push({ type: "text", text: `${words.t("events.agenda")}\n${esc(d.agenda)}`, style: "default" });
  if (d.joinUrl) blocks.push({ type: "text", text: words.t("events.join", { url: md(d.joinUrl.replace(/[()\s]/g, encodeURIComponent)) }), style: "default" });
  if (d.calendarUrl) blocks.push({ type: "text", text: words.t("events.calendar", { url: md(d.calendarUrl) }), style: "default" });
  return blocks;
}

/** An occurrence with its answers counted and its RSVP buttons. */
export function occurrenceBlocks(d: OccurrenceData, words: Words): Block[] {
  const blocks = aboutBlocks(d, words);
  blocks.push({ type: "context", texts: [words.t("events.tally", { going: words.count(d.tally.going), maybe: words.count(d.tally.maybe), no: words.count(d.tally.no) })] });
  blocks.push(rsvpButtons(d, words));
  return blocks;
}

/** The announcement of an event in every space of its community, with answers counted in place. */
export const announcementPresenter = presenter({
  name: "events.announcement",
  schema: OccurrenceData,
  render(d, words): Card {
    return { title: d.title, summary: words.t("events.summary", { kind: kindWord(d, words), title: d.title, when: when(d, words) }), blocks: occurrenceBlocks(d, words) };
  },
});

/** A reminder before an occurrence: when it starts (in each reader's zone), the link, and the answers so far. */
export const reminderPresenter = presenter({
  name: "events.reminder",
  schema: OccurrenceData,
  render(d, words): Card {
    const text = words.t("events.reminder.text", { title: d.title, when: words.when(d.at) });
    return { title: words.plain("events.reminder.title", { title: d.title }), summary: text, blocks: [{ type: "text", text, style: "default" }, ...occurrenceBlocks(d, words)] };
  },
});

export const ListData = z.object({
  name: z.string(),
  events: z.array(z.object({ id: z.string().optional(), title: z.string(), kind: EventKind, next: z.string(), recurrence: Recurrence, interval: z.number().int().positive().optional() })),
  omitted: z.number().int().nonnegative().default(0),
  canSchedule: z.boolean().default(false),
});

/** The community's upcoming events, soonest first. */
export const listPresenter = presenter({
  name: "events.list",
  schema: ListData,
  render({ name, events, omitted, canSchedule }, words): Card {
    const title = words.plain("events.list.title", { name });
    const items = events.map((e) =>
      (e.recurrence === "none"
        ? words.t("events.list.item", { title: e.title, kind: kindWord(e, words), when: words.when(e.next) })
        : words.t("events.list.itemRepeats", { title: e.title, kind: kindWord(e, words), when: words.when(e.next), recurrence: md(repeatsWords(e, words)) })
      ).concat(e.id ? ` · ${words.t("events.list.id", { id: md(`\`${e.id}\``) })}` : ""),
    );
    const blocks: Block[] = [{ type: "list", heading: "", items, omitted, empty: words.t("events.list.empty") }];
    if (canSchedule) blocks.push({ type: "context", texts: [words.t("events.list.hint", { event: words.typed("event") })] });
    return { title, summary: title, blocks };
  },
});

/** The private answer to whoever pressed an RSVP button. */
export const answeredPresenter = presenter({
  name: "events.answered",
  schema: z.object({ answer: z.enum(ANSWERS), title: z.string(), at: z.string() }),
  render({ answer, title, at }, words): Card {
    const text = words.t(`events.answered.${answer}`, { title, when: words.when(at) });
    return { title: "", summary: text, tone: "success", blocks: [{ type: "text", text, style: "default", tone: "success" }] };
  },
});
