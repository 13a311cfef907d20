import { Temporal } from "temporal-polyfill";
import type { Effect } from "../../kernel/outcome.js";
import type { CoreDeps } from "../../ports.js";
import { DigestSchedule, WEEKDAYS, type ScheduleChoice } from "./model.js";

export const DIGEST_JOB = "summaries.digest";

/** Whether a zone is one the calendar knows. */
export function knownZone(zone: string): boolean {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/** The first instant after `now` that falls on the schedule's weekday and local time, in its zone. */
export function firstAfter(s: Pick<DigestSchedule, "day" | "time" | "zone">, now: Date): Date {
  const here = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(s.zone);
  const want = WEEKDAYS.indexOf(s.day) + 1;
  const day = here.toPlainDate().add({ days: (want - here.dayOfWeek + 7) % 7 });
  const at = onDay(s, day);
  return at.getTime() > now.getTime() ? at : onDay(s, day.add({ weeks: 1 }));
}

/**
 * The occurrence after `dueAt` (N weeks on, at the schedule's own local time across DST), and never one already
 * past `now`. Each date gets the schedule's time afresh: a run moved by a skipped hour does not move the next ones.
 */
export function nextAfter(s: Pick<DigestSchedule, "cadenceWeeks" | "time" | "zone">, dueAt: Date, now: Date): Date {
  let day = Temporal.Instant.fromEpochMilliseconds(dueAt.getTime()).toZonedDateTimeISO(s.zone).toPlainDate().add({ weeks: s.cadenceWeeks });
  while (onDay(s, day).getTime() <= now.getTime()) day = day.add({ weeks: s.cadenceWeeks });
  return onDay(s, day);
}

/** The schedule's local time on a date in its zone (a time the clocks skip that day comes an hour later, that day only). */
function onDay(s: Pick<DigestSchedule, "time" | "zone">, day: Temporal.PlainDate): Date {
  const [hour, minute] = s.time.split(":").map(Number) as [number, number];
  return new Date(day.toZonedDateTime({ timeZone: s.zone, plainTime: new Temporal.PlainTime(hour, minute) }).epochMilliseconds);
}

/** A digest that fell due while the app was down still goes out the same local day; later than that it is skipped. */
export function sameLocalDay(zone: string, a: Date, b: Date): boolean {
  const day = (d: Date) => Temporal.Instant.fromEpochMilliseconds(d.getTime()).toZonedDateTimeISO(zone).toPlainDate().toString();
  return day(a) === day(b);
}

/** One key per community, series and instant: however many instances schedule or run it, the digest goes once. */
export function scheduleDigest(communityId: string, series: string, at: Date): Effect {
  return { kind: "schedule", job: { kind: DIGEST_JOB, key: `summaries:${communityId}:digest:${series}:${at.toISOString()}`, dueAt: at, payload: { communityId, series } } };
}

/**
 * Sets a community's digest schedule (stewards' commands and forms, the programme plan): saved at the ETag read,
 * with a new series, so a run scheduled under the old one does nothing. Returns the first digest's instant when
 * it is on, and the effect that schedules it: the caller returns it, or passes it to `deps.jobs.schedule`.
 * `startingAt` lets the first digest be at that very instant (a plan's digest step, run when it comes due).
 */
export async function setDigestSchedule(
  deps: Pick<CoreDeps, "repos" | "clock">,
  communityId: string,
  choice: ScheduleChoice,
  by?: string,
  startingAt?: Date,
): Promise<{ schedule: DigestSchedule; first?: Date; effect?: Effect }> {
  const stored = await deps.repos.summaries.schedule(communityId);
  const now = deps.clock.now();
  const first = choice.on ? firstAfter(choice, startingAt ? new Date(startingAt.getTime() - 1) : now) : undefined;
  const schedule = DigestSchedule.parse({ ...stored?.value, ...choice, series: first ? first.toISOString() : "", updatedAt: now.toISOString(), ...(by ? { updatedBy: by } : {}) });
  await deps.repos.summaries.saveSchedule(communityId, schedule, stored?.etag);
  return { schedule, first, effect: first ? scheduleDigest(communityId, schedule.series, first) : undefined };
}
