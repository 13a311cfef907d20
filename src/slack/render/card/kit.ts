/** Block Kit pieces the card renderers share, each kept inside Slack's limits table. */
import type { types as Slack } from "@slack/bolt";
import { renderWordsFor } from "../../../core/kernel/words.js";
import type { CardAction, RenderWords, Tone } from "../../../core/kernel/card.js";
import { clean, esc, tokens } from "../../../core/kernel/text.js";
import { SLACK_LIMITS as L } from "../../limits.js";
import { cutMrkdwn, cutPlain, mrkdwn, plain, plainWords } from "./mrkdwn.js";

export type KnownBlock = Slack.KnownBlock;

/** The words a card renderer adds, plus the note Slack renderings put where they shortened a text. */
export interface SlackRenderWords extends RenderWords {
  textCut(): string;
}

/** The renderer's own words in the card reader's language. */
export const renderWords = (locale = "en"): SlackRenderWords => renderWordsFor(locale);

export const englishRenderWords: SlackRenderWords = renderWords("en");

/** Callers may pass the kernel's RenderWords alone; the note on shortened text is then in English. */
export const slackWords = (words: RenderWords & Partial<SlackRenderWords>): SlackRenderWords => ({
  more: (n) => words.more(n),
  partsOmitted: (n) => words.partsOmitted(n),
  textCut: () => (words.textCut ? words.textCut() : englishRenderWords.textCut()),
});

/** Tone is carried by a symbol and the words, never by colour alone. */
export const TONE_GLYPH: Record<Tone, string> = {
  info: ":information_source:",
  success: ":white_check_mark:",
  warning: ":warning:",
  error: ":x:",
};

export const plainEl = (text: string, max: number): Slack.PlainTextElement => ({ type: "plain_text", text: cutPlain(text, max), emoji: true });

/** The line that ends a shortened mrkdwn text, saying so. */
export const cutNote = (words: SlackRenderWords): string => `…\n${mrkdwn(words.textCut())}`;

/**
 * A mrkdwn text object cut to `max`. Verbatim: Slack's automatic parsing would turn a typed `@here` or
 * `#channel` into a mention or link (Slack advises turning it off); links come only from `<url|label>`.
 */
export const mrkdwnEl = (text: string, max: number, note = "…"): Slack.MrkdwnElement => ({ type: "mrkdwn", text: cutMrkdwn(text, max, note), verbatim: true });

export const section = (text: string, note = "…"): Slack.SectionBlock => ({ type: "section", text: mrkdwnEl(text, L.section.text, note) });

export const context = (texts: string[]): Slack.ContextBlock[] => {
  const shown = texts.filter((text) => text.trim());
  if (!shown.length) return [];
  // Slack allows ten elements: the rest share the tenth.
  const kept = shown.length > L.context.elements ? [...shown.slice(0, L.context.elements - 1), shown.slice(L.context.elements - 1).join(" · ")] : shown;
  return [{ type: "context", elements: kept.map((text) => mrkdwnEl(text, L.text.max)) }];
};

/** Plain words as one bold mrkdwn line. */
export function strongWords(text: string): string {
  const line = plainWords(text).replace(/\s*\n\s*/g, " ").trim();
  return line ? mrkdwn(`**${esc(line)}**`) : "";
}

/** Neutral markdown as a heading (fact labels, list and chart titles): bold, unless it carries its own markup. */
export function strong(source: string): string {
  const marked = tokens(clean(source)).some((t) => t.kind !== "text" && t.kind !== "literal" && t.kind !== "newline");
  return marked ? mrkdwn(source) : strongWords(plain(source));
}

/** A verb made unique within its block: `vote`, `vote#2`, `vote#3`. */
export function uniqueActionIds(verbs: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return verbs.map((verb) => {
    const n = (seen.get(verb) ?? 0) + 1;
    seen.set(verb, n);
    const suffix = n > 1 ? `#${n}` : "";
    return verb.slice(0, L.element.actionId - suffix.length) + suffix;
  });
}

/** The verb a button's action_id carries (its `#n` suffix removed). */
export const actionVerb = (actionId: string): string => actionId.replace(/#\d+$/, "");

export function button(action: CardAction, actionId: string, style = action.style): Slack.Button {
  const value = JSON.stringify(action.data);
  // A cut value would be a different command: the core keeps button data small, so this is a bug.
  if (value.length > L.button.value) throw new Error(`Button data for ${action.verb} is ${value.length} characters; Slack allows ${L.button.value}`);
  return {
    type: "button",
    text: plainEl(plainWords(action.label).trim() || action.verb, L.button.text),
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

/** Buttons and form openers survive an overflow: other blocks go first, from the end. */
const interactive = (block: KnownBlock) => block.type === "actions" || (block.type === "section" && block.accessory !== undefined);

/** Keeps a surface within its block limit, saying how many parts were left out. */
export function fitBlocks(blocks: KnownBlock[], max: number, words: SlackRenderWords): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const out = [...blocks];
  let excess = out.length - (max - 1);
  for (let i = out.length - 1; i >= 0 && excess > 0; i--) {
    if (!interactive(out[i]!)) {
      out.splice(i, 1);
      excess -= 1;
    }
  }
  if (excess > 0) out.splice(max - 1);
  return [...out, ...context([mrkdwn(words.partsOmitted(blocks.length - out.length))])];
}
