import { t } from "../../core/i18n/index.js";
import type { RenderWords, Tone } from "../../core/kernel/card.js";

/** An Adaptive Card element, action or property value as JSON. */
export type Element = { [key: string]: unknown };

/** How much of each block a card may carry; tightened until the card fits Teams' message size. */
export interface Budget {
  /** List items, facts and table rows. */
  items: number;
  /** UTF-16 units of a text block or chart description. */
  text: number;
  /** UTF-16 units of one list item, fact, table cell or context line. */
  item: number;
}

/** Words the Teams renderer adds beyond RenderWords (chart captions, input error messages). */
interface TeamsWords {
  textCut(): string;
  chartFallback(title: string): string;
  required(): string;
  atLeast(min: number): string;
  atMost(max: number): string;
}
/** The words the Teams renderer adds itself, in the reader's language: neutral markdown, like the catalog. */
export type TeamsRenderWords = RenderWords & Partial<TeamsWords>;
export type Words = RenderWords & TeamsWords;

const catalogWords = (locale: string): Words => ({
  more: (count) => t(locale, "list.more", { count }),
  partsOmitted: (count) => t(locale, "card.partsOmitted", { count }),
  textCut: () => t(locale, "card.textCut"),
  chartFallback: (title) => t(locale, "card.chartFallback", { title }),
  required: () => t(locale, "form.error.required"),
  atLeast: (min) => t(locale, "form.error.atLeast", { min }),
  atMost: (max) => t(locale, "form.error.atMost", { max }),
});

// Every word by name: one missing here is a compile error.
const WORD_NAMES = Object.keys({ more: 1, partsOmitted: 1, textCut: 1, chartFallback: 1, required: 1, atLeast: 1, atMost: 1 } satisfies Record<keyof Words, 1>) as Array<keyof Words>;

/** The caller's words where given (methods keep their `this`); the rest from the catalog in `locale` (English by default). */
export function wordsFrom(words: TeamsRenderWords | undefined, locale = "en"): Words {
  const fallback = catalogWords(locale);
  const given = words as Partial<Words> | undefined;
  return Object.fromEntries(
    WORD_NAMES.map((name) => [name, typeof given?.[name] === "function" ? (given[name] as (...args: never[]) => string).bind(given) : fallback[name]]),
  ) as unknown as Words;
}

/** A glyph and a container style per tone, so the tone never rests on colour alone. */
export const TONES: Record<Tone, { glyph: string; style: string }> = {
  info: { glyph: "ℹ️", style: "emphasis" },
  success: { glyph: "✅", style: "good" },
  warning: { glyph: "⚠️", style: "warning" },
  error: { glyph: "⛔", style: "attention" },
};

/** What every block renderer of one card sees. */
export interface RenderContext {
  readonly budget: Budget;
  readonly words: Words;
  readonly cardTitle: string;
  /** The card's own tone: its body is already styled and its heading carries the glyph. */
  readonly cardTone: Tone | undefined;
  /** Set when any text was shortened, so the card says so once. */
  textCut: boolean;
}
