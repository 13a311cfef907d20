import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import type { CheckedValues, FieldSpec, FormSpec, RawValues } from "../../kernel/forms.js";
import { AUDIENCES, SURVEY_LIMITS, VISIBILITIES, Visibility } from "./model.js";
import { TEMPLATES } from "./templates.js";

/** What a steward asked for in the form, before the deadline is checked against the clock. */
export const SurveyDraft = z.object({
  template: z.string().min(1),
  title: z.string().trim().min(1).max(SURVEY_LIMITS.title),
  anonymous: z.boolean(),
  visibility: Visibility,
  /** Wall-clock deadline (YYYY-MM-DDTHH:MM) in `zone`. */
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/),
  zone: z.string().min(1).max(64),
  /** Who is asked; for an event's attendees or RSVPs, which event (its typed id) and date. */
  audience: z.enum(AUDIENCES).default("community"),
  event: z.string().trim().max(100).default(""),
  eventDate: z.string().max(10).default(""),
});
export type SurveyDraft = z.infer<typeof SurveyDraft>;

const FIELDS: readonly FieldSpec[] = [
  { name: "template", kind: "choice", label: "surveys.field.template", required: true, choices: TEMPLATES.map((t) => ({ value: t.id, label: t.name })) },
  { name: "title", kind: "shortText", label: "surveys.field.title", placeholder: "surveys.field.title.placeholder", required: true, max: SURVEY_LIMITS.title },
  {
    name: "privacy",
    kind: "choice",
    label: "surveys.field.privacy",
    required: true,
    choices: [
      { value: "anonymous", label: "surveys.privacy.anonymous" },
      { value: "named", label: "surveys.privacy.named" },
    ],
  },
  { name: "visibility", kind: "choice", label: "surveys.field.visibility", required: true, choices: VISIBILITIES.map((v) => ({ value: v, label: `surveys.visibility.${v}` as const })) },
  { name: "deadline", kind: "dateTime", label: "surveys.field.deadline", hint: "surveys.field.deadline.hint", required: true },
  { name: "audience", kind: "choice", label: "surveys.field.audience", required: true, choices: AUDIENCES.map((a) => ({ value: a, label: `surveys.audience.${a}` as const })) },
  { name: "event", kind: "shortText", label: "surveys.field.event", hint: "surveys.field.event.hint", max: 100 },
  { name: "eventDate", kind: "date", label: "surveys.field.eventDate" },
];

/** What a new form holds before anyone types. */
export const NEW_SURVEY: RawValues = { template: "postEvent", privacy: "anonymous", visibility: "afterClose", audience: "community" };

export const surveyForm: FormSpec<SurveyDraft> = {
  name: "surveys.new",
  verb: "surveys.new",
  title: "surveys.form.title",
  submit: "surveys.form.submit",
  intro: "surveys.form.intro",
  opener: "surveys.new.open",
  fields: FIELDS,
  toInput(values: CheckedValues) {
    const text = (name: string) => String(values[name] ?? "");
    return {
      ok: true,
      value: SurveyDraft.parse({
        template: text("template"),
        ...surveyChoices(values),
      }),
    };
  },
};

/** What every survey form asks besides its questions: title, privacy, visibility, deadline and audience, as typed. */
export function surveyChoices(values: CheckedValues) {
  const text = (name: string) => String(values[name] ?? "");
  return {
    title: text("title"),
    anonymous: text("privacy") !== "named",
    visibility: text("visibility"),
    deadline: text("deadline"),
    zone: text("deadline.zone"),
    audience: text("audience") || "community",
    event: text("event"),
    eventDate: text("eventDate"),
  };
}

/** The deadline as an instant, or why it cannot be one: past, more than a year away (the field's error key). */
export function deadlineOf(draft: Pick<SurveyDraft, "deadline" | "zone">, now: Date): { ok: true; at: string } | { ok: false; error: "surveys.error.past" | "surveys.error.tooFar" | "form.error.zone" } {
  let at: Temporal.ZonedDateTime;
  try {
    at = Temporal.PlainDateTime.from(draft.deadline).toZonedDateTime(draft.zone);
  } catch {
    return { ok: false, error: "form.error.zone" };
  }
  if (at.epochMilliseconds <= now.getTime()) return { ok: false, error: "surveys.error.past" };
  if (at.epochMilliseconds > now.getTime() + 366 * 86_400_000) return { ok: false, error: "surveys.error.tooFar" };
  return { ok: true, at: at.toInstant().toString() };
}

/** The date-time as one value too, so a form shown again with errors keeps what was typed in its parts. */
export function shownValues(values: RawValues): RawValues {
  const part = (name: string) => (typeof values[`deadline.${name}`] === "string" ? (values[`deadline.${name}`] as string).trim() : "");
  return part("date") ? { ...values, deadline: `${part("date")}T${part("time").slice(0, 5)}` } : values;
}
