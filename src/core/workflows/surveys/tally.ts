import { z } from "zod";
import type { CoreDeps } from "../../ports.js";
import type { Answers, Question, StoredResponse, Survey } from "./model.js";
import { countsSuffice, resultFromCounts, type SurveyCounts } from "./counts.js";
import { askedCount } from "./audience.js";

/** One question's results: counts per option or score, and what its kind adds (average, NPS, the texts). */
export const QuestionResult = z.object({
  text: z.string(),
  kind: z.enum(["rating", "nps", "single", "multi", "text"]),
  /** Options, or scores as text ("1".."5", "0".."10"); empty for free text. */
  labels: z.array(z.string()).max(11),
  counts: z.array(z.number().int().nonnegative()).max(11),
  /** How many responses answered this question. */
  answered: z.number().int().nonnegative(),
  average: z.number().optional(),
  /** Net promoter score: % promoters (9–10) less % detractors (0–6), -100..100. */
  nps: z.number().int().min(-100).max(100).optional(),
  texts: z.array(z.string()).default([]),
  textsOmitted: z.number().int().nonnegative().default(0),
});
export type QuestionResult = z.infer<typeof QuestionResult>;

/** Free-text answers listed on a results card at most. */
const TEXTS_SHOWN = 20;

const scores = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

function labelsOf(q: Question): string[] {
  if (q.kind === "rating") return scores(1, 5);
  if (q.kind === "nps") return scores(0, 10);
  if (q.kind === "text") return [];
  return q.options;
}

/** Tallies one question over every response; answers that do not fit the question are not counted. */
export function tallyQuestion(q: Question, responses: readonly StoredResponse[]): QuestionResult {
  const labels = labelsOf(q);
  const counts = labels.map(() => 0);
  const texts: string[] = [];
  let answered = 0;
  let sum = 0;
  const offset = q.kind === "rating" ? 1 : 0;
  for (const { answers } of responses) {
    const a = answers[q.id];
    if (a === undefined) continue;
    if (q.kind === "text") {
      if (typeof a === "string" && a.trim()) {
        texts.push(a);
        answered += 1;
      }
      continue;
    }
    const picked = Array.isArray(a) ? a : typeof a === "number" ? [a] : [];
    const fitting = picked.filter((i) => i - offset >= 0 && i - offset < labels.length);
    if (fitting.length === 0) continue;
    answered += 1;
    for (const i of fitting) counts[i - offset]! += 1;
    if (typeof a === "number") sum += a;
  }
  const result: QuestionResult = { text: q.text, kind: q.kind, labels, counts, answered, texts: texts.slice(0, TEXTS_SHOWN), textsOmitted: Math.max(0, texts.length - TEXTS_SHOWN) };
  if ((q.kind === "rating" || q.kind === "nps") && answered > 0) result.average = Math.round((sum / answered) * 10) / 10;
  if (q.kind === "nps" && answered > 0) {
    const promoters = counts.slice(9).reduce((a, b) => a + b, 0);
    const detractors = counts.slice(0, 7).reduce((a, b) => a + b, 0);
    result.nps = Math.round(((promoters - detractors) * 100) / answered);
  }
  return result;
}

/** A survey's state as its cards show it: how many answered out of how many members, and the results. */
export const SurveyState = z.object({
  surveyId: z.string(),
  style: z.enum(["poll", "survey"]),
  title: z.string(),
  anonymous: z.boolean(),
  visibility: z.enum(["live", "afterClose", "stewards"]).default("live"),
  closed: z.boolean(),
  closesAt: z.string().optional(),
  intro: z.string().optional(),
  answered: z.number().int().nonnegative(),
  members: z.number().int().nonnegative(),
  questions: z.array(QuestionResult),
  /** Who answered what: only in a named survey's results shown privately to a steward. */
  people: z.array(z.object({ name: z.string(), answers: z.array(z.string()) })).default([]),
  peopleOmitted: z.number().int().nonnegative().default(0),
  /** Answered / asked per linked space (results only; shown when there are two or more). */
  spaces: z.array(z.object({ name: z.string(), answered: z.number().int().nonnegative(), asked: z.number().int().nonnegative() })).default([]),
  /** Shown privately to a steward: the card offers the CSV export. */
  canExport: z.boolean().default(false),
  /** A steward's private view of an open survey: with the "send reminder now" button. */
  remind: z.boolean().default(false),
  /** Whom a quick poll asks, when not the whole community: its card says so. */
  asks: z.object({ kind: z.enum(["space", "rsvp", "attended"]), title: z.string().optional(), at: z.string().optional() }).optional(),
});
export type SurveyState = z.infer<typeof SurveyState>;

/**
 * A survey's state: from its kept counts when they give the results (a vote costs a few rows, not a recount; free
 * text listed from its own rows, at most TEXTS_SHOWN per question), otherwise from every response row.
 */
export async function surveyState(deps: CoreDeps, survey: Survey, known?: SurveyCounts): Promise<SurveyState> {
  const counted = survey.counted && countsSuffice(survey) ? (known ?? (await deps.repos.surveys.counts(survey))) : undefined;
  if (counted) {
    const members = await askedCount(deps, survey);
    const questions = await Promise.all(survey.questions.map((q) => (q.kind === "text" ? listedTexts(deps, survey, q, counted) : resultFromCounts(q, counted))));
    return { ...stateHead(survey), answered: counted.responses, members: Math.max(members, counted.responses), questions };
  }
  return recountedState(deps, survey);
}

/** Whom a survey asks, as its card says it (nothing for the whole community). */
const asksOf = ({ audience: a }: Survey): Pick<SurveyState, "asks"> =>
  a && a.kind !== "community" ? { asks: { kind: a.kind, ...(a.eventTitle ? { title: a.eventTitle } : {}), ...(a.eventAt ? { at: a.eventAt } : {}) } } : {};

/** A free-text question's results: how many wrote something (counted), and the first few texts, read from their own rows. */
async function listedTexts(deps: CoreDeps, survey: Survey, q: Question, counted: SurveyCounts): Promise<QuestionResult> {
  const result = resultFromCounts(q, counted);
  const texts = await deps.repos.surveys.texts(survey, q.id, TEXTS_SHOWN);
  return { ...result, texts, textsOmitted: Math.max(0, result.answered - texts.length) };
}

const stateHead = (survey: Survey) => ({ ...asksOf(survey), surveyId: survey.id, style: survey.style, title: survey.title, ...(survey.intro ? { intro: survey.intro } : {}), anonymous: survey.anonymous, visibility: survey.visibility, closed: survey.status === "closed", closesAt: survey.closesAt, people: [], peopleOmitted: 0, canExport: false, remind: false, spaces: [] });

/** Reads every response of a survey and tallies it: what the kept counts must always equal. */
export async function recountedState(deps: CoreDeps, survey: Survey): Promise<SurveyState> {
  const [responses, members] = await Promise.all([deps.repos.surveys.responses(survey), askedCount(deps, survey)]);
  return {
    ...stateHead(survey),
    answered: responses.length,
    members: Math.max(members, responses.length),
    questions: survey.questions.map((q) => tallyQuestion(q, responses)),
  };
}

/** People listed with their answers in a named survey's results, at most. */
const PEOPLE_SHOWN = 50;

/** One answer as words: the option(s) chosen, the score, or the text. */
export function answerWords(q: Question, a: Answers[string] | undefined): string {
  if (a === undefined) return "";
  if (q.kind === "single" || q.kind === "multi") return (Array.isArray(a) ? a : [a]).map((i) => (typeof i === "number" ? (q.options[i] ?? "") : "")).join(", ");
  return String(a);
}

/** A named survey's answers by person, for a steward's eyes: names from the roster. */
export async function answersByPerson(deps: CoreDeps, survey: Survey): Promise<Pick<SurveyState, "people" | "peopleOmitted">> {
  if (survey.anonymous) return { people: [], peopleOmitted: 0 };
  const named = (await deps.repos.surveys.responses(survey)).filter((r) => r.personKey);
  const shown = named.slice(0, PEOPLE_SHOWN);
  const people = await Promise.all(
    shown.map(async (r) => ({
      name: (await deps.repos.members.get(survey.communityId, r.personKey!))?.displayName || r.personKey!,
      answers: survey.questions.map((q) => answerWords(q, r.answers[q.id])),
    })),
  );
  return { people: people.sort((a, b) => a.name.localeCompare(b.name)), peopleOmitted: named.length - shown.length };
}
