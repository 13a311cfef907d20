import { Temporal } from "temporal-polyfill";
import { EVENT_LIMITS } from "./model.js";

/** The longest a reminder or the guide may go ahead of an occurrence. */
const MAX_AHEAD = Temporal.Duration.from({ days: 30 });
/** The shortest: anything nearer than this is not a reminder anyone can act on. */
const MIN_AHEAD = Temporal.Duration.from({ minutes: 5 });

const UNITS = { d: "days", h: "hours", m: "minutes" } as const;

/** One offset as people type it (`7d`, `1h`, `30m`, `1h30m`) as an ISO 8601 duration; undefined when it does not read. */
export function offsetFromText(text: string): string | undefined {
  const m = /^(?:(\d{1,2})d)?(?:(\d{1,3})h)?(?:(\d{1,4})m)?$/i.exec(text.trim());
  if (!m || !(m[1] || m[2] || m[3])) return undefined;
  const parts = { days: Number(m[1] ?? 0), hours: Number(m[2] ?? 0), minutes: Number(m[3] ?? 0) };
  const duration = Temporal.Duration.from(parts);
  const span = (d: Temporal.Duration) => d.total({ unit: "minutes", relativeTo: "2027-01-01" });
  if (span(duration) > span(MAX_AHEAD) || span(duration) < span(MIN_AHEAD)) return undefined;
  return duration.toString();
}

/** An ISO 8601 offset as people type it (`P1DT2H` → `1d2h`). */
export function offsetToText(offset: string): string {
  const d = Temporal.Duration.from(offset);
  return (Object.entries(UNITS) as Array<[string, "days" | "hours" | "minutes"]>)
    .filter(([, unit]) => d[unit] > 0)
    .map(([letter, unit]) => `${d[unit]}${letter}`)
    .join("");
}

/** How long an offset reaches ahead, in minutes (to order them; a day counts as 24 hours here). */
export const offsetMinutes = (offset: string) => Temporal.Duration.from(offset).total({ unit: "minutes", relativeTo: "2027-01-01" });

/**
 * A list of offsets as typed (`7d 1d 1h`, commas allowed), longest first and without repeats; an empty text is
 * no offsets at all. `bad` is the first token that does not read, or `tooMany` when there are too many.
 */
export function offsetsFromText(text: string, limit: number = EVENT_LIMITS.reminders): { ok: true; offsets: string[] } | { ok: false; bad?: string; tooMany?: number } {
  const tokens = text.split(/[\s,;]+/).filter(Boolean);
  const offsets: string[] = [];
  for (const token of tokens) {
    const offset = offsetFromText(token);
    if (!offset) return { ok: false, bad: token.slice(0, 20) };
    if (!offsets.includes(offset)) offsets.push(offset);
  }
  if (offsets.length > limit) return { ok: false, tooMany: limit };
  return { ok: true, offsets: offsets.sort((a, b) => offsetMinutes(b) - offsetMinutes(a)) };
}

export const offsetsToText = (offsets: readonly string[]) => offsets.map(offsetToText).join(" ");

/** An instant `offset` before an occurrence: days keep the wall-clock time in the event's zone (across DST too), hours and minutes are exact. */
export function beforeBy(occurrence: string, zone: string, offset: string): Date {
  const at = Temporal.Instant.from(occurrence).toZonedDateTimeISO(zone);
  return new Date(at.subtract(Temporal.Duration.from(offset)).epochMilliseconds);
}
