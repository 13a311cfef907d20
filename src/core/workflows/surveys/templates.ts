import { z } from "zod";
import { isMessageKey, type MessageKey } from "../../i18n/index.js";
import type { CheckedValues, FieldErrors, FieldSpec, FormSpec, RawValues } from "../../kernel/forms.js";
import type { Words } from "../../kernel/words.js";
import { SURVEY_LIMITS, type Answers, type Question } from "./model.js";
import checkIn from "./templates/checkIn.json" with { type: "json" };
import materialValidation from "./templates/materialValidation.json" with { type: "json" };
import needsAssessment from "./templates/needsAssessment.json" with { type: "json" };
import postEvent from "./templates/postEvent.json" with { type: "json" };
import quarterlyPulse from "./templates/quarterlyPulse.json" with { type: "json" };

/** Template texts are catalog keys, so every reader's language has them and a missing one fails the load. */
const Key = z.string().refine(isMessageKey, (key) => ({ message: `not a catalog key: ${key}` })) as unknown as z.ZodType<MessageKey, z.ZodTypeDef, unknown>;
const Options = z
  .array(Key)
  .min(SURVEY_LIMITS.options.min)
  .max(SURVEY_LIMITS.options.max)
  .refine((o) => new Set(o).size === o.length, "options must differ");
const Base = { text: Key, required: z.boolean().default(true) };

export const TemplateQuestion = z.discriminatedUnion("kind", [
  z.object({ ...Base, kind: z.literal("rating") }).strict(),
  z.object({ ...Base, kind: z.literal("nps") }).strict(),
  z.object({ ...Base, kind: z.literal("single"), options: Options }).strict(),
  z.object({ ...Base, kind: z.literal("multi"), options: Options, min: z.number().int().min(0).default(0), max: z.number().int().min(1) }).strict(),
  z.object({ ...Base, kind: z.literal("text"), maxLength: z.number().int().min(1).max(SURVEY_LIMITS.text) }).strict(),
]);

/** A survey template as its data file holds it (src/core/workflows/surveys/templates/*.json). */
export const Template = z
  .object({ id: z.string().regex(/^[a-zA-Z]{2,40}$/), name: Key, questions: z.array(TemplateQuestion).min(1).max(SURVEY_LIMITS.questions) })
  .strict()
  .superRefine((t, ctx) =>
    t.questions.forEach((q, i) => {
      if (q.kind === "multi" && !(q.min <= q.max && q.max <= q.options.length)) ctx.addIssue({ code: "custom", path: ["questions", i], message: "a multiple choice needs min ≤ max ≤ its number of options" });
    }),
  );
export type Template = z.infer<typeof Template>;

/** Every template, checked when the app loads: a bad file stops the start with the reason. */
export const TEMPLATES: readonly Template[] = [postEvent, needsAssessment, quarterlyPulse, materialValidation, checkIn].map((data) => Template.parse(data));
export const templateById = (id: string) => TEMPLATES.find((t) => t.id === id);

const SCORES = { rating: [1, 2, 3, 4, 5], nps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } as const;
const scoreKey = (n: number) => `surveys.score.${n}` as MessageKey;
const qid = (i: number) => `q${i + 1}`;

/** The template's questions as a survey stores them, in the words of the steward who started it. */
export function questionsOf(template: Template, words: Words): Question[] {
  return template.questions.map((q, i): Question => {
    const base = { id: qid(i), text: words.plain(q.text), required: q.required };
    switch (q.kind) {
      case "single":
        return { ...base, kind: "single", options: q.options.map((o) => words.plain(o)) };
      case "multi":
        return { ...base, kind: "multi", options: q.options.map((o) => words.plain(o)), min: q.min, max: q.max };
      case "text":
        return { ...base, kind: "text", maxLength: q.maxLength };
      default:
        return { ...base, kind: q.kind };
    }
  });
}

/** One form field per question, of the kernel's kinds: choices for scores and options, long text for text. */
function fieldOf(q: Template["questions"][number], i: number): FieldSpec {
  const base = { name: qid(i), label: q.text, required: q.required };
  switch (q.kind) {
    case "rating":
    case "nps":
      return { ...base, kind: "choice", choices: SCORES[q.kind].map((n) => ({ value: String(n), label: scoreKey(n) })) };
    case "single":
      return { ...base, kind: "choice", choices: q.options.map((o, n) => ({ value: String(n), label: o })) };
    case "multi":
      return { ...base, kind: "multiChoice", max: q.max, choices: q.options.map((o, n) => ({ value: String(n), label: o })) };
    case "text":
      return { ...base, kind: "longText", max: q.maxLength };
  }
}

export const ANSWER_VERB = "surveys.answer";
export const answerFormName = (template: Pick<Template, "id">) => `surveys.answer.${template.id}`;

/** The answer form of a template: its questions as fields; the checked values become the answers. */
export function answerForm(template: Template): FormSpec<Answers> {
  return {
    name: answerFormName(template),
    verb: ANSWER_VERB,
    title: template.name,
    submit: "surveys.answer",
    fields: template.questions.map(fieldOf),
    toInput: (values: CheckedValues, words) => checkAnswers(template.questions, values, words),
  };
}

/** The checked values of an answer form as answers, or the field errors the kernel could not see (a multiple choice's minimum). */
export function checkAnswers(questions: ReadonlyArray<Pick<Question, "kind" | "required"> & { min?: number }>, values: CheckedValues, words: Words): { ok: true; value: Answers } | { ok: false; errors: FieldErrors } {
  const answers: Answers = {};
  const errors: FieldErrors = {};
  questions.forEach((q, i) => {
    const value = values[qid(i)];
    const min = q.min ?? 0;
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      if (q.kind === "multi" && q.required && min > 0) errors[qid(i)] = words.plain("surveys.error.min", { min });
      return;
    }
    if (q.kind === "multi") {
      const picked = (value as string[]).map(Number);
      if (picked.length < min) errors[qid(i)] = words.plain("surveys.error.min", { min });
      answers[qid(i)] = picked;
    } else if (q.kind === "text") answers[qid(i)] = String(value);
    else answers[qid(i)] = Number(value);
  });
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: answers };
}

export const ANSWER_FORMS: ReadonlyArray<FormSpec<Answers>> = TEMPLATES.map(answerForm);

/** A stored response as the form's values, so changing one's answers starts from them. */
export function valuesOf(answers: Answers): RawValues {
  return Object.fromEntries(Object.entries(answers).map(([id, a]) => [id, Array.isArray(a) ? a.map(String) : String(a)]));
}
