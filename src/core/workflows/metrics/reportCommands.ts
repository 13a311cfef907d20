import { z } from "zod";
import { tell, typedParam } from "../../kernel/notice.js";
import { file, outcome, reply, type Outcome } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import { spaceName } from "./commands.js";
import { parseRange, type Range } from "./range.js";
import { buildReport, type ReportData } from "./report.js";
import { reportCsv, reportMarkdown } from "./reportFiles.js";
import { CSV_VERB, MARKDOWN_VERB, REPORT_PRESENTER } from "./reportPresenter.js";
import { REPORT_VERB } from "./presenters.js";

/** What is typed after the command (`2026-01 2026-06`), or a button's range. */
const RangeInput = z.object({ range: z.string().trim().max(60).default(""), from: z.string().max(10).optional(), to: z.string().max(10).optional() });
type RangeInput = z.infer<typeof RangeInput>;

const example = (ctx: CommunityContext) => {
  const year = ctx.deps.clock.now().getUTCFullYear();
  return `${year}-01 ${year}-06`;
};

/** The report for what was asked, or the private answer saying how to ask. */
async function withReport(ctx: CommunityContext, input: RangeInput, usage: string, then: (report: ReportData) => Outcome): Promise<Outcome> {
  const typed = input.from ? `${input.from} ${input.to ?? ""}` : input.range;
  const parsed: Range | undefined = parseRange(typed, ctx.deps.clock.now());
  // By default the last 12 months, or since the community began if that is later.
  const began = ctx.community.createdAt.slice(0, 7) + "-01";
  const range = parsed && !typed.trim() && parsed.from < began ? { ...parsed, from: began } : parsed;
  if (!range) return outcome(tell("metrics.report.usage", { said: typed, usage: typedParam(usage), example: typedParam(`${usage.split(" [")[0]} ${example(ctx)}`) }, "warning", true));
  const spaces = await ctx.deps.repos.spaces.listForCommunity(ctx.community.id);
  const report = await buildReport(ctx.deps, ctx.community.id, range, new Map(spaces.map((s) => [s.spaceKey, spaceName(ctx, s)])));
  if (!report) return outcome();
  return then(report);
}

const grammar = (words: string[]) => ({ words, parse: (rest: string) => ({ range: rest }) });

/** `report [FROM] [TO]`: the sponsor report card, privately, with its downloads. */
export const showReport = command({
  verb: REPORT_VERB,
  permission: "sponsor",
  where: "community",
  input: RangeInput,
  text: grammar(["report"]),
  help: { usage: "help.usage.report", describe: "help.cmd.report" },
  handle: (ctx, input) => withReport(ctx, input, "report [FROM] [TO]", (report) => outcome(reply(REPORT_PRESENTER, report, true))),
});

const fileName = (report: ReportData, ext: string) => `report-${report.from}-${report.to}.${ext}`;
const fileParams = (report: ReportData) => ({ name: report.communityName, from: report.from, to: report.to });

/** `report markdown [FROM] [TO]` (and the card's button): the report as a Markdown file, to the asker alone. */
export const downloadMarkdown = command({
  verb: MARKDOWN_VERB,
  permission: "sponsor",
  where: "community",
  input: RangeInput,
  text: grammar(["report markdown", "report md"]),
  help: { usage: "help.usage.reportMarkdown", describe: "help.cmd.reportMarkdown" },
  handle: (ctx, input) =>
    withReport(ctx, input, "report markdown [FROM] [TO]", (report) =>
      outcome(file({ name: fileName(report, "md"), mime: "text/markdown; charset=utf-8", bytes: reportMarkdown(report, ctx.words), title: ctx.words.plain("metrics.report.file.markdown", fileParams(report)) })),
    ),
});

/** `report csv [FROM] [TO]` (and the card's button): the report's figures as a CSV file, to the asker alone. */
export const downloadCsv = command({
  verb: CSV_VERB,
  permission: "sponsor",
  where: "community",
  input: RangeInput,
  text: grammar(["report csv"]),
  help: { usage: "help.usage.reportCsv", describe: "help.cmd.reportCsv" },
  handle: (ctx, input) =>
    withReport(ctx, input, "report csv [FROM] [TO]", (report) =>
      outcome(file({ name: fileName(report, "csv"), mime: "text/csv; charset=utf-8", bytes: reportCsv(report, ctx.words), title: ctx.words.plain("metrics.report.file.csv", fileParams(report)) })),
    ),
});
