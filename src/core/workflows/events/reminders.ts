import { z } from "zod";
import { outcome, type CardRef, type Effect } from "../../kernel/outcome.js";
import { job } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { DEFAULT_BEFORE, Offset, type CopEvent } from "./model.js";
import { beforeBy } from "./offsets.js";
import type { OccurrenceData } from "./presenters.js";
import { nextOccurrences, occurrencesOf } from "./recurrence.js";

export const REMINDER_JOB = "events.reminder";
/** Reminders are kept scheduled for this many occurrences ahead; each reminder that runs moves the window on. */
export const OCCURRENCES_AHEAD = 3;
/** Occurrences looked at to find that many whose sends are still ahead (offsets may reach past several). */
const OCCURRENCES_LOOKED_AT = 40;
/** A fan-out's `people` audience holds at most this many. */
const MOST_PEOPLE = 1000;

/** What goes out before an occurrence: a reminder, or the guide with the readings. */
const What = z.enum(["reminder", "guide"]);
type What = z.infer<typeof What>;

const ReminderPayload = z.object({
  communityId: z.string().min(1),
  eventId: z.string().min(1),
  occurrence: z.string().datetime(),
  offset: Offset,
  what: What.default("reminder"),
});
type ReminderPayload = z.infer<typeof ReminderPayload>;

/** One key per event, occurrence, kind and offset: scheduling it again (any instance, any time) keeps the first. */
const reminderKey = (e: Pick<CopEvent, "communityId" | "id">, occurrence: string, what: What, offset: string) =>
  `events:${e.communityId}:${e.id}:${occurrence}:${what === "guide" ? "guide:" : ""}${offset}`;

/** The sends before each occurrence: the guide when there is something to read, and each reminder. */
export function sendsBefore(event: CopEvent): Array<{ what: What; offset: string }> {
  const guide = event.guideUrl || event.readings.length > 0 ? [{ what: "guide" as const, offset: event.guideBefore ?? DEFAULT_BEFORE.guideBefore }] : [];
  return [...guide, ...(event.reminders ?? DEFAULT_BEFORE.reminders).map((offset) => ({ what: "reminder" as const, offset }))];
}

/**
 * Jobs for the sends of the next few occurrences still ahead of `now`. A guide whose time has passed goes at
 * once (it is still worth reading before the start); a reminder whose time has passed is not sent.
 */
export function scheduleReminders(event: CopEvent, now: Date): Effect[] {
  const sends = sendsBefore(event);
  const jobs: Effect[] = [];
  let occurrencesWithJobs = 0;
  for (const occurrence of nextOccurrences(event, now, OCCURRENCES_LOOKED_AT)) {
    if (occurrencesWithJobs >= OCCURRENCES_AHEAD) break;
    const due = sends
      .map(({ what, offset }) => ({ what, offset, dueAt: beforeBy(occurrence, event.zone, offset) }))
      .map((s) => (s.what === "guide" && s.dueAt <= now ? { ...s, dueAt: now } : s))
      .filter(({ dueAt }) => dueAt >= now);
    if (due.length > 0) occurrencesWithJobs += 1;
    for (const { what, offset, dueAt } of due) {
      const payload: ReminderPayload = { communityId: event.communityId, eventId: event.id, occurrence, offset, what };
      jobs.push({ kind: "schedule", job: { kind: REMINDER_JOB, key: reminderKey(event, occurrence, what, offset), dueAt, payload } });
    }
  }
  return jobs;
}

/** One occurrence of an event with its answers so far, as its cards show it. */
export async function occurrenceData(deps: CoreDeps, event: CopEvent, at: string): Promise<OccurrenceData> {
  return {
    eventId: event.id,
    title: event.title,
    kind: event.kind,
    agenda: event.agenda,
    at,
    minutes: event.minutes,
    joinUrl: event.joinUrl,
    recurrence: event.recurrence,
    until: event.recurrence === "none" ? undefined : event.until,
    interval: event.interval,
    location: event.location,
    place: event.place,
    tally: await deps.repos.events.tally(event.communityId, event.id, at),
  };
}

/**
 * Whether a send due now still makes sense: the occurrence is still one of the event's, and has not started
 * (the app may have been down when it fell due: late is fine up to the start, never after it).
 */
function worthSending(event: CopEvent, { occurrence }: ReminderPayload, now: Date): boolean {
  if (Date.parse(occurrence) <= now.getTime()) return false;
  return occurrencesOf(event).some((o) => Date.parse(o) === Date.parse(occurrence));
}

/** Those who said going or maybe, except who muted reminder messages from the community. */
async function peopleToRemind(deps: CoreDeps, event: CopEvent, occurrence: string): Promise<string[]> {
  const [answers, muted] = await Promise.all([deps.repos.events.answers(event.communityId, event.id, occurrence), deps.repos.events.muted(event.communityId)]);
  return answers
    .filter((a) => a.answer !== "no" && !muted.has(a.personKey))
    .map((a) => a.personKey)
    .slice(0, MOST_PEOPLE);
}

/** The cards of one send: to every space (with the RSVP buttons) and to each person (without). */
async function cardsFor(deps: CoreDeps, event: CopEvent, { what, occurrence }: ReminderPayload): Promise<{ spaces: CardRef; people: CardRef }> {
  const data = await occurrenceData(deps, event, occurrence);
  if (what === "guide") {
    const guide = { ...data, guideUrl: event.guideUrl, readings: event.readings };
    return { spaces: { presenter: "events.guide", data: guide }, people: { presenter: "events.guide", data: { ...guide, personal: true } } };
  }
  return { spaces: { presenter: "events.reminder", data }, people: { presenter: "events.reminder.personal", data } };
}

/**
 * Sends a reminder or the guide of one occurrence to every space of the community, and by direct message to
 * those who said going or maybe. Each fan-out is keyed by the job, so however many instances run it, it goes once.
 */
export const reminderJob = job({
  kind: REMINDER_JOB,
  schema: ReminderPayload,
  async run(payload, { deps, key }) {
    const now = deps.clock.now();
    const stored = await deps.repos.events.get(payload.communityId, payload.eventId);
    if (!stored) return outcome();
    const event = stored.value;
    const ahead = scheduleReminders(event, now);
    if (!worthSending(event, payload, now)) return outcome(...ahead);
    const cards = await cardsFor(deps, event, payload);
    const people = await peopleToRemind(deps, event, payload.occurrence);
    const sends: Effect[] = [{ kind: "fanout", fanoutId: `reminder:${key}`, audience: { kind: "spaces", communityId: payload.communityId, except: [] }, card: cards.spaces }];
    if (people.length > 0) sends.push({ kind: "fanout", fanoutId: `reminder-dm:${key}`, audience: { kind: "people", people }, card: cards.people });
    return outcome(...sends, ...ahead);
  },
});
