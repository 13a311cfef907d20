/**
 * Tables and charts as preformatted text: every Slack client shows it, screen readers read it row by row,
 * and the fake Web API validates it (no table or data_visualization block is needed).
 */
import type { BlockOf } from "../../../core/kernel/card.js";
import { cutPlain, entities, plain } from "./mrkdwn.js";

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const width = (text: string) => [...segmenter.segment(text)].length;
const pad = (text: string, to: number) => text + " ".repeat(Math.max(0, to - width(text)));

/** A cell or label on one line, cut between graphemes. */
const cell = (source: string, max: number) => cutPlain(plain(source).replace(/\s+/g, " ").trim(), max);

const CELL_MAX = 32;
const LABEL_MAX = 24;
const LINE_MAX = 200;
const BAR_WIDTH = 20;
const FENCE = "```";

/**
 * Plain lines as one preformatted mrkdwn block of at most `room` units: the first `fixed` lines (a table's
 * header) always, then as many of the rest as fit; `cut` is how many of the rest were left out.
 */
export function preformatted(lines: readonly string[], room: number, fixed = 0): { text: string; cut: number } {
  const shown: string[] = [];
  let size = FENCE.length * 2 + 2;
  for (const [i, line] of lines.entries()) {
    // Entities for Slack's control characters; a run of backticks would close the block, so it is broken up.
    const safe = entities(cutPlain(line, LINE_MAX)).replace(/`(?=`)/g, "`\u200b").trimEnd() || " ";
    if (size + safe.length + 1 > room && i >= fixed) break;
    shown.push(safe);
    size += safe.length + 1;
  }
  const cut = lines.length - Math.max(shown.length, fixed);
  return { text: shown.length ? `${FENCE}\n${shown.join("\n")}\n${FENCE}` : "", cut };
}

/** A table's header, a rule and its rows, columns padded to line up. */
export function tableLines(block: BlockOf<"table">): { lines: string[]; fixed: number } {
  const count = Math.max(block.columns.length, ...block.rows.map((r) => r.length));
  const grid = [...(block.columns.length ? [block.columns] : []), ...block.rows].map((row) =>
    Array.from({ length: count }, (_, i) => cell(row[i] ?? "", CELL_MAX)),
  );
  const widths = Array.from({ length: count }, (_, i) => Math.max(1, ...grid.map((row) => width(row[i]!))));
  const line = (row: string[]) => row.map((c, i) => pad(c, widths[i]!)).join("  ").trimEnd();
  const lines = grid.map(line);
  if (!block.columns.length) return { lines, fixed: 0 };
  return { lines: [lines[0]!, widths.map((w) => "─".repeat(w)).join("  "), ...lines.slice(1)], fixed: 2 };
}

const number = (value: number) => String(Math.round(value * 100) / 100);

/** Each series as text bars ("Yes  ▇▇▇▇▇ 12 (40%)"), scaled to its largest value. */
export function chartLines(block: BlockOf<"chart">): string[] {
  const labels = block.categories.map((c) => cell(c, LABEL_MAX));
  const labelWidth = Math.max(0, ...labels.map(width));
  const shares = block.kind !== "line";
  return block.series.flatMap((series) => {
    const values = labels.map((_, i) => series.values[i] ?? 0);
    const largest = Math.max(0, ...values.map(Math.abs));
    const total = values.reduce((sum, v) => sum + v, 0);
    const percents = shares && total > 0 && values.every((v) => v >= 0);
    const rows = values.map((value, i) => {
      const length = largest > 0 ? Math.max(value > 0 ? 1 : 0, Math.round((Math.abs(value) / largest) * BAR_WIDTH)) : 0;
      const share = percents ? ` (${Math.round((value / total) * 100)}%)` : "";
      return `${pad(labels[i]!, labelWidth)}  ${"▇".repeat(length)} ${number(value)}${share}`;
    });
    return block.series.length > 1 ? [cell(series.name, LINE_MAX), ...rows] : rows;
  });
}
