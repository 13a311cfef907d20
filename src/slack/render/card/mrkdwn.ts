/**
 * Neutral markdown (src/core/kernel/text.ts) as Slack mrkdwn, and as plain text for plain_text fields.
 *
 * Slack has no escape character. `&`, `<` and `>` become entities (docs.slack.dev "Formatting message
 * text"); a run of `*`, `_`, `~` or `` ` `` that must stay literal is written as the fallback of a date token
 * with an invalid format, `<!date^00000000^{_}|*>`, which Slack always shows as plain, unformatted text
 * (jsx-slack's `<Escape>`, in use since 2020). Zero-width spaces would not do: Slack reads U+200B as a word
 * boundary, so `\u200b*\u200bAna\u200b*\u200b` renders bold (slackify-markdown and jsx-slack's exact mode
 * insert it to make formatting work). Inside a link label no token is allowed, so look-alikes stand in there.
 */
import { LRUCache } from "lru-cache";
import { clean, cutSafely, plainText, tokens, type Token } from "../../../core/kernel/text.js";

const FORMATTING = /[*_~`]+/g;
const ZWSP = "\u200b";
// jsx-slack's look-alikes: asterisk operator, modifier low macron, modifier grave accent, tilde operator.
const LOOKALIKE: Record<string, string> = { "*": "\u2217", _: "\u02cd", "`": "\u02cb", "~": "\u223c" };

/** The three characters Slack parses in every text field, as the entities it decodes for display. */
export const entities = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Formatting characters kept literal: shown as the plain fallback of a date token Slack cannot format. */
const inert = (run: string): string => `<!date^00000000^{_}|${run}>`;

/** Text that is not markup (catalog words, people's escaped text): entities, and nothing Slack can pair. */
const literal = (text: string): string => entities(text).replace(FORMATTING, inert);

const SAFE_SCHEMES = /^(https?:|mailto:)/i;

function link(label: string, url: string): string {
  const shown = entities(label).replace(FORMATTING, (run) => [...run].map((c) => LOOKALIKE[c] ?? c).join(""));
  if (!SAFE_SCHEMES.test(url)) return literal(label || url);
  // A `|` in the address would end it early; the label may contain one.
  const target = entities(url).replace(/\|/g, "%7C");
  return shown.trim() ? `<${target}|${shown}>` : `<${target}>`;
}

/** Emphasis needs its markers against the words: surrounding spaces move outside them. */
function emphasis(marker: string, text: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
  return m[2] ? `${m[1]}${marker}${literal(m[2])}${marker}${m[3]}` : text;
}

/** A Slack person as a mention (Slack shows their current name, and links them); anyone else by name, in bold. */
function mention(personKey: string, name: string): string {
  const m = /^slack:[^:]+:([UW][A-Z0-9]{2,30})$/.exec(personKey);
  return m ? `<@${m[1]}>` : emphasis("*", name);
}

interface Piece {
  text: string;
  /** Wrapped in markers that need a word boundary on each side. */
  marked: boolean;
}

function piece(token: Token): Piece {
  switch (token.kind) {
    case "text":
      return { text: literal(token.text), marked: false };
    case "literal":
      return { text: literal(token.char), marked: false };
    case "newline":
      return { text: "\n", marked: false };
    case "bold":
      return { text: emphasis("*", token.text), marked: true };
    case "italic":
      return { text: emphasis("_", token.text), marked: true };
    case "code":
      return { text: `\`${entities(token.text)}\``, marked: true };
    case "link":
      return { text: link(token.label, token.url), marked: false };
    case "time":
      // Slack shows a date token in each reader's own zone; the fallback is for clients that cannot.
      return { text: `<!date^${Math.floor(Date.parse(token.iso) / 1000)}^{date_long_pretty} {time}|${entities(token.fallback)}>`, marked: false };
    case "person":
      return { text: mention(token.personKey, token.fallback), marked: false };
  }
}

const ENDS_WORD = /[\p{L}\p{N}]$/u;
const STARTS_WORD = /^[\p{L}\p{N}]/u;

/**
 * Mrkdwn made lately, by source (about 4 MB at most): a card's text is the same for every reader it is rendered
 * for (help, a poll's question and options), and the result depends on the source alone.
 */
const made = new LRUCache<string, string>({ maxSize: 2_000_000, sizeCalculation: (out, source) => out.length + source.length || 1 });

/** Neutral markdown as Slack mrkdwn: the catalog's markup kept, everything else shown exactly as typed. */
export function mrkdwn(source: string): string {
  let out = made.get(source);
  if (out === undefined) made.set(source, (out = toMrkdwn(source)));
  return out;
}

function toMrkdwn(source: string): string {
  const pieces = tokens(clean(source)).map(piece);
  let out = "";
  pieces.forEach((p, i) => {
    const prev = pieces[i - 1];
    // Slack formats `*x*` only at word boundaries; a zero-width space makes one inside a word (CJK, compounds).
    const touches = (p.marked && ENDS_WORD.test(out.slice(-2))) || (prev?.marked && STARTS_WORD.test(p.text.slice(0, 2)));
    out += (touches ? ZWSP : "") + p.text;
  });
  // A `>` at the start of a line would open a quote: an invisible soft hyphen comes first (as jsx-slack does).
  return out.replace(/^([ \t]*)&gt;/gm, "$1\u00ad&gt;");
}

/** Neutral markdown as plain words, for plain_text fields and alt text. */
export const plain = (source: string): string => plainText(clean(source));

/**
 * Text the card model gives as plain words already (card and form titles, button and field labels, hints,
 * field errors): only cleaned, since reading it as markup would eat a typed `snake_case_name`.
 */
export const plainWords = (text: string): string => clean(text);

/** What a cut must never split in mrkdwn: entities, `<…>` links and tokens, and whole emphasis or code spans. */
const TOKEN = String.raw`<[^<>\n]*>`;
export const MRKDWN_ATOMS = new RegExp(
  [String.raw`&(?:amp|lt|gt);`, TOKEN, String.raw`\*(?:${TOKEN}|[^*<\n])+\*`, String.raw`_(?:${TOKEN}|[^_<\n])+_`, "`[^`\\n]*`"].join("|"),
);
/** Entities and `<…>` only: for a span too long to keep whole. */
const LINK_ATOMS = new RegExp(`&(?:amp|lt|gt);|${TOKEN}`);

/** Mrkdwn cut to `max` units between graphemes, never inside an atom; `suffix` says that it was cut. */
export function cutMrkdwn(text: string, max: number, suffix = "…"): string {
  if (text.length <= max) return text;
  const whole = cutSafely(text, max, suffix, MRKDWN_ATOMS);
  // One emphasis span longer than the room: cut inside it rather than drop everything.
  return whole.length > suffix.length ? whole : cutSafely(text, max, suffix, LINK_ATOMS);
}

/** Plain text cut between graphemes. */
export const cutPlain = (text: string, max: number): string => cutSafely(text, max, "…");
