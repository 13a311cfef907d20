import { Temporal } from "temporal-polyfill";
import type { FieldSpec, FormSpec, RawValues } from "../../kernel/forms.js";
import { eventForm } from "./eventForm.js";
import { DEFAULT_BEFORE, type CopEvent, type EventDraft } from "./model.js";
import { localIn, type Occurrence } from "./occurrences.js";
import { occurrencesOf } from "./recurrence.js";
import { offsetsToText, offsetToText } from "./offsets.js";

export const EDIT_VERB = "events.edit";
export const CANCEL_VERB = "events.cancel";
export type Scope = "occurrence" | "series";

const scopeField = (label: "events.field.scope" | "events.field.cancelScope", hint?: "events.field.scope.hint"): FieldSpec => ({
  name: "scope",
  kind: "choice",
  label,
  ...(hint ? { hint } : {}),
  required: true,
  choices: [
    { value: "occurrence", label: "events.scope.occurrence" },
    { value: "series", label: "events.scope.series" },
  ],
});
const scopeOf = (value: unknown): Scope => (value === "occurrence" ? "occurrence" : "series");

export interface EditInput {
  scope: Scope;
  draft: EventDraft;
}

/** The schedule form's fields and checks, with a scope choice when one date of a series is edited. */
function editForm(name: string, fields: readonly FieldSpec[]): FormSpec<EditInput> {
  return {
    name,
    verb: EDIT_VERB,
    opener: `${EDIT_VERB}.open`,
    title: "events.edit.title",
    submit: "events.edit.submit",
    intro: "events.edit.intro",
    fields,
    toInput(values, words) {
      const converted = eventForm.toInput(values, words);
      return converted.ok ? { ok: true, value: { scope: scopeOf(values.scope), draft: converted.value } } : converted;
    },
  };
}
export const editSeriesForm = editForm("events.edit", eventForm.fields);
export const editOccurrenceForm = editForm("events.edit.occurrence", [scopeField("events.field.scope", "events.field.scope.hint"), ...eventForm.fields]);

export interface CancelInput {
  scope: Scope;
  message: string;
}
const MESSAGE: FieldSpec = { name: "message", kind: "longText", label: "events.field.cancelMessage", hint: "events.field.cancelMessage.hint", max: 500 };

function cancelForm(name: string, fields: readonly FieldSpec[]): FormSpec<CancelInput> {
  return {
    name,
    verb: CANCEL_VERB,
    opener: `${CANCEL_VERB}.open`,
    title: "events.cancel.title",
    submit: "events.cancel.submit",
    intro: "events.cancel.intro",
    fields,
    toInput: (values) => ({ ok: true, value: { scope: scopeOf(values.scope), message: typeof values.message === "string" ? values.message : "" } }),
  };
}
export const cancelSeriesForm = cancelForm("events.cancel", [MESSAGE]);
export const cancelOccurrenceForm = cancelForm("events.cancel.occurrence", [scopeField("events.field.cancelScope"), MESSAGE]);

/**
 * Where a series edit starts from: its first date while that is still ahead, else its next date (dates
 * already past are over and stay as they were). Undefined when none is left.
 */
export function seriesBase(event: CopEvent, now: Date): string | undefined {
  const next = occurrencesOf(event).find((at) => Date.parse(at) > now.getTime());
  if (!next) return undefined;
  return Date.parse(occurrencesOf(event)[0]!) > now.getTime() ? event.start : localIn(next, event.zone);
}

/** The edit form filled in with what is stored: one date's own values, or the series' from `base`. */
export function valuesOf(event: CopEvent, occurrence: Occurrence | undefined, base: string): RawValues {
  return {
    ...(occurrence ? { scope: "occurrence" } : {}),
    title: occurrence?.title ?? event.title,
    kind: occurrence?.kind ?? event.kind,
    agenda: occurrence?.agenda ?? event.agenda,
    start: base,
    "start.zone": event.zone,
    minutes: String(occurrence?.minutes ?? event.minutes),
    joinUrl: (occurrence ? occurrence.joinUrl : event.joinUrl) ?? "",
    recurrence: event.recurrence,
    until: event.until ?? "",
    location: event.location,
    place: event.place ?? "",
    guideUrl: event.guideUrl ?? "",
    readings: event.readings.join("\n"),
    interval: event.interval === undefined ? "" : String(event.interval),
    rule: event.rule ?? "",
    reminders: offsetsToText(event.reminders ?? DEFAULT_BEFORE.reminders),
    guideBefore: offsetToText(event.guideBefore ?? DEFAULT_BEFORE.guideBefore),
  };
}

/**
 * The series' new start: its own start moved by as much as the person moved the date they were shown
 * (wall-clock time, so a series edited from one of its dates keeps the others in step).
 */
export function shiftedStart(seriesStart: string, shown: string, typed: string): string {
  const moved = Temporal.PlainDateTime.from(typed).since(Temporal.PlainDateTime.from(shown));
  return Temporal.PlainDateTime.from(seriesStart).add(moved).toString().slice(0, 16);
}
