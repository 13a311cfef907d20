import { Temporal } from "temporal-polyfill";
import type { MessageKey } from "../../i18n/index.js";
import { outcome, replace, reply, type Outcome } from "../../kernel/outcome.js";
import type { CoreDeps, Versioned } from "../../ports.js";
import type { CopEvent, EventKind, OccurrenceChange } from "./model.js";
import type { OccurrenceData } from "./presenters.js";
import { calendarUrl } from "./calendar.js";
import { occurrencesOf } from "./recurrence.js";

/**
 * One occurrence as it now stands: `id` is its original instant (what answers and reminders are keyed by,
 * like iCalendar RECURRENCE-ID), `at` when it takes place now (moved or not).
 */
export interface Occurrence {
  id: string;
  at: string;
  minutes: number;
  title: string;
  kind: EventKind;
  agenda: string;
  joinUrl?: string;
  cancelled: boolean;
}

const same = (a: string, b: string) => Date.parse(a) === Date.parse(b);

export const changeOf = (event: CopEvent, id: string): OccurrenceChange | undefined => event.changes?.find((c) => same(c.at, id));

/** Every occurrence of the rule with its own changes applied (cancelled ones included, marked), soonest first. */
export function occurrencesNow(event: CopEvent): Occurrence[] {
  return occurrencesOf(event)
    .map((id): Occurrence => {
      const c = changeOf(event, id);
      return {
        id,
        at: c?.start ?? id,
        minutes: c?.minutes ?? event.minutes,
        title: c?.title ?? event.title,
        kind: c?.kind ?? event.kind,
        agenda: c?.agenda ?? event.agenda,
        joinUrl: c?.joinUrl ?? event.joinUrl,
        cancelled: Boolean(event.cancelled || c?.cancelled),
      };
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The occurrences that still take place. */
export const liveOccurrences = (event: CopEvent): Occurrence[] => occurrencesNow(event).filter((o) => !o.cancelled);

/** The next occurrence that still takes place after `now`. */
export const nextLive = (event: CopEvent, now: Date): Occurrence | undefined => liveOccurrences(event).find((o) => Date.parse(o.at) > now.getTime());

/** An occurrence by its identity (the original instant), cancelled or not. */
export const occurrenceById = (event: CopEvent, id: string): Occurrence | undefined => occurrencesNow(event).find((o) => same(o.id, id));

/** An occurrence by its identity, or else by when it now takes place (a card that shows the moved time). */
export const occurrenceAt = (event: CopEvent, at: string): Occurrence | undefined => occurrenceById(event, at) ?? occurrencesNow(event).find((o) => same(o.at, at));

/**
 * What an answer (RSVP) for `id` meets: the occurrence, or why not (cancelled, not one of the event's).
 * The caller says "no longer exists" for an event that is gone.
 */
export function answerable(event: CopEvent, id: string): { ok: true; occurrence: Occurrence } | { ok: false; key: MessageKey; occurrence?: Occurrence } {
  const occurrence = occurrenceAt(event, id);
  if (!occurrence) return { ok: false, key: "events.notAnOccurrence" };
  if (occurrence.cancelled) return { ok: false, key: "events.cancelled.answer", occurrence };
  return { ok: true, occurrence };
}

/**
 * Whether a reminder for the occurrence starting at `at` should still go out: the event and that occurrence
 * still take place there. A reminder for a cancelled occurrence, one that was moved (it gets its own, at the
 * new time) or one a series edit removed sends nothing.
 */
export const reminderStillDue = (event: CopEvent, at: string): Occurrence | undefined => liveOccurrences(event).find((o) => same(o.at, at));

/** One occurrence as its cards show it, with its answers (counted by its identity) and its buttons keyed by it. */
export async function occurrenceView(deps: CoreDeps, event: CopEvent, o: Occurrence): Promise<OccurrenceData> {
  return {
    eventId: event.id,
    title: o.title,
    kind: o.kind,
    agenda: o.agenda,
    at: o.at,
    occurrence: o.id,
    minutes: o.minutes,
    joinUrl: o.joinUrl,
    calendarUrl: await calendarUrl(deps, event),
    recurrence: event.recurrence,
    until: event.recurrence === "none" ? undefined : event.until,
    interval: event.interval,
    location: event.location,
    place: event.place,
    tally: await deps.repos.events.tally(event.communityId, event.id, o.id),
  };
}

/** An instant as wall-clock date and time in a zone (YYYY-MM-DDTHH:MM), as the form shows it. */
export const localIn = (at: string, zone: string): string => Temporal.Instant.from(at).toZonedDateTimeISO(zone).toPlainDateTime().toString().slice(0, 16);

/** A short id people can type (`edit event 3f2a9c1b`); the full id is what buttons carry. */
export const shortId = (id: string): string => (id.length <= 12 ? id : id.slice(0, 8));

/**
 * The event a typed id names: the one with that id, or the only one whose id starts with it (4 characters at
 * least), among every event of the community or (with `from`) those with a date at or after it.
 */
export async function eventByTypedId(deps: CoreDeps, communityId: string, typed: string, from?: Date): Promise<Versioned<CopEvent> | "none" | "several"> {
  const exact = await deps.repos.events.get(communityId, typed);
  if (exact) return exact;
  if (typed.length < 4) return "none";
  const lower = typed.toLowerCase();
  const events = from ? await deps.repos.events.upcoming(communityId, from) : await deps.repos.events.all(communityId);
  const matches = events.filter((e) => e.id.toLowerCase().startsWith(lower));
  if (matches.length > 1) return "several";
  return (matches[0] && (await deps.repos.events.get(communityId, matches[0].id))) ?? "none";
}

/**
 * An answer to a cancelled date or series: a private "nothing to answer", and the card it was pressed on
 * shows the cancellation to everyone, without its buttons.
 */
export function refusedAnswer(event: CopEvent, o: Occurrence): Outcome {
  const notice = { title: o.title, at: o.at, series: Boolean(event.cancelled) && event.recurrence !== "none" };
  return outcome(reply("events.cancelled", { ...notice, refusal: true }, true), replace("everyone", "events.cancelled", notice));
}
