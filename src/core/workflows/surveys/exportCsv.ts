import { createHash } from "node:crypto";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { tell, typedParam } from "../../kernel/notice.js";
import { file, outcome } from "../../kernel/outcome.js";
import { command } from "../../kernel/workflow.js";
import type { Words } from "../../kernel/words.js";
import type { CoreDeps } from "../../ports.js";
import type { Answers, Question, StoredResponse, Survey } from "./model.js";

export const EXPORT_VERB = "surveys.export";

/** One answer as a cell: the option (several joined with "; "), the score, or the text; empty when not answered. */
export function answerCell(q: Question, a: Answers[string] | undefined): string {
  if (a === undefined) return "";
  if (q.kind === "single" || q.kind === "multi") return (Array.isArray(a) ? a : [a]).map((i) => (typeof i === "number" ? (q.options[i] ?? "") : "")).filter(Boolean).join("; ");
  return String(a);
}

/**
 * A survey's responses as a CSV file: UTF-8 with a byte order mark (so Excel reads it), RFC 4180 quoting
 * (CRLF between records), one row per response and one column per question, the person's name first in a
 * named survey and never in an anonymous one, and formulas neutralised. Rows are ordered by name (named) or
 * by a hash of the survey and the answers (anonymous): never by when people answered.
 */
export function surveyCsv(survey: Survey, responses: ReadonlyArray<StoredResponse & { name?: string }>, words: Words): Buffer {
  const named = !survey.anonymous;
  const neutralKey = (r: StoredResponse) => createHash("sha256").update(survey.id).update(JSON.stringify(r.answers)).digest("hex");
  const rows = responses
    .map((r) => ({ key: named ? `${r.name ?? ""}\u0000${neutralKey(r)}` : neutralKey(r), cells: [...(named ? [r.name ?? ""] : []), ...survey.questions.map((q) => answerCell(q, r.answers[q.id]))] }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.cells);
  const header = [...(named ? [words.plain("surveys.export.name")] : []), ...survey.questions.map((q) => q.text)];
  // escape_formulas: OWASP CSV injection, a cell starting with = + - @ TAB or CR gets a leading apostrophe.
  const text = stringify([header, ...rows], { bom: true, record_delimiter: "windows", quote_record_delimiter: true, escape_formulas: true });
  return Buffer.from(text, "utf8");
}

/** A survey's responses for the CSV, with the roster's display name beside each one of a named survey. */
async function exportedResponses(deps: CoreDeps, survey: Survey): Promise<Array<StoredResponse & { name?: string }>> {
  const responses = await deps.repos.surveys.responses(survey);
  if (survey.anonymous) return responses.map(({ answers }) => ({ answers }));
  return Promise.all(responses.map(async (r) => ({ answers: r.answers, name: r.personKey ? (await deps.repos.members.get(survey.communityId, r.personKey))?.displayName || r.personKey : "" })));
}

const fileName = (survey: Survey) => `survey-${survey.id}.csv`;

/** `export survey ID` (and the results card's button for stewards): the responses as a CSV, to the asker alone. */
export const exportSurvey = command({
  verb: EXPORT_VERB,
  permission: "steward",
  where: "community",
  input: z.object({ id: z.string().trim().max(20) }),
  text: { words: ["export survey", "export poll"], parse: (rest) => ({ id: rest }) },
  help: { usage: "help.usage.exportSurvey", describe: "help.cmd.exportSurvey" },
  async handle(ctx, { id }) {
    if (!id) return outcome(tell("surveys.export.which", { surveys: typedParam("surveys") }, "warning", true));
    const stored = await ctx.deps.repos.surveys.get(ctx.community.id, id.toUpperCase());
    if (!stored) return outcome(tell("surveys.notFound", {}, "warning", true));
    const survey = stored.value;
    const responses = await exportedResponses(ctx.deps, survey);
    return outcome(
      file({
        name: fileName(survey),
        mime: "text/csv; charset=utf-8",
        bytes: surveyCsv(survey, responses, ctx.words),
        title: ctx.words.plain("surveys.export.title", { title: survey.title }),
        summaryKey: survey.anonymous ? "surveys.export.summary.anonymous" : "surveys.export.summary.named",
        summaryParams: { title: survey.title, count: responses.length },
      }),
    );
  },
});
