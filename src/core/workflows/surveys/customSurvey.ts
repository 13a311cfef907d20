import { z } from "zod";
import { openForm, outcome } from "../../kernel/outcome.js";
import { command } from "../../kernel/workflow.js";
import type { CheckedValues, FieldSpec, FormSpec, RawValues } from "../../kernel/forms.js";
import type { Words } from "../../kernel/words.js";
import { Question, SURVEY_LIMITS, type Answers } from "./model.js";
import { surveyChoices, surveyForm, SurveyDraft } from "./surveyForm.js";
import { launchSurvey } from "./surveyCommands.js";
import { ANSWER_VERB, checkAnswers } from "./templates.js";

/** A custom survey's questions, one a line: `QUESTION | KIND [| OPTIONS] [| optional]` (see help.cmd.customSurvey). */
export const CUSTOM = { lineMax: 140, intro: 1000, template: "custom" } as const;

type LineError = { line: number; key: "surveys.custom.error.shape" | "surveys.custom.error.kind" | "surveys.custom.error.options" | "surveys.custom.error.emptyOption" | "surveys.custom.error.duplicate" | "surveys.custom.error.minMax" | "surveys.custom.error.limit" | "surveys.custom.error.flag"; params?: Record<string, string | number> };

/** Reads one line of the grammar as a question, or says what is wrong with it. */
export function parseQuestion(line: string, index: number): Question | LineError {
  const n = index + 1;
  const parts = line.split("|").map((p) => p.trim());
  const [text = "", kindPart = "", ...rest] = parts;
  if (!text || !kindPart) return { line: n, key: "surveys.custom.error.shape" };
  let required = true;
  if (rest.length && /^(optional|required)$/i.test(rest[rest.length - 1]!)) required = rest.pop()!.toLowerCase() === "required";
  const base = { id: `q${n}`, text, required };
  const kind = /^(rating|nps|single|multi|text)(?:\s+(\d+)(?:\s*-\s*(\d+))?)?$/i.exec(kindPart);
  if (!kind) return { line: n, key: "surveys.custom.error.kind", params: { kind: kindPart.slice(0, 40) } };
  const name = kind[1]!.toLowerCase();
  const choice = name === "single" || name === "multi";
  if (rest.length > (choice ? 1 : 0)) return { line: n, key: "surveys.custom.error.flag", params: { flag: rest[rest.length - 1]!.slice(0, 40) } };
  if (!choice) {
    if (name === "text") {
      const maxLength = kind[2] === undefined ? 500 : Number(kind[2]);
      if (kind[3] !== undefined || maxLength < 1 || maxLength > SURVEY_LIMITS.text) return { line: n, key: "surveys.custom.error.limit", params: { max: SURVEY_LIMITS.text } };
      return { ...base, kind: "text", maxLength };
    }
    if (kind[2] !== undefined) return { line: n, key: "surveys.custom.error.kind", params: { kind: kindPart.slice(0, 40) } };
    return { ...base, kind: name as "rating" | "nps" };
  }
  const options = (rest[0] ?? "").split(";").map((o) => o.trim());
  if (options.some((o) => !o)) return { line: n, key: "surveys.custom.error.emptyOption" };
  if (options.length < SURVEY_LIMITS.options.min || options.length > SURVEY_LIMITS.options.max || options.some((o) => o.length > SURVEY_LIMITS.option)) return { line: n, key: "surveys.custom.error.options" };
  const seen = new Set<string>();
  const twice = options.find((o) => (seen.has(o.toLowerCase()) ? true : (seen.add(o.toLowerCase()), false)));
  if (twice) return { line: n, key: "surveys.custom.error.duplicate", params: { option: twice } };
  if (name === "single") {
    if (kind[2] !== undefined) return { line: n, key: "surveys.custom.error.kind", params: { kind: kindPart.slice(0, 40) } };
    return { ...base, kind: "single", options };
  }
  // multi N-M: at least N, at most M; multi M: at most M; multi: any number.
  const min = kind[3] === undefined ? 0 : Number(kind[2]);
  const max = kind[3] === undefined ? Number(kind[2] ?? options.length) : Number(kind[3]);
  if (min > max || max < 1 || max > options.length) return { line: n, key: "surveys.custom.error.minMax", params: { min, max, options: options.length } };
  return { ...base, kind: "multi", options, min, max };
}

/** What a steward wrote in the custom survey form, checked. */
export const CustomDraft = z.object({
  title: z.string().trim().min(1).max(SURVEY_LIMITS.title),
  intro: z.string().trim().max(CUSTOM.intro).optional(),
  questions: z.array(Question).min(1).max(SURVEY_LIMITS.questions),
  anonymous: z.boolean(),
  visibility: z.enum(["live", "afterClose", "stewards"]),
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/),
  zone: z.string().min(1).max(64),
  /** Who is asked, as in a template survey: the community, this space, or an event date's attendees or RSVPs. */
  audience: SurveyDraft.shape.audience,
  event: SurveyDraft.shape.event,
  eventDate: SurveyDraft.shape.eventDate,
});
export type CustomDraft = z.infer<typeof CustomDraft>;

const shared = (name: string) => surveyForm.fields.find((f) => f.name === name)!;

export const customSurveyForm: FormSpec<CustomDraft> = {
  name: "surveys.custom",
  verb: "surveys.custom",
  title: "surveys.custom.form.title",
  submit: "surveys.form.submit",
  intro: "surveys.form.intro",
  opener: "surveys.custom.open",
  fields: [
    shared("title"),
    { name: "intro", kind: "longText", label: "surveys.custom.field.intro", max: CUSTOM.intro },
    { name: "questions", kind: "longText", label: "surveys.custom.field.questions", hint: "surveys.custom.field.questions.hint", placeholder: "surveys.custom.field.questions.placeholder", required: true, lines: SURVEY_LIMITS.questions, max: CUSTOM.lineMax },
    shared("privacy"),
    shared("visibility"),
    shared("deadline"),
    shared("audience"),
    shared("event"),
    shared("eventDate"),
  ],
  toInput(values: CheckedValues, words: Words) {
    const text = (name: string) => String(values[name] ?? "");
    const lines = Array.isArray(values.questions) ? values.questions : [];
    const parsed = lines.map(parseQuestion);
    const wrong = parsed.filter((p): p is LineError => "line" in p);
    if (wrong.length) return { ok: false, errors: { questions: wrong.map((e) => words.plain(e.key, { line: e.line, ...e.params })).join(" ") } };
    return {
      ok: true,
      value: CustomDraft.parse({
        ...surveyChoices(values),
        intro: text("intro") || undefined,
        questions: parsed,
      }),
    };
  },
};

export const NEW_CUSTOM: RawValues = { privacy: "anonymous", visibility: "afterClose", audience: "community" };

export const openCustomForm = command({
  verb: "surveys.custom.open",
  permission: "steward",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["custom survey", "new custom survey"] },
  help: { usage: "help.usage.customSurvey", describe: "help.cmd.customSurvey" },
  handle: async () => outcome(openForm({ form: customSurveyForm.name, values: NEW_CUSTOM })),
});

/** Checks the deadline and audience, then makes the same survey a template makes: announced or sent, closed by its job, nudged. */
export const submitCustomSurvey = command({
  verb: "surveys.custom",
  permission: "steward",
  where: "community",
  input: z.custom<CustomDraft>(),
  form: customSurveyForm,
  handle: (ctx, draft) =>
    launchSurvey(ctx, draft, customSurveyForm.name, { template: CUSTOM.template, title: draft.title, ...(draft.intro ? { intro: draft.intro } : {}), questions: draft.questions }),
});

const SCORES = { rating: [1, 2, 3, 4, 5], nps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } as const;

/** One field per stored question, labelled with the words the steward typed. */
function fieldOf(q: Question): FieldSpec {
  const base = { name: q.id, label: "surveys.custom.question" as const, text: q.text, required: q.required };
  switch (q.kind) {
    case "rating":
    case "nps":
      return { ...base, kind: "choice", choices: SCORES[q.kind].map((n) => ({ value: String(n), label: `surveys.score.${n}` as const })) };
    case "single":
      return { ...base, kind: "choice", choices: q.options.map((o, n) => ({ value: String(n), label: "surveys.custom.question" as const, text: o })) };
    case "multi":
      return { ...base, kind: "multiChoice", max: q.max, choices: q.options.map((o, n) => ({ value: String(n), label: "surveys.custom.question" as const, text: o })) };
    case "text":
      return { ...base, kind: "longText", max: q.maxLength };
  }
}

/** The answer form of a custom survey: built from the stored survey its sealed arguments name. */
export const customAnswerForm: FormSpec<Answers> = {
  name: "surveys.answer.custom",
  verb: ANSWER_VERB,
  title: "surveys.custom.answer.title",
  submit: "surveys.answer",
  fields: [],
  async resolve(args, deps) {
    const stored = args.community && args.survey ? await deps.repos.surveys.get(args.community, args.survey) : undefined;
    if (!stored) return undefined;
    const { questions } = stored.value;
    return { ...customAnswerForm, resolve: undefined, fields: questions.map(fieldOf), toInput: (values, words) => checkAnswers(questions, values, words) };
  },
  toInput: () => ({ ok: false, errors: {} }),
};
