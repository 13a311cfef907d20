import { RRuleTemporal } from "rrule-temporal";
import { Temporal } from "temporal-polyfill";
import type { MessageKey } from "../../i18n/index.js";

/** Rule parts a steward may use: the time of day comes from the start, so BYHOUR, BYMINUTE and BYSECOND are not among them. */
const PARTS = new Set(["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "BYWEEKNO", "BYYEARDAY", "WKST"]);
const FREQS = new Set(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]);
/** More than a year of daily occurrences: a COUNT past this cannot fit in a year. */
const MOST = 366;

export type RuleError = { key: MessageKey; params?: Record<string, string | number> };

/** The RFC 5545 form of an instant, as UNTIL wants it (UTC, no separators). */
export const untilStamp = (at: Temporal.ZonedDateTime) => at.toInstant().toString().replace(/[-:]/g, "").replace(/\.\d+/, "");

/**
 * A steward's own RRULE, checked with rrule-temporal from the start in its zone: only the parts above, FREQ
 * daily or coarser, at least one date, all of them within a year. A rule without COUNT or UNTIL is capped at
 * `lastDay` (the form's "until", or a year); the rule returned is the one stored.
 */
export function checkCustomRule(
  typed: string,
  start: Temporal.ZonedDateTime,
  lastDay: Temporal.PlainDate,
  lastAllowed: Temporal.PlainDate,
): { ok: true; rrule: string; occurrences: Temporal.ZonedDateTime[] } | { ok: false; error: RuleError } {
  const text = typed.trim().toUpperCase().replace(/^RRULE:/, "");
  const parts = text.split(";").map((p) => p.split("="));
  if (!text || parts.some((p) => p.length !== 2 || !/^[A-Z]+$/.test(p[0]!) || !/^[A-Z0-9,+-]+$/.test(p[1]!))) return { ok: false, error: { key: "events.error.rule" } };
  const unknown = parts.find(([name]) => !PARTS.has(name!));
  if (unknown) return { ok: false, error: { key: "events.error.rulePart", params: { part: unknown[0]!.slice(0, 20) } } };
  const named = new Map(parts.map(([name, value]) => [name!, value!]));
  if (!named.has("FREQ")) return { ok: false, error: { key: "events.error.rule" } };
  if (!FREQS.has(named.get("FREQ")!)) return { ok: false, error: { key: "events.error.ruleFreq" } };
  if (named.has("COUNT") && named.has("UNTIL")) return { ok: false, error: { key: "events.error.rule" } };
  if (Number(named.get("COUNT") ?? 0) > MOST) return { ok: false, error: { key: "events.error.ruleOverAYear", params: { last: lastAllowed.toString() } } };
  const endOf = (day: Temporal.PlainDate) => day.add({ days: 1 }).toZonedDateTime({ timeZone: start.timeZoneId }).subtract({ seconds: 1 });
  const capped = named.has("COUNT") || named.has("UNTIL") ? text : `${text};UNTIL=${untilStamp(endOf(lastDay))}`;
  let rule: RRuleTemporal;
  try {
    rule = new RRuleTemporal({ rruleString: capped, dtstart: start, tzid: start.timeZoneId, temporal: Temporal, strict: true });
  } catch {
    return { ok: false, error: { key: "events.error.rule" } };
  }
  const until = rule.options().until;
  if (until && Temporal.ZonedDateTime.compare(until, endOf(lastAllowed)) > 0) return { ok: false, error: { key: "events.error.ruleOverAYear", params: { last: lastAllowed.toString() } } };
  let occurrences: Temporal.ZonedDateTime[];
  try {
    occurrences = named.has("COUNT") ? rule.all() : rule.between(start, until ?? endOf(lastAllowed), true);
  } catch {
    return { ok: false, error: { key: "events.error.rule" } };
  }
  if (occurrences.length === 0) return { ok: false, error: { key: "events.error.ruleNoDate" } };
  if (Temporal.PlainDate.compare(occurrences.at(-1)!.toPlainDate(), lastAllowed) > 0) return { ok: false, error: { key: "events.error.ruleOverAYear", params: { last: lastAllowed.toString() } } };
  return { ok: true, rrule: capped, occurrences };
}
