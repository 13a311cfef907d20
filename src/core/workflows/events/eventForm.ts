import type { CheckedValues, FieldErrors, FieldSpec, FormSpec, RawValues } from "../../kernel/forms.js";
import { EVENT_KINDS, EVENT_LIMITS, EventDraft, RECURRENCES, type EventKind, type Recurrence } from "./model.js";
import { BEFORE_FIELDS, REPEAT_FIELDS, beforeInput, parseKindAndRepeat } from "./beforeForm.js";

const FIELDS: readonly FieldSpec[] = [
  { name: "title", kind: "shortText", label: "events.field.title", placeholder: "events.field.title.placeholder", required: true, max: EVENT_LIMITS.title },
  { name: "kind", kind: "choice", label: "events.field.kind", required: true, choices: EVENT_KINDS.map((k) => ({ value: k, label: `events.kind.${k}` as const })) },
  { name: "agenda", kind: "longText", label: "events.field.agenda", max: EVENT_LIMITS.agenda },
  { name: "start", kind: "dateTime", label: "events.field.start", hint: "events.field.start.hint", required: true },
  { name: "minutes", kind: "number", label: "events.field.minutes", required: true, min: EVENT_LIMITS.minutes.min, max: EVENT_LIMITS.minutes.max },
  { name: "joinUrl", kind: "url", label: "events.field.joinUrl", hint: "events.field.joinUrl.hint", max: EVENT_LIMITS.url },
  ...BEFORE_FIELDS,
  { name: "recurrence", kind: "choice", label: "events.field.recurrence", hint: "events.field.recurrence.hint", required: true, choices: RECURRENCES.map((r) => ({ value: r, label: `events.recurrence.${r}` as const })) },
  ...REPEAT_FIELDS,
  { name: "until", kind: "date", label: "events.field.until", hint: "events.field.until.hint" },
];

/** What a new form holds before anyone types. */
export const NEW_EVENT: RawValues = { kind: "meeting", minutes: "60", recurrence: "none" };

export const eventForm: FormSpec<EventDraft> = {
  name: "events.schedule",
  verb: "events.schedule",
  title: "events.form.title",
  submit: "events.form.submit",
  intro: "events.form.intro",
  opener: "events.schedule.open",
  fields: FIELDS,
  toInput(values: CheckedValues, words) {
    const text = (name: string) => (values[name] === undefined ? undefined : String(values[name]));
    const joinUrl = text("joinUrl");
    // The kernel's URL kind allows http: a join link must be https.
    if (joinUrl && !joinUrl.toLowerCase().startsWith("https://")) return { ok: false, errors: { joinUrl: words.plain("events.error.https") } };
    const more = beforeInput(values, words);
    if (!more.ok) return more;
    return {
      ok: true,
      value: EventDraft.parse({
        ...more.value,
        title: text("title"),
        kind: text("kind") as EventKind,
        agenda: text("agenda") ?? "",
        start: text("start"),
        zone: text("start.zone"),
        minutes: values.minutes,
        joinUrl,
        recurrence: text("recurrence") as Recurrence,
        until: (values.recurrence ?? "none") === "none" ? undefined : text("until"),
      }),
    };
  },
};

/** The date-time as one value too, so a form shown again with errors keeps what was typed in its parts. */
export function shownValues(values: RawValues): RawValues {
  const part = (name: string) => (typeof values[`start.${name}`] === "string" ? (values[`start.${name}`] as string).trim() : "");
  return part("date") ? { ...values, start: `${part("date")}T${part("time").slice(0, 5)}` } : values;
}

export const errorsOf = (errors: FieldErrors) => Object.keys(errors).length > 0;

const REPEATS: Array<[RegExp, Recurrence]> = [
  [/^(every week|weekly)$/i, "weekly"],
  [/^(every (2|two|other) weeks?|biweekly|fortnightly)$/i, "biweekly"],
  [/^(every month|monthly)$/i, "monthly"],
];

/**
 * The one-line grammar, as the help documents it:
 * `[KIND:] TITLE on YYYY-MM-DD at HH:MM [ZONE] [for 60m|90 minutes|2h] [every week|every N weeks|every month] [until YYYY-MM-DD] [https://LINK]`.
 * Returns the form's raw values (checked as the form's are), or undefined when the line does not read that way.
 */
export function parseLine(line: string): RawValues | undefined {
  const m =
    /^(?<title>.+?)\s+on\s+(?<date>\d{4}-\d{2}-\d{2})\s+at\s+(?<time>\d{1,2}:\d{2})(?:\s+(?<zone>(?!for\s|every\s|until\s|weekly|monthly|biweekly|fortnightly|https?:)[A-Za-z][\w+\-/]*))?(?:\s+for\s+(?<length>\d{1,4})\s*(?<unit>m|mins?|minutes?|h|hours?))?(?:\s+(?<repeat>every\s+(?:week|\d{1,2}\s+weeks|two\s+weeks|other\s+week|month)|weekly|biweekly|fortnightly|monthly))?(?:\s+until\s+(?<until>\d{4}-\d{2}-\d{2}))?(?:\s+(?<link>\S+:\S+))?$/i.exec(
      line.trim(),
    );
  if (!m?.groups) return undefined;
  const g = m.groups;
  const more = parseKindAndRepeat(g.title!, g.repeat);
  const minutes = g.length ? Number(g.length) * (g.unit?.toLowerCase().startsWith("h") ? 60 : 1) : 60;
  const repeat = g.repeat ? REPEATS.find(([re]) => re.test(g.repeat!.replace(/\s+/g, " ")))?.[1] : undefined;
  const time = g.time!.padStart(5, "0");
  return {
    title: more.title,
    kind: more.kind ?? "meeting",
    start: `${g.date}T${time}`,
    "start.date": g.date!,
    "start.time": time,
    ...(g.zone ? { "start.zone": g.zone } : {}),
    minutes: String(minutes),
    joinUrl: g.link ?? "",
    recurrence: more.recurrence ?? repeat ?? "none",
    ...(more.interval ? { interval: more.interval } : {}),
    until: g.until ?? "",
  };
}
