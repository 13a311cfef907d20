import type { MessageKey } from "../../i18n/index.js";
import type { Words } from "../../kernel/words.js";
import { metricValue, type Figures, type Metric, type Period } from "./model.js";

/** A figure as words: its value, and against the previous one an arrow and the change (points for rates). */
export function trendCell(metric: Metric, current: Figures, previous: Figures | undefined, words: Words): string {
  const now = metricValue(metric, current);
  if (now.value === undefined) return words.t("metrics.value.none");
  const value = now.percent ? words.plain("metrics.value.percent", { value: now.value }) : words.count(now.value);
  const before = previous ? metricValue(metric, previous).value : undefined;
  if (before === undefined) return value;
  const delta = now.value - before;
  if (delta === 0) return words.t("metrics.trend.same", { value });
  const key: MessageKey = now.percent ? (delta > 0 ? "metrics.trend.upPoints" : "metrics.trend.downPoints") : delta > 0 ? "metrics.trend.up" : "metrics.trend.down";
  return words.t(key, { value, delta: Math.abs(delta) });
}

/** A period as it is typed (`2026-11`): the same in every language, and what `metrics 2026-11` takes. */
export const periodWords = (period: Period): string => period;
