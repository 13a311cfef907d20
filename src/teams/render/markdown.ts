/**
 * Neutral markdown → the markdown a Teams TextBlock (and Fact title/value, which Teams also reads as
 * markdown) renders: bold, italic and links kept, everything the core marked literal backslash-escaped
 * so it shows as typed.
 */
import { cutSafely, esc, tokens, type Token } from "../../core/kernel/text.js";

// What Teams' card markdown acts on anywhere in a line (emphasis, code, links, images, autolinks).
const INLINE = /[\\`*_[\]~<]/g;
const INLINE_CHAR = new RegExp(INLINE.source);
// What esc() escapes where a line starts (headings, list items, numbered items): escaped there for Teams too.
const LINE_MARKERS = /^[#+\-.)]$/;

/**
 * Text shown literally inside Teams markdown (inline markup characters escaped); a typed `{{` is split by a
 * zero-width space so Teams never reads it as one of its text functions (`{{DATE(…)}}`).
 */
const inline = (text: string): string => text.replace(INLINE, "\\$&").replace(/\{(?=\{)/g, "{\u200b");

// `>` quotes only at a line's start and `|` makes no table in a TextBlock: elsewhere they need no escape.
const literal = (char: string, atLineStart: boolean): string =>
  INLINE_CHAR.test(char) || LINE_MARKERS.test(char) || (char === ">" && atLineStart) ? `\\${char}` : char;

// Only links people can safely follow; any other scheme shows its label alone.
const SAFE_URL = /^(https:|http:|mailto:)/i;

function render(token: Token, atLineStart: boolean): string {
  switch (token.kind) {
    case "text":
      return inline(token.text);
    case "literal":
      return literal(token.char, atLineStart);
    case "newline":
      return "\n";
    case "bold":
      return `**${inline(token.text)}**`;
    case "italic":
      return `_${inline(token.text)}_`;
    case "code":
      // Teams does not render inline code reliably (mobile shows the backticks): a command reads best quoted.
      return `“${inline(token.text)}”`;
    case "link":
      return SAFE_URL.test(token.url) ? `[${inline(token.label)}](${token.url})` : inline(token.label);
    case "time":
      // Teams' text functions show the instant in each reader's own zone and language.
      return `{{DATE(${token.iso}, LONG)}} {{TIME(${token.iso})}}`;
    case "person":
      return `**${inline(token.name)}**`;
  }
}

/** Neutral markdown (catalog text with escaped user text) as Teams TextBlock markdown. */
export function teamsMarkdown(neutral: string): string {
  let out = "";
  let atLineStart = true;
  for (const token of tokens(neutral)) {
    out += render(token, atLineStart);
    atLineStart = token.kind === "newline" || (atLineStart && token.kind === "text" && /^[ \t]*$/.test(token.text));
  }
  return out;
}

/** Plain words (a title, a label, a hint) for a TextBlock: shown exactly as written, never as markdown. */
export const teamsLiteral = (plain: string): string => teamsMarkdown(esc(plain));

// The atoms of neutral markdown a cut must not split: an escape, then bold, italic, code and link spans.
const NEUTRAL_ATOMS = /<(?:time|person):[^<>\n]*>|\\[\s\S]|\*\*(?:\\.|[^*\\\n])+?\*\*|_(?:\\.|[^_\\\n])+?_|`[^`\n]+`|\[(?:\\.|[^\]\\\n])+\]\([^)\s]+\)/g;

/** Neutral markdown cut to `max` UTF-16 units between graphemes, never inside an atom; `cut` says whether it was. */
export function cutNeutral(text: string, max: number): { text: string; cut: boolean } {
  const kept = cutSafely(text, max, "…", NEUTRAL_ATOMS);
  return { text: kept, cut: kept !== text };
}

/** Plain words cut to `max` UTF-16 units between graphemes. */
export function cutPlain(text: string, max: number): { text: string; cut: boolean } {
  const kept = cutSafely(text, max);
  return { text: kept, cut: kept !== text };
}
