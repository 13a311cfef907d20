import { z } from "zod";
import { tell, typedParam } from "../../kernel/notice.js";
import { checkFields, type FieldErrors, type RawValues } from "../../kernel/forms.js";
import { openForm, outcome, post, replace, reply, type Outcome } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import { errorsOf, eventForm, NEW_EVENT, parseLine, shownValues } from "./eventForm.js";
import { Answer, type CopEvent, type EventDraft } from "./model.js";
import { RSVP_VERB } from "./presenters.js";
import { dayIn, plan } from "./recurrence.js";
import { occurrenceData, scheduleReminders } from "./reminders.js";
import { beforeDefaults } from "./beforeCommands.js";
import { DEFAULT_BEFORE } from "./model.js";
import { scheduleAfter } from "./after.js";
import { answerable, nextLive, occurrenceView, refusedAnswer, shortId } from "./occurrences.js";
import { announcementCopies, refreshAnnouncement } from "./announcementCopies.js";

/** How many events the list shows. */
const LISTED = 15;
const EXAMPLE = "event Monthly call on 2027-01-14 at 15:00 Europe/Rome for 60m every month";

/** The form again, with what was typed and why it was refused: nothing is stored or scheduled. */
const refused = (values: RawValues, errors: FieldErrors): Outcome => outcome(openForm({ form: eventForm.name, values: shownValues(values), errors }));

/** Checks a draft against the clock and the calendar; stores, announces and schedules reminders when it passes. */
async function scheduleEvent(ctx: CommunityContext, draft: EventDraft, values: RawValues): Promise<Outcome> {
  const { deps, community, words, request } = ctx;
  const now = deps.clock.now();
  const checked = plan(draft, now);
  if (!checked.ok) {
    const errors: FieldErrors = Object.fromEntries(Object.entries(checked.errors).map(([field, e]) => [field, words.plain(e.key, e.params)]));
    return refused(values, errors);
  }
  const { plan: p } = checked;
  const event: CopEvent = {
    ...draft,
    until: draft.recurrence === "none" ? undefined : (draft.until ?? dayIn(p.lastAt, draft.zone)),
    id: deps.ids.newId(),
    communityId: community.id,
    rrule: p.rrule,
    firstAt: p.firstAt,
    lastAt: p.lastAt,
    createdBy: request.actor.personKey,
    createdAt: now.toISOString(),
  };
  await deps.repos.events.create(event);
  const announced = await occurrenceData(deps, event, p.firstAt);
  return outcome(
    reply("events.scheduledPrivately", { title: event.title, name: community.charter.name, eventId: event.id, short: shortId(event.id), reminders: event.reminders ?? DEFAULT_BEFORE.reminders }, true),
    post("community", "events.announcement", announced, announcementCopies(community.id, announced)),
    ...scheduleReminders(event, now),
    ...scheduleAfter(event, now),
  );
}

export const openSchedule = command({
  verb: "events.schedule.open",
  permission: "steward",
  where: "community",
  input: z.object({ line: z.string().max(1000).optional() }).passthrough(),
  text: { words: ["event", "new event", "schedule event"], parse: (rest) => ({ line: rest || undefined }) },
  help: { usage: "help.usage.event", describe: "help.cmd.event" },
  button: { label: "action.event", opensForm: true },
  async handle(ctx, { line }) {
    if (!line) return outcome(openForm({ form: eventForm.name, values: { ...NEW_EVENT, ...(await beforeDefaults(ctx)) } }));
    const parsed = parseLine(line);
    const raw = parsed && { ...(await beforeDefaults(ctx)), ...parsed };
    if (!raw) return outcome(tell("events.usage", { usage: { code: ctx.words.plain("help.usage.event") }, example: { code: EXAMPLE }, event: typedParam("event") }, "warning"));
    // The one line is checked exactly as the form is; what does not pass comes back as the form with its errors.
    const checked = checkFields(eventForm, raw, ctx.words);
    if (errorsOf(checked.errors)) return refused(raw, checked.errors);
    const converted = eventForm.toInput(checked.values, ctx.words);
    if (!converted.ok) return refused(raw, converted.errors);
    return scheduleEvent(ctx, converted.value, raw);
  },
});

export const submitSchedule = command({
  verb: "events.schedule",
  permission: "steward",
  where: "community",
  input: z.custom<EventDraft>(),
  form: eventForm,
  handle: (ctx, draft) => scheduleEvent(ctx, draft, ctx.submitted?.values ?? {}),
});

export const rsvp = command({
  verb: RSVP_VERB,
  permission: "member",
  where: "community",
  input: z.object({ event: z.string().min(1).max(100), at: z.string().datetime(), answer: Answer }),
  async handle(ctx, { event: eventId, at, answer }) {
    const { deps, community, request } = ctx;
    const stored = await deps.repos.events.get(community.id, eventId);
    if (!stored) return outcome(tell("events.notFound", {}, "warning", true));
    const event = stored.value;
    const found = answerable(event, at);
    if (!found.ok) return found.occurrence ? refusedAnswer(event, found.occurrence) : outcome(tell(found.key, {}, "warning", true));
    const { id: occurrence, at: startsAt, title } = found.occurrence;
    const now = deps.clock.now();
    if (Date.parse(startsAt) <= now.getTime()) return outcome(tell("events.over", {}, "info", true));
    await deps.repos.events.answer(community.id, { eventId, occurrence, personKey: request.actor.personKey, answer, at: now.toISOString() });
    const data = await occurrenceView(deps, event, found.occurrence);
    return outcome(
      reply("events.answered", { answer, title, at: startsAt }, true),
      replace("everyone", "events.announcement", data),
      refreshAnnouncement(community.id, data),
    );
  },
});

export const listEvents = command({
  verb: "events.list",
  permission: "member",
  where: "community",
  readOnly: true,
  input: z.object({}).passthrough(),
  text: { words: ["events", "upcoming", "upcoming events"] },
  help: { usage: "help.usage.events", describe: "help.cmd.events" },
  async handle(ctx) {
    const { deps, community } = ctx;
    const now = deps.clock.now();
    const upcoming = (await deps.repos.events.upcoming(community.id, now))
      .map((e) => ({ e, next: nextLive(e, now)?.at }))
      .filter((x): x is { e: CopEvent; next: string } => x.next !== undefined)
      .sort((a, b) => a.next.localeCompare(b.next));
    return outcome(
      reply("events.list", {
        name: community.charter.name,
        events: upcoming.slice(0, LISTED).map(({ e, next }) => ({ id: shortId(e.id), title: e.title, kind: e.kind, next, recurrence: e.recurrence, interval: e.interval })),
        omitted: Math.max(0, upcoming.length - LISTED),
        canSchedule: ctx.can("events.schedule.open"),
      }),
    );
  },
});
