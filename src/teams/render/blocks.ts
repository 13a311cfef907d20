import type { Block, BlockOf, BlockType, CardAction } from "../../core/kernel/card.js";
import { esc } from "../../core/kernel/text.js";
import { TONES, type Element, type RenderContext } from "./context.js";
import { formData } from "./form.js";
import { cutNeutral, cutPlain, teamsLiteral, teamsMarkdown } from "./markdown.js";
import { expand } from "./templates.js";

/** What cards/blocks/<kind>.json is expanded with; null when the block has nothing to show. */
export type BlockData<K extends BlockType> = (block: BlockOf<K>, ctx: RenderContext) => object | null;

/** Neutral markdown cut to `max` and written as Teams markdown; a cut is remembered so the card says so. */
function md(ctx: RenderContext, neutral: string, max: number): string {
  const { text, cut } = cutNeutral(neutral, max);
  if (cut) ctx.textCut = true;
  return teamsMarkdown(text);
}

function plain(ctx: RenderContext, words: string, max: number): string {
  const { text, cut } = cutPlain(words, max);
  if (cut) ctx.textCut = true;
  return text;
}

/** "…and N more", or nothing when nothing was left out. */
const more = (ctx: RenderContext, count: number): string => (count > 0 ? teamsMarkdown(ctx.words.more(count)) : "");

const text: BlockData<"text"> = (block, ctx) => {
  // Inside a card of the same tone the card's container and heading glyph already say it (a notice has no heading).
  const tone = block.tone && (block.tone !== ctx.cardTone || !ctx.cardTitle) ? TONES[block.tone] : undefined;
  const heading = block.style === "heading";
  const subtle = block.style === "subtle";
  return {
    container: tone?.style ?? null,
    text: `${tone ? `${tone.glyph} ` : ""}${md(ctx, block.text, ctx.budget.text)}`,
    style: heading ? "heading" : null,
    weight: heading ? "Bolder" : null,
    size: heading ? "Medium" : subtle ? "Small" : null,
    subtle: subtle || null,
  };
};

const facts: BlockData<"facts"> = (block, ctx) => {
  if (block.facts.length === 0) return null;
  const kept = block.facts.slice(0, ctx.budget.items);
  return {
    facts: kept.map((fact) => ({ title: md(ctx, fact.label, ctx.budget.item), value: md(ctx, fact.value, ctx.budget.item) })),
    more: more(ctx, block.facts.length - kept.length),
  };
};

const list: BlockData<"list"> = (block, ctx) => {
  const kept = block.items.slice(0, ctx.budget.items);
  const nothing = block.items.length === 0 && block.omitted === 0;
  if (nothing && !block.heading && !block.empty) return null;
  return {
    heading: block.heading ? md(ctx, block.heading, ctx.budget.item) : "",
    items: kept.map((item) => ({ text: md(ctx, item, ctx.budget.item) })),
    emptyText: nothing ? md(ctx, block.empty, ctx.budget.item) : "",
    more: more(ctx, block.items.length - kept.length + block.omitted),
  };
};

const table: BlockData<"table"> = (block, ctx) => {
  if (block.columns.length === 0) return null;
  const kept = block.rows.slice(0, ctx.budget.items);
  const columns = block.columns.map((column) => md(ctx, column, ctx.budget.item));
  return {
    columns: columns.map(() => ({ width: 1 })),
    header: columns.map((column) => ({ text: column })),
    rows: kept.map((row) => {
      const cells = columns.map((column, i) => ({ column, text: md(ctx, row[i] ?? "", ctx.budget.item) }));
      // Without tables: each row's first cell as its heading, the others as facts under their column names.
      return { cells, label: cells[0]!.text, facts: cells.slice(1) };
    }),
    more: more(ctx, block.rows.length - kept.length + block.omitted),
  };
};

// Several series need the grouped (or stacked) variant; pie and donut show the first series.
const CHARTS = {
  bar: { one: ["Chart.VerticalBar", "points"], many: ["Chart.VerticalBar.Grouped", "series"] },
  horizontalBar: { one: ["Chart.HorizontalBar", "points"], many: ["Chart.HorizontalBar.Stacked", "stacks"] },
  pie: { one: ["Chart.Pie", "slices"], many: ["Chart.Pie", "slices"] },
  donut: { one: ["Chart.Donut", "slices"], many: ["Chart.Donut", "slices"] },
  line: { one: ["Chart.Line", "series"], many: ["Chart.Line", "series"] },
} as const satisfies Record<BlockOf<"chart">["kind"], Record<"one" | "many", readonly [string, string]>>;

const chart: BlockData<"chart"> = (block, ctx) => {
  const [chartType, shape] = CHARTS[block.kind][block.series.length > 1 ? "many" : "one"];
  const categories = block.categories.map((category) => plain(ctx, category, ctx.budget.item));
  const series = block.series.map((s) => ({ legend: plain(ctx, s.name, ctx.budget.item), values: categories.map((x, i) => ({ x, y: s.values[i] ?? 0 })) }));
  const first = series[0]!;
  const title = plain(ctx, block.title, ctx.budget.item);
  // Clients without charts show the numbers as a table under the chart's name.
  const values = renderBlock({ type: "table", columns: ["", ...block.series.map((s) => esc(s.name))], rows: block.categories.map((category, i) => [esc(category), ...block.series.map((s) => String(s.values[i] ?? ""))]), omitted: 0 }, ctx);
  const fallback = { type: "Container", items: [{ type: "TextBlock", text: teamsMarkdown(ctx.words.chartFallback(esc(title))), weight: "Bolder", wrap: true }, ...(values ? [values] : [])] };
  return {
    alt: teamsLiteral(plain(ctx, block.alt, ctx.budget.text)),
    chartType,
    shape,
    title,
    points: first.values,
    series,
    slices: first.values.map(({ x, y }) => ({ legend: x, value: y })),
    stacks: categories.map((category, i) => ({ title: category, values: series.map((s) => ({ legend: s.legend, value: s.values[i]!.y })) })),
    fallback,
  };
};

const image: BlockData<"image"> = (block) => ({ url: block.url, alt: block.alt });

const context: BlockData<"context"> = (block, ctx) =>
  block.texts.length === 0 ? null : { texts: block.texts.map((text) => ({ text: md(ctx, text, ctx.budget.item) })) };

const ACTION_STYLES = { primary: "positive", danger: "destructive" } as const;

/** Every button is an Action.Submit: Action.Execute does not work on Teams iOS/Android (AdaptiveCards #9315). */
const submitAction = (action: CardAction): Element => ({
  title: action.label,
  style: action.style ? ACTION_STYLES[action.style] : null,
  // The verb last, so no argument can stand in for it.
  data: { ...action.data, verb: action.verb },
});

const actions: BlockData<"actions"> = (block) => (block.actions.length === 0 ? null : { actions: block.actions.map(submitAction) });

/** One template-data builder per block kind, each expanding cards/blocks/<kind>.json: a missing one is a compile error. */
export const BLOCK_DATA = { text, facts, list, table, chart, image, context, actions, form: formData } satisfies { [K in BlockType]: BlockData<K> };

/** The block as one Adaptive Card element, or undefined when it has nothing to show. */
export function renderBlock(block: Block, ctx: RenderContext): Element | undefined {
  const data = (BLOCK_DATA[block.type] as BlockData<BlockType>)(block, ctx);
  return data ? expand(block.type, data) : undefined;
}
