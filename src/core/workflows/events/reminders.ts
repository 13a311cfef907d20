import { z } from "zod";
import { outcome, type Effect } from "../../kernel/outcome.js";
import { job } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { calendarUrl } from "./calendar.js";
import type { CopEvent } from "./model.js";
import type { OccurrenceData } from "./presenters.js";
import { before, nextOccurrences } from "./recurrence.js";

export const REMINDER_JOB = "events.reminder";
/** Reminders are kept scheduled for this many occurrences ahead; each reminder that runs moves the window on. */
export const OCCURRENCES_AHEAD = 3;
const OFFSETS = ["P1D", "PT1H"] as const;

const ReminderPayload = z.object({
  communityId: z.string().min(1),
  eventId: z.string().min(1),
  occurrence: z.string().datetime(),
  offset: z.enum(OFFSETS),
});

/** One key per event, occurrence and offset: scheduling it again (any instance, any time) keeps the first. */
const reminderKey = (e: Pick<CopEvent, "communityId" | "id">, occurrence: string, offset: string) => `events:${e.communityId}:${e.id}:${occurrence}:${offset}`;

/** Reminder jobs for the next few occurrences, for each offset still ahead of `now`. */
export function scheduleReminders(event: CopEvent, now: Date): Effect[] {
  return nextOccurrences(event, now, OCCURRENCES_AHEAD).flatMap((occurrence) =>
    OFFSETS.map((offset) => ({ offset, dueAt: before(occurrence, event.zone, offset) }))
      .filter(({ dueAt }) => dueAt > now)
      .map(({ offset, dueAt }): Effect => ({
        kind: "schedule",
        job: { kind: REMINDER_JOB, key: reminderKey(event, occurrence, offset), dueAt, payload: { communityId: event.communityId, eventId: event.id, occurrence, offset } },
      })),
  );
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
    calendarUrl: await calendarUrl(deps, event),
    recurrence: event.recurrence,
    until: event.recurrence === "none" ? undefined : event.until,
    tally: await deps.repos.events.tally(event.communityId, event.id, at),
  };
}

/**
 * Posts a reminder to every space of the community. One that runs after the occurrence started (the app was
 * down when it fell due) sends nothing: a reminder is never late news.
 */
export const reminderJob = job({
  kind: REMINDER_JOB,
  schema: ReminderPayload,
  async run({ communityId, eventId, occurrence }, { deps, key }) {
    const now = deps.clock.now();
    const stored = await deps.repos.events.get(communityId, eventId);
    if (!stored) return outcome();
    const event = stored.value;
    const ahead = scheduleReminders(event, now);
    if (Date.parse(occurrence) <= now.getTime()) return outcome(...ahead);
    const card = { presenter: "events.reminder", data: await occurrenceData(deps, event, occurrence) };
    return outcome({ kind: "fanout", fanoutId: `reminder:${key}`, audience: { kind: "spaces", communityId, except: [] }, card }, ...ahead);
  },
});
