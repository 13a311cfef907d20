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
  const [hour, minute] = s.time.split(":").map(Number) as [number, number];
  const want = WEEKDAYS.indexOf(s.day) + 1;
  let at = here.with({ hour, minute, second: 0, millisecond: 0, microsecond: 0, nanosecond: 0 }).add({ days: (want - here.dayOfWeek + 7) % 7 });
  if (at.epochMilliseconds <= now.getTime()) at = at.add({ weeks: 1 });
  return new Date(at.epochMilliseconds);
}

/** The occurrence after `dueAt` (N weeks on, same local time across DST), and never one already past `now`. */
export function nextAfter(s: Pick<DigestSchedule, "cadenceWeeks" | "zone">, dueAt: Date, now: Date): Date {
  let at = Temporal.Instant.fromEpochMilliseconds(dueAt.getTime()).toZonedDateTimeISO(s.zone).add({ weeks: s.cadenceWeeks });
  while (at.epochMilliseconds <= now.getTime()) at = at.add({ weeks: s.cadenceWeeks });
  return new Date(at.epochMilliseconds);
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
 */
export async function setDigestSchedule(
  deps: Pick<CoreDeps, "repos" | "clock">,
  communityId: string,
  choice: ScheduleChoice,
  by?: string,
): Promise<{ schedule: DigestSchedule; first?: Date; effect?: Effect }> {
  const stored = await deps.repos.summaries.schedule(communityId);
  const now = deps.clock.now();
  const first = choice.on ? firstAfter(choice, now) : undefined;
  const schedule = DigestSchedule.parse({ ...stored?.value, ...choice, series: first ? first.toISOString() : "", updatedAt: now.toISOString(), ...(by ? { updatedBy: by } : {}) });
  await deps.repos.summaries.saveSchedule(communityId, schedule, stored?.etag);
  return { schedule, first, effect: first ? scheduleDigest(communityId, schedule.series, first) : undefined };
}
