import { DateTime, IANAZone } from "luxon";
import type { PlacedStep, PlanFile, PlanStep } from "./model.js";

export const isZone = (zone: string) => IANAZone.isValidZone(zone);

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const NTH: Record<string, number> = { "1st": 1, "2nd": 2, "3rd": 3, "4th": 4 };

/** The day a step falls on in its month: its day of the month, its weekday rule, or the start's day. */
function dayOf(step: PlanStep, month: DateTime, startDay: number): DateTime {
  if (step.day !== undefined) return month.set({ day: step.day });
  if (step.weekday) {
    const [nth = "1st", name = "monday"] = step.weekday.split(" ");
    const weekday = WEEKDAYS.indexOf(name) + 1;
    if (nth === "last") {
      const last = month.endOf("month").startOf("day");
      return last.minus({ days: (last.weekday - weekday + 7) % 7 });
    }
    const first = month.startOf("month");
    return first.plus({ days: (weekday - first.weekday + 7) % 7 + 7 * ((NTH[nth] ?? 1) - 1) });
  }
  return month.set({ day: Math.min(startDay, month.daysInMonth ?? 28) });
}

/**
 * Every step at its instant: month N is the start's month moved on N-1 months, read in the plan's zone (or an
 * event's own), so a 15:00 webinar stays at 15:00 on the wall clock across a change to or from summer time.
 */
export function placeSteps(plan: PlanFile, start: string, zone: string): PlacedStep[] {
  const [y, m, d] = start.split("-").map(Number) as [number, number, number];
  return plan.steps
    .map((step, index) => {
      const stepZone = step.kind === "event" && step.zone ? step.zone : zone;
      const month = DateTime.fromObject({ year: y, month: m, day: 1 }, { zone: stepZone }).plus({ months: step.month - 1 });
      const [hour, minute] = step.time.split(":").map(Number) as [number, number];
      const at = dayOf(step, month, d).set({ hour, minute, second: 0, millisecond: 0 });
      return { index, at: at.toUTC().toISO({ suppressMilliseconds: true })!, step };
    })
    .sort((a, b) => a.at.localeCompare(b.at) || a.index - b.index);
}

/** The wall-clock start of an event step (YYYY-MM-DDTHH:MM in its zone), as the events workflow takes it. */
export const localStart = (at: string, zone: string) => DateTime.fromISO(at, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
