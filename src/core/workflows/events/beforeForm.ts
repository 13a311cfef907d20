import type { CheckedValues, FieldErrors, FieldSpec, RawValues } from "../../kernel/forms.js";
import type { Words } from "../../kernel/words.js";
import { offsetFromText, offsetsFromText, offsetsToText, offsetToText } from "./offsets.js";
import { EVENT_KINDS, EVENT_LIMITS, LOCATIONS, type BeforeSettings, type EventDraft, type EventKind, type Recurrence } from "./model.js";

/** The schedule form's fields for how often the event repeats, beyond the choice itself. */
export const REPEAT_FIELDS: readonly FieldSpec[] = [
  { name: "interval", kind: "number", label: "events.field.interval", hint: "events.field.interval.hint", min: EVENT_LIMITS.weeks.min, max: EVENT_LIMITS.weeks.max },
  { name: "rule", kind: "shortText", label: "events.field.rule", hint: "events.field.rule.hint", placeholder: "events.field.rule.placeholder", max: EVENT_LIMITS.rule },
];

/** The schedule form's fields for where the event is, what is read before it and when reminders go. */
export const BEFORE_FIELDS: readonly FieldSpec[] = [
  { name: "location", kind: "choice", label: "events.field.location", choices: LOCATIONS.map((l) => ({ value: l, label: `events.location.${l}` as const })) },
  { name: "place", kind: "shortText", label: "events.field.place", hint: "events.field.place.hint", max: EVENT_LIMITS.place },
  { name: "guideUrl", kind: "url", label: "events.field.guideUrl", hint: "events.field.guideUrl.hint", max: EVENT_LIMITS.url },
  { name: "readings", kind: "longText", label: "events.field.readings", hint: "events.field.readings.hint", lines: EVENT_LIMITS.readings, max: EVENT_LIMITS.url },
  { name: "reminders", kind: "shortText", label: "events.field.reminders", hint: "events.field.reminders.hint", max: 60 },
  { name: "guideBefore", kind: "shortText", label: "events.field.guideBefore", hint: "events.field.guideBefore.hint", max: 12 },
];

/** What these fields hold before anyone types: the community's reminder settings. */
export const beforeValues = (settings: BeforeSettings): RawValues => ({
  location: "online",
  reminders: offsetsToText(settings.reminders),
  guideBefore: offsetToText(settings.guideBefore),
});

const isHttps = (text: string) => {
  try {
    return new URL(text).protocol === "https:";
  } catch {
    return false;
  }
};

type BeforeDraft = Pick<EventDraft, "location" | "place" | "guideUrl" | "readings" | "interval" | "rule" | "reminders" | "guideBefore">;

/** These fields' checked values as part of the draft, or their field errors (cross-field rules included). */
export function beforeInput(values: CheckedValues, words: Words): { ok: true; value: BeforeDraft } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const text = (name: string) => (typeof values[name] === "string" && values[name] !== "" ? (values[name] as string) : undefined);
  const recurrence = (text("recurrence") ?? "none") as Recurrence;
  const location = text("location") === "inPerson" ? "inPerson" : "online";
  const place = text("place");
  if (location === "inPerson" && !place) errors.place = words.plain("events.error.place");
  const guideUrl = text("guideUrl");
  if (guideUrl && !isHttps(guideUrl)) errors.guideUrl = words.plain("events.error.https");
  const readings = Array.isArray(values.readings) ? values.readings : [];
  const badReading = readings.find((r) => !isHttps(r));
  if (badReading) errors.readings = words.plain("events.error.reading", { line: badReading.slice(0, 60) });
  const interval = typeof values.interval === "number" ? values.interval : undefined;
  if (recurrence === "weeks" && interval === undefined) errors.interval = words.plain("form.error.required");
  const rule = text("rule");
  if (recurrence === "custom" && !rule) errors.rule = words.plain("form.error.required");
  const reminders = offsetsFromText(text("reminders") ?? "");
  if (!reminders.ok) errors.reminders = reminders.bad ? words.plain("events.error.offset", { offset: reminders.bad }) : words.plain("events.error.offsets", { max: reminders.tooMany ?? 0 });
  const guideText = text("guideBefore");
  const guideBefore = guideText ? offsetFromText(guideText) : undefined;
  if (guideText && !guideBefore) errors.guideBefore = words.plain("events.error.offset", { offset: guideText.slice(0, 20) });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      location,
      place: location === "inPerson" ? place : undefined,
      guideUrl,
      readings,
      interval: recurrence === "weeks" ? interval : undefined,
      rule: recurrence === "custom" ? rule : undefined,
      reminders: reminders.ok ? reminders.offsets : [],
      guideBefore,
    },
  };
}

const KIND = new RegExp(`^(?<kind>${EVENT_KINDS.join("|")})\\s*:\\s*(?<title>.+)$`, "i");

/**
 * The one-line grammar's extras: a kind before the title (`webinar: Data plans on …`) and `every N weeks`
 * (1: weekly, 2: every other week, 3–8: every N weeks; more is the interval field's error).
 */
export function parseKindAndRepeat(title: string, repeat: string | undefined): { title: string; kind?: EventKind; recurrence?: Recurrence; interval?: string } {
  const kind = KIND.exec(title.trim())?.groups;
  const weeks = repeat ? /^every\s+(\d{1,2})\s+weeks$/i.exec(repeat.trim())?.[1] : undefined;
  const n = weeks === undefined ? undefined : Number(weeks);
  const recurrence: Recurrence | undefined = n === undefined ? undefined : n === 1 ? "weekly" : n === 2 ? "biweekly" : "weeks";
  return {
    title: kind?.title ?? title,
    kind: kind?.kind?.toLowerCase() as EventKind | undefined,
    recurrence,
    interval: recurrence === "weeks" ? String(n) : undefined,
  };
}
