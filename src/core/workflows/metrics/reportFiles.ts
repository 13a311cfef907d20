import { stringify } from "csv-stringify/sync";
import { esc } from "../../kernel/text.js";
import { dateTimeWords, md, type Words } from "../../kernel/words.js";
import { METRICS, metricValue, type Figures } from "./model.js";
import { activityLine, purposesOf, storyLine, surveyLines } from "./reportPresenter.js";
import type { ReportData } from "./report.js";
import { trendCell } from "./trend.js";

/** Neutral markdown as GitHub Flavoured Markdown: instants and people become their words; escapes are GFM's too. */
const gfm = (text: string) =>
  text
    .replace(/<time:[^|>]*\|([^>]*)>/g, "$1")
    .replace(/<person:[^|>]*\|([^>]*)>/g, "$1")
    .replace(/\n/g, " ");
/** A table cell: GFM, with its pipes escaped (a pipe ends a cell even after a backslash escape of markup). */
const cell = (text: string) => gfm(text).replace(/(?<!\\)\|/g, "\\|");
const row = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
function table(columns: string[], rows: string[][]): string[] {
  return [row(columns), `|${columns.map(() => " --- ").join("|")}|`, ...rows.map(row), ""];
}

/** The sponsor report as a GitHub Flavoured Markdown document: headings, lists and tables. */
export function reportMarkdown(d: ReportData, words: Words): string {
  const when = (at: string) => dateTimeWords(words.locale, at, words.reader.timezone ?? "UTC");
  const lines: string[] = [`# ${gfm(words.t("metrics.report.title", { name: d.communityName, from: d.from, to: d.to }))}`, ""];
  if (d.empty) return [...lines, gfm(words.t("metrics.report.empty", { name: d.communityName, from: d.from, to: d.to, example: words.typed("report 2026-01 2026-06") })), ""].join("\n");
  lines.push(`## ${gfm(words.t("metrics.report.purpose"))}`, "", gfm(words.t("metrics.report.domain", { domain: d.domain })), "", gfm(words.t("metrics.report.purposes", { purposes: md(purposesOf(d, words)) })), "");
  lines.push(`### ${gfm(words.t("metrics.report.goals"))}`, "", ...(d.goals.length ? d.goals.map((g) => `- ${gfm(esc(g))}`) : [gfm(words.t("metrics.report.noGoals"))]), "");
  lines.push(`## ${gfm(words.t("metrics.report.figures"))}`, "", gfm(words.t("metrics.report.figuresNote")), "");
  lines.push(...table([words.plain("metrics.column.metric"), words.plain("metrics.column.combined")], METRICS.map((m) => [words.plain(`metrics.metric.${m}`), trendCell(m, d.total, d.previous, words)])));
  const monthColumns = d.months.map((m) => m.period);
  lines.push(...table([words.plain("metrics.column.metric"), ...monthColumns], METRICS.map((m) => [words.plain(`metrics.metric.${m}`), ...d.months.map((mo) => trendCell(m, mo.figures, undefined, words))])));
  if (d.spaces.length > 1) {
    lines.push(`### ${gfm(words.t("metrics.report.perSpace"))}`, "");
    lines.push(...table([words.plain("metrics.column.metric"), ...d.spaces.map((s) => s.name)], METRICS.map((m) => [words.plain(`metrics.metric.${m}`), ...d.spaces.map((s) => trendCell(m, s.figures, undefined, words))])));
  }
  const section = (key: "metrics.report.activities" | "metrics.report.feedback" | "metrics.report.stories", items: string[], empty: string) => {
    lines.push(`## ${gfm(words.t(key))}`, "", ...(items.length ? items.map((i) => `- ${gfm(i)}`) : [gfm(empty)]), "");
  };
  section("metrics.report.activities", d.activities.map((a) => activityLine(a, words, when(a.at))), words.t("metrics.report.noActivities"));
  section("metrics.report.feedback", d.feedback.flatMap((f) => surveyLines(f, words)), words.t("metrics.report.noFeedback"));
  section("metrics.report.stories", d.stories.map((s) => storyLine(s, words)), words.t("metrics.report.noStories"));
  return lines.join("\n");
}

/** A figure as a CSV value: the count, or the rate in percent; empty when there was nothing to measure. */
const csvValue = (m: (typeof METRICS)[number], f: Figures | undefined) => (f ? (metricValue(m, f).value ?? "") : "");

/**
 * The sponsor report's figures as CSV (UTF-8 with a byte order mark, CRLF, formulas neutralised): the range with
 * the previous one, each month, each space, each activity and each survey's results; one value per row.
 */
export function reportCsv(d: ReportData, words: Words): Buffer {
  const label = (m: (typeof METRICS)[number]) => `${words.plain(`metrics.metric.${m}`)}${metricValue(m, d.total).percent ? " (%)" : ""}`;
  const range = `${d.from} – ${d.to}`;
  const rows: Array<Array<string | number>> = [[words.plain("metrics.report.csv.section"), words.plain("metrics.report.csv.scope"), words.plain("metrics.report.csv.metric"), words.plain("metrics.report.csv.value"), words.plain("metrics.report.csv.previous")]];
  const figures = words.plain("metrics.report.figures");
  for (const m of METRICS) rows.push([figures, range, label(m), csvValue(m, d.total), csvValue(m, d.previous)]);
  for (const mo of d.months) for (const m of METRICS) rows.push([figures, mo.period, label(m), csvValue(m, mo.figures), ""]);
  const perSpace = words.plain("metrics.report.perSpace");
  for (const s of d.spaces) for (const m of METRICS) rows.push([perSpace, s.name, label(m), csvValue(m, s.figures), ""]);
  const activities = words.plain("metrics.report.activities");
  for (const a of d.activities) {
    rows.push([activities, a.at, words.plain("metrics.report.csv.going", { title: a.title }), a.going, ""]);
    rows.push([activities, a.at, words.plain("metrics.report.csv.attended", { title: a.title }), a.attended ?? "", ""]);
  }
  const feedback = words.plain("metrics.report.feedback");
  for (const f of d.feedback) {
    rows.push([feedback, f.title, words.plain("metrics.report.csv.answered"), f.answered, ""]);
    rows.push([feedback, f.title, words.plain("metrics.report.csv.asked"), f.asked, ""]);
    for (const s of f.scores) {
      if (s.average !== undefined) rows.push([feedback, f.title, words.plain("metrics.report.csv.average", { question: s.question, of: s.of ?? 5 }), s.average, ""]);
      if (s.nps !== undefined) rows.push([feedback, f.title, words.plain("metrics.report.csv.nps", { question: s.question }), s.nps, ""]);
    }
  }
  const stories = words.plain("metrics.report.stories");
  for (const s of d.stories) rows.push([stories, s.by, s.title, s.text, ""]);
  return Buffer.from(stringify(rows, { bom: true, record_delimiter: "windows", quote_record_delimiter: true, escape_formulas: true }), "utf8");
}
