import { RRuleTemporal } from "rrule-temporal";
import { Temporal } from "temporal-polyfill";
import type { MessageKey } from "../../i18n/index.js";
import { checkCustomRule, untilStamp } from "./customRule.js";
import type { CopEvent, EventDraft, Recurrence } from "./model.js";

/** A field's error as a catalog key, turned into words by whoever shows the form. */
export type PlanErrors = Partial<Record<"start" | "until" | "recurrence" | "rule", { key: MessageKey; params?: Record<string, string | number> }>>;

export interface Plan {
  rrule?: string;
  firstAt: string;
  lastAt: string;
  /** Every occurrence (UTC ISO), at most a year of them. */
  occurrences: string[];
}

const RULES: Record<Exclude<Recurrence, "none" | "custom">, (start: Temporal.ZonedDateTime, draft: EventDraft) => string> = {
  weekly: () => "FREQ=WEEKLY",
  biweekly: () => "FREQ=WEEKLY;INTERVAL=2",
  weeks: (_start, draft) => `FREQ=WEEKLY;INTERVAL=${draft.interval ?? 1}`,
  // The same weekday of the month as the start (2nd Thursday); a 5th one becomes the last, which every month has.
  monthly: (start) => {
    const nth = Math.ceil(start.day / 7);
    return `FREQ=MONTHLY;BYDAY=${nth === 5 ? -1 : nth}${["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.dayOfWeek - 1]}`;
  },
};

/** The wall-clock start in its zone; undefined for a zone Temporal does not know. */
export function zonedStart(start: string, zone: string): Temporal.ZonedDateTime | undefined {
  try {
    // A time skipped by a DST change moves forward, as calendars do ("compatible").
    return Temporal.PlainDateTime.from(start).toZonedDateTime(zone);
  } catch {
    return undefined;
  }
}

const utc = (at: Temporal.ZonedDateTime) => at.toInstant().toString();

/** The last day a series may reach: one year after its start, less a day. */
const lastAllowedDay = (start: Temporal.ZonedDateTime) => start.toPlainDate().add({ years: 1 }).subtract({ days: 1 });

/**
 * Checks a draft against the calendar and the clock: a start in the future in a known zone, and a series
 * that yields at least one date and at most a year of them. Nothing is stored or scheduled on errors.
 */
export function plan(draft: EventDraft, now: Date): { ok: true; plan: Plan } | { ok: false; errors: PlanErrors } {
  const start = zonedStart(draft.start, draft.zone);
  if (!start) return { ok: false, errors: { start: { key: "form.error.zone", params: { zone: draft.zone.slice(0, 64) } } } };
  if (start.epochMilliseconds <= now.getTime()) return { ok: false, errors: { start: { key: "events.error.past" } } };
  if (draft.recurrence === "none") return { ok: true, plan: { firstAt: utc(start), lastAt: utc(start), occurrences: [utc(start)] } };
  const until = draft.until ? Temporal.PlainDate.from(draft.until) : lastAllowedDay(start);
  if (Temporal.PlainDate.compare(until, start.toPlainDate()) < 0) return { ok: false, errors: { until: { key: "events.error.noDate" } } };
  if (Temporal.PlainDate.compare(until, lastAllowedDay(start)) > 0) return { ok: false, errors: { until: { key: "events.error.overAYear", params: { last: lastAllowedDay(start).toString() } } } };
  if (draft.recurrence === "custom") {
    const custom = checkCustomRule(draft.rule ?? "", start, until, lastAllowedDay(start));
    if (!custom.ok) return { ok: false, errors: { rule: custom.error } };
    const occurrences = custom.occurrences.map(utc);
    return { ok: true, plan: { rrule: custom.rrule, firstAt: occurrences[0]!, lastAt: occurrences.at(-1)!, occurrences } };
  }
  // The end of the last allowed day in the event's zone, as RFC 5545 wants it: in UTC.
  const end = until.add({ days: 1 }).toZonedDateTime({ timeZone: draft.zone }).subtract({ seconds: 1 });
  const rrule = `${RULES[draft.recurrence](start, draft)};UNTIL=${untilStamp(end)}`;
  const occurrences = occurrencesOf({ start: draft.start, zone: draft.zone, rrule });
  if (occurrences.length === 0) return { ok: false, errors: { until: { key: "events.error.noDate" } } };
  return { ok: true, plan: { rrule, firstAt: occurrences[0]!, lastAt: occurrences.at(-1)!, occurrences } };
}

/** Every occurrence of an event (UTC ISO instants), the rule applied in its own zone so DST keeps its wall time. */
export function occurrencesOf(event: Pick<CopEvent, "start" | "zone" | "rrule">): string[] {
  const start = zonedStart(event.start, event.zone);
  if (!start) return [];
  if (!event.rrule) return [utc(start)];
  const rule = new RRuleTemporal({ rruleString: event.rrule, dtstart: start, tzid: event.zone, temporal: Temporal });
  return rule.all().map(utc);
}

/** The occurrences still to come after `now`, soonest first. */
export const nextOccurrences = (event: Pick<CopEvent, "start" | "zone" | "rrule">, now: Date, limit: number): string[] =>
  occurrencesOf(event)
    .filter((at) => Date.parse(at) > now.getTime())
    .slice(0, limit);

/** An instant `offset` before an occurrence: a day before keeps the wall-clock time in the event's zone (across DST too). */
export function before(occurrence: string, zone: string, offset: "P1D" | "PT1H"): Date {
  const at = Temporal.Instant.from(occurrence).toZonedDateTimeISO(zone);
  return new Date((offset === "P1D" ? at.subtract({ days: 1 }) : at.subtract({ hours: 1 })).epochMilliseconds);
}

/** The calendar day of an instant in a zone (YYYY-MM-DD). */
export const dayIn = (at: string, zone: string): string => Temporal.Instant.from(at).toZonedDateTimeISO(zone).toPlainDate().toString();
