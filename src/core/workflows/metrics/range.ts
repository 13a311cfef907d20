import { Temporal } from "temporal-polyfill";
import type { Period } from "./model.js";

/** A report's range: whole days (UTC) from `from` to `to`, both included. */
export interface Range {
  from: string;
  to: string;
}
export const MAX_MONTHS = 24;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;

function date(text: string, end: boolean): string | undefined {
  try {
    if (DAY.test(text)) return Temporal.PlainDate.from(text, { overflow: "reject" }).toString();
    if (MONTH.test(text)) {
      const month = Temporal.PlainYearMonth.from(text, { overflow: "reject" });
      return (end ? month.toPlainDate({ day: month.daysInMonth }) : month.toPlainDate({ day: 1 })).toString();
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * `[FROM] [TO]` as typed (YYYY-MM-DD or YYYY-MM; a month means its first day as FROM, its last as TO): by default
 * the last 12 months to today, FROM alone runs to today. undefined when it does not read as a range.
 */
export function parseRange(text: string, now: Date): Range | undefined {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  if (parts.length > 2) return undefined;
  const today = now.toISOString().slice(0, 10);
  const yearAgo = Temporal.PlainDate.from(today).subtract({ months: 11 }).with({ day: 1 }).toString();
  const from = parts[0] ? date(parts[0], false) : yearAgo;
  const to = parts[1] ? date(parts[1], true) : today;
  if (!from || !to || from > to) return undefined;
  if (monthsOf({ from, to }).length > MAX_MONTHS) return undefined;
  return { from, to };
}

/** The months a range touches. */
export function monthsOf(range: Range): Period[] {
  const out: Period[] = [];
  let m = Temporal.PlainYearMonth.from(range.from.slice(0, 7));
  const last = Temporal.PlainYearMonth.from(range.to.slice(0, 7));
  while (Temporal.PlainYearMonth.compare(m, last) <= 0 && out.length <= MAX_MONTHS) {
    out.push(m.toString() as Period);
    m = m.add({ months: 1 });
  }
  return out;
}

/** The same number of months just before. */
export function monthsBefore(months: Period[]): Period[] {
  if (months.length === 0) return [];
  const first = Temporal.PlainYearMonth.from(months[0]!);
  return months.map((_, i) => first.subtract({ months: months.length - i }).toString() as Period);
}

export const startOf = (range: Range) => new Date(`${range.from}T00:00:00.000Z`);
/** The instant just after the range's last day. */
export const endOf = (range: Range) => new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 86_400_000);
