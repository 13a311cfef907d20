import { z } from "zod";
import { outcome, type CardRef, type Effect } from "../../kernel/outcome.js";
import { job } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { DEFAULT_BEFORE, Offset, type CopEvent } from "./model.js";
import { beforeBy } from "./offsets.js";
import type { OccurrenceData } from "./presenters.js";
import { liveOccurrences, occurrenceAt, occurrenceView, reminderStillDue, type Occurrence } from "./occurrences.js";

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
  // Each date as it now takes place (moved or not; cancelled ones left out): the reminders follow a moved date.
  const ahead = liveOccurrences(event).filter((o) => Date.parse(o.at) > now.getTime()).slice(0, OCCURRENCES_LOOKED_AT);
  for (const { at: occurrence } of ahead) {
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

/** One occurrence of an event with its answers so far, as its cards show it (`at`: its identity or its current time). */
export async function occurrenceData(deps: CoreDeps, event: CopEvent, at: string): Promise<OccurrenceData> {
  const found = occurrenceAt(event, at);
  if (!found) throw new Error(`${at} is not an occurrence of event ${event.id}`);
  return occurrenceView(deps, event, found);
}

/**
 * The occurrence a send due now is for, when it still makes sense: the date still takes place at that time
 * (not cancelled, moved or gone from the series) and has not started (the app may have been down when it fell
 * due: late is fine up to the start, never after it).
 */
function stillWorthSending(event: CopEvent, { occurrence }: ReminderPayload, now: Date): Occurrence | undefined {
  if (Date.parse(occurrence) <= now.getTime()) return undefined;
  return reminderStillDue(event, occurrence);
}

/** Those who said going or maybe, except who muted reminder messages from the community. */
async function peopleToRemind(deps: CoreDeps, event: CopEvent, occurrence: Occurrence): Promise<string[]> {
  const [answers, muted] = await Promise.all([deps.repos.events.answers(event.communityId, event.id, occurrence.id), deps.repos.events.muted(event.communityId)]);
  return answers
    .filter((a) => a.answer !== "no" && !muted.has(a.personKey))
    .map((a) => a.personKey)
    .slice(0, MOST_PEOPLE);
}

/** The cards of one send: to every space (with the RSVP buttons) and to each person (without). */
async function cardsFor(deps: CoreDeps, event: CopEvent, what: What, occurrence: Occurrence): Promise<{ spaces: CardRef; people: CardRef }> {
  const data = await occurrenceView(deps, event, occurrence);
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
    const occurrence = stillWorthSending(event, payload, now);
    if (!occurrence) return outcome(...ahead);
    const cards = await cardsFor(deps, event, payload.what, occurrence);
    const people = await peopleToRemind(deps, event, occurrence);
    const sends: Effect[] = [{ kind: "fanout", fanoutId: `reminder:${key}`, audience: { kind: "spaces", communityId: payload.communityId, except: [] }, card: cards.spaces }];
    if (people.length > 0) sends.push({ kind: "fanout", fanoutId: `reminder-dm:${key}`, audience: { kind: "people", people }, card: cards.people });
    return outcome(...sends, ...ahead);
  },
});
