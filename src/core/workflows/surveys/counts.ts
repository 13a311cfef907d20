import { z } from "zod";
import type { Answers, Question, Survey } from "./model.js";
import { tallyQuestion, type QuestionResult } from "./tally.js";

/**
 * Running counts of a survey's answers, kept as they change (Table Storage cannot count): per question, how many
 * answered, the sum of the scores and the count per option or score; for free text, how many wrote something (the
 * texts themselves are kept in rows of their own: src/store/surveys/counted.ts).
 */
export const QuestionCounts = z.object({ answered: z.number().int(), sum: z.number(), counts: z.array(z.number().int()) });
export const SurveyCounts = z.object({ responses: z.number().int(), questions: z.record(z.string(), QuestionCounts) });
export type SurveyCounts = z.infer<typeof SurveyCounts>;

export const noCounts = (): SurveyCounts => ({ responses: 0, questions: {} });

/** Adds (sign 1) or takes away (sign -1) one response's answers; answers that do not fit a question count for nothing, as in a recount. */
export function addResponse(counts: SurveyCounts, survey: Pick<Survey, "questions">, answers: Answers, sign: 1 | -1): SurveyCounts {
  counts.responses += sign;
  for (const q of survey.questions) {
    const one = tallyQuestion(q, [{ answers }]);
    if (one.answered === 0) continue;
    const c = (counts.questions[q.id] ??= { answered: 0, sum: 0, counts: one.labels.map(() => 0) });
    c.answered += sign;
    c.sum += sign * (one.average ?? 0);
    one.counts.forEach((n, i) => (c.counts[i] = (c.counts[i] ?? 0) + sign * n));
  }
  return counts;
}

/** Adds several counter rows' counts together. */
export function sumCounts(parts: readonly SurveyCounts[]): SurveyCounts {
  const total = noCounts();
  for (const part of parts) {
    total.responses += part.responses;
    for (const [id, c] of Object.entries(part.questions)) {
      const t = (total.questions[id] ??= { answered: 0, sum: 0, counts: c.counts.map(() => 0) });
      t.answered += c.answered;
      t.sum += c.sum;
      c.counts.forEach((n, i) => (t.counts[i] = (t.counts[i] ?? 0) + n));
    }
  }
  return total;
}

/** Whether counts give a survey's results: no free-text question, or its texts kept in rows of their own. */
export const countsSuffice = (survey: Pick<Survey, "questions" | "textRows">) => survey.textRows === true || survey.questions.every((q) => q.kind !== "text");

/** One question's results from the counts: the same as a recount of its rows gives. */
export function resultFromCounts(q: Question, counts: SurveyCounts): QuestionResult {
  const empty = tallyQuestion(q, []);
  const c = counts.questions[q.id];
  if (!c || c.answered <= 0) return empty;
  const result: QuestionResult = { ...empty, counts: empty.labels.map((_, i) => Math.max(0, c.counts[i] ?? 0)), answered: c.answered };
  if (q.kind === "rating" || q.kind === "nps") result.average = Math.round((c.sum / c.answered) * 10) / 10;
  if (q.kind === "nps") {
    const promoters = result.counts.slice(9).reduce((a, b) => a + b, 0);
    const detractors = result.counts.slice(0, 7).reduce((a, b) => a + b, 0);
    result.nps = Math.round(((promoters - detractors) * 100) / c.answered);
  }
  return result;
}
