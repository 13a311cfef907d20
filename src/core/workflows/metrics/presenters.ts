import { z } from "zod";
import type { Block, Card } from "../../kernel/card.js";
import { presenter } from "../../kernel/workflow.js";
import { Figures, METRICS, Period } from "./model.js";
import { periodWords, trendCell } from "./trend.js";

export const METRICS_PRESENTER = "metrics.show";
export const REPORT_VERB = "metrics.report";

export const MetricsData = z.object({
  communityName: z.string(),
  period: Period,
  previous: Period,
  computedAt: z.string(),
  /** The whole community first, then each space. */
  scopes: z.array(z.object({ name: z.string(), current: Figures, previous: Figures.optional() })).min(1).max(20),
});
export type MetricsData = z.infer<typeof MetricsData>;

/** A period's figures: one row per figure, the combined column then one per space, each with its trend. */
export const metricsPresenter = presenter({
  name: METRICS_PRESENTER,
  schema: MetricsData,
  render(d, words): Card {
    const period = periodWords(d.period);
    const all = d.scopes[0]!.current;
    const columns = [words.plain("metrics.column.metric"), ...d.scopes.map((s, i) => (i === 0 ? words.plain("metrics.column.combined") : s.name))];
    const rows = METRICS.map((m) => [words.plain(`metrics.metric.${m}`), ...d.scopes.map((s) => trendCell(m, s.current, s.previous, words))]);
    const blocks: Block[] = [
      { type: "table", columns, rows, omitted: 0 },
      { type: "context", texts: [words.t("metrics.show.compared", { previous: periodWords(d.previous) }), words.t("metrics.show.counted", { when: words.when(d.computedAt) })] },
      { type: "actions", actions: [{ label: words.plain("metrics.show.report"), verb: REPORT_VERB, data: {}, opensForm: false }] },
    ];
    return {
      title: words.plain("metrics.show.title", { name: d.communityName, period }),
      summary: words.t("metrics.show.summary", { name: d.communityName, period, members: all.members, active: all.active, joined: all.joined, left: all.left }),
      blocks,
    };
  },
});
