import type { Block, Card } from "../../kernel/card.js";
import { esc } from "../../kernel/text.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import type { MessageKey } from "../../i18n/index.js";
import { METRICS, metricValue, rate } from "./model.js";
import { ReportData } from "./report.js";
import { periodWords, trendCell } from "./trend.js";

export const REPORT_PRESENTER = "metrics.report";
export const MARKDOWN_VERB = "metrics.report.markdown";
export const CSV_VERB = "metrics.report.csv";

const heading = (text: string): Block => ({ type: "text", text, style: "heading" });
const percent = (v: number | undefined, words: Words) => (v === undefined ? words.t("metrics.value.none") : words.plain("metrics.value.percent", { value: v }));

/** An activity, a survey's results and a story as one line each (the card and the Markdown file share them). */
export function activityLine(a: ReportData["activities"][number], words: Words, when: string): string {
  const attended = a.attended === undefined ? words.t("metrics.report.attendedUnknown") : words.t("metrics.report.attendedCount", { count: a.attended });
  return words.t("metrics.report.activity", { when: md(when), title: a.title, going: a.going, attended: md(attended) });
}
export function surveyLines(f: ReportData["feedback"][number], words: Words): string[] {
  const head = words.t("metrics.report.survey", { title: f.title, answered: f.answered, asked: f.asked, rate: percent(rate(f.answered, f.asked), words) });
  const scores = f.scores.map((s) => {
    const parts = [...(s.average !== undefined ? [words.t("metrics.report.average", { average: s.average, of: s.of ?? 5 })] : []), ...(s.nps !== undefined ? [words.t("metrics.report.nps", { nps: s.nps })] : [])];
    return words.t("metrics.report.score", { question: s.question, score: md(parts.join(", ")) });
  });
  return [head, ...scores];
}
export const storyLine = (s: ReportData["stories"][number], words: Words) => words.t("metrics.report.story", s);
export const purposesOf = (d: ReportData, words: Words) => words.and(d.purposes.map((p) => words.t(`purpose.${p}` as MessageKey)));

function charts(d: ReportData, words: Words): Block[] {
  const categories = d.months.map((m) => periodWords(m.period));
  const blocks: Block[] = [];
  const activeLines = d.months.map((m, i) => words.plain("metrics.report.chart.activeLine", { period: categories[i]!, members: m.figures.members, active: m.figures.active }));
  blocks.push({
    type: "chart",
    kind: "bar",
    title: words.plain("metrics.report.chart.active").slice(0, 50),
    categories,
    series: [
      { name: words.plain("metrics.report.series.members"), values: d.months.map((m) => m.figures.members) },
      { name: words.plain("metrics.report.series.active"), values: d.months.map((m) => m.figures.active) },
    ],
    alt: words.plain("metrics.report.chart.activeAlt", { lines: activeLines.join("; ") }),
  });
  if (d.months.some((m) => m.figures.going > 0 || m.figures.asked > 0)) {
    const att = d.months.map((m) => metricValue("attendance", m.figures).value);
    const resp = d.months.map((m) => metricValue("responses", m.figures).value);
    const lines = d.months.map((_, i) => words.plain("metrics.report.chart.ratesLine", { period: categories[i]!, attendance: percent(att[i], words), responses: percent(resp[i], words) }));
    blocks.push({
      type: "chart",
      kind: "line",
      title: words.plain("metrics.report.chart.rates").slice(0, 50),
      categories,
      series: [
        { name: words.plain("metrics.report.series.attendance"), values: att.map((v) => v ?? 0) },
        { name: words.plain("metrics.report.series.responses"), values: resp.map((v) => v ?? 0) },
      ],
      alt: words.plain("metrics.report.chart.ratesAlt", { lines: lines.join("; ") }),
    });
  }
  return blocks;
}

/** The sponsor report: purpose and goals, figures with their trend, charts, activities, feedback, stories, downloads. */
export const reportPresenter = presenter({
  name: REPORT_PRESENTER,
  schema: ReportData,
  render(d, words): Card {
    const title = words.plain("metrics.report.title", { name: d.communityName, from: d.from, to: d.to });
    if (d.empty) {
      const text = words.t("metrics.report.empty", { name: d.communityName, from: d.from, to: d.to, example: words.typed("report 2026-01 2026-06") });
      return { title, summary: text, tone: "info", blocks: [{ type: "text", text, style: "default" }] };
    }
    const blocks: Block[] = [
      heading(words.t("metrics.report.purpose")),
      { type: "text", text: [words.t("metrics.report.domain", { domain: d.domain }), words.t("metrics.report.purposes", { purposes: md(purposesOf(d, words)) })].join("\n"), style: "default" },
      { type: "list", heading: words.plain("metrics.report.goals"), items: d.goals.map((g) => esc(g)), omitted: 0, empty: words.t("metrics.report.noGoals") },
      heading(words.t("metrics.report.figures")),
      { type: "table", columns: [words.plain("metrics.column.metric"), words.plain("metrics.column.combined")], rows: METRICS.map((m) => [words.plain(`metrics.metric.${m}`), trendCell(m, d.total, d.previous, words)]), omitted: 0 },
      { type: "context", texts: [words.t("metrics.report.figuresNote"), words.t("metrics.report.months", { first: d.months[0]?.period ?? "", last: d.months.at(-1)?.period ?? "" })] },
      ...charts(d, words),
    ];
    if (d.spaces.length > 1) {
      blocks.push(heading(words.t("metrics.report.perSpace")));
      blocks.push({ type: "table", columns: [words.plain("metrics.column.metric"), ...d.spaces.map((s) => s.name)], rows: METRICS.map((m) => [words.plain(`metrics.metric.${m}`), ...d.spaces.map((s) => trendCell(m, s.figures, undefined, words))]), omitted: 0 });
    }
    blocks.push(heading(words.t("metrics.report.activities")));
    blocks.push({ type: "list", heading: "", items: d.activities.map((a) => activityLine(a, words, words.when(a.at).text)), omitted: 0, empty: words.t("metrics.report.noActivities") });
    blocks.push(heading(words.t("metrics.report.feedback")));
    blocks.push({ type: "list", heading: "", items: d.feedback.flatMap((f) => surveyLines(f, words)), omitted: 0, empty: words.t("metrics.report.noFeedback") });
    blocks.push(heading(words.t("metrics.report.stories")));
    blocks.push({ type: "list", heading: "", items: d.stories.map((s) => storyLine(s, words)), omitted: 0, empty: words.t("metrics.report.noStories") });
    blocks.push({
      type: "actions",
      actions: [
        { label: words.plain("metrics.report.downloadMarkdown"), verb: MARKDOWN_VERB, data: { from: d.from, to: d.to }, opensForm: false },
        { label: words.plain("metrics.report.downloadCsv"), verb: CSV_VERB, data: { from: d.from, to: d.to }, opensForm: false },
      ],
    });
    const summary = words.t("metrics.report.summary", { name: d.communityName, from: d.from, to: d.to, members: d.total.members, active: d.total.active, held: d.total.held, surveys: d.feedback.length });
    return { title, summary, blocks };
  },
});
