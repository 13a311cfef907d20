/**
 * Neutral markdown: what cards carry. The catalog writes `**bold**`, `_italic_`, `` `code` `` and
 * `[label](url)`; anything a person typed goes through `esc()` first, so it shows as typed on every platform.
 */

// Bidirectional overrides/isolates and NUL: invisible, and able to make text read other than it is.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be removed.
const INVISIBLE = /[\u0000\u202A-\u202E\u2066-\u2069]/g;
const MARKUP = /[\\`*_[\]~<>|]/g;
// Line-start markers (headings, quotes, list items) act only at the start of a line, and only before a space.
const LINE_MARKER = /^(\s*)(#{1,6}|[+-]|\d+[.)])(?=\s|$)/gm;

/** Removes what no one should be able to put into a message (NUL, bidi overrides). */
export const clean = (text: string): string => text.replace(INVISIBLE, "");

/** Text a person typed, made literal: a backslash before every markup character, then invisible controls removed. */
export function esc(text: string): string {
  return clean(text)
    .replace(MARKUP, "\\$&")
    .replace(LINE_MARKER, (_m, space: string, marker: string) => `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}`);
}

/** A token of neutral markdown: an escaped character, a run of markup or a run of plain text. */
export type Token =
  | { kind: "text"; text: string }
  | { kind: "literal"; char: string }
  | { kind: "bold" | "italic" | "code"; text: string }
  | { kind: "link"; label: string; url: string }
  /** An instant each renderer shows in its reader's own zone; `fallback` is for plain-text surfaces. */
  | { kind: "time"; iso: string; fallback: string }
  /** A person as their own platform links them (a Slack mention); `fallback` (their name) everywhere else. */
  | { kind: "person"; personKey: string; fallback: string }
  | { kind: "newline" };

/**
 * Reads neutral markdown into tokens, so each platform writes its own syntax (and escapes what it must)
 * without guessing what was markup and what was typed. Emphasis does not nest (the catalog never nests it).
 */
export function tokens(source: string): Token[] {
  const out: Token[] = [];
  // Plain text is kept as the run [from, i) and cut out once, when something else starts.
  let from = 0;
  const flush = (i: number) => {
    if (i > from) out.push({ kind: "text", text: source.slice(from, i) });
  };
  for (let i = 0; i < source.length; ) {
    const ch = source[i]!;
    let token: Token | undefined;
    let end = i;
    if (ch === "\\" && i + 1 < source.length) {
      token = { kind: "literal", char: source[i + 1]! };
      end = i + 2;
    } else if (ch === "\n") {
      token = { kind: "newline" };
      end = i + 1;
    } else if (ch in SPANS) {
      const span = markupAt(source, i);
      if (span) ({ token, end } = span);
    }
    if (!token) {
      i += 1;
      continue;
    }
    flush(i);
    out.push(token);
    i = from = end;
  }
  flush(source.length);
  return out;
}

/** The unescaped content of a span (`\*` → `*`). */
const unescape = (text: string) => text.replace(/\\(.)/g, "$1");

/** An instant: `<time:2027-01-14T14:00:00Z|fallback>` (typed `<` is always escaped, so only a presenter writes one). */
const TIME = /<time:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)\|([^<>|\\\n]*)>/y;

/**
 * An instant in neutral markdown: each renderer writes it so the platform shows it in each reader's own
 * zone (Slack `<!date^…>`, Teams `{{DATE()}} {{TIME()}}`); `fallback` (plain words, e.g. in the writer's
 * zone) is what plain-text surfaces show.
 */
export function instant(at: Date | string, fallback: string): string {
  const iso = new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `<time:${iso}|${clean(fallback).replace(/[<>|\\\n]/g, " ")}>`;
}

/** A person: `<person:slack:T1:U3|Carol>` (typed `<` is always escaped, so only a presenter writes one). */
const PERSON = /<person:((?:teams|slack):[^<>|\\\n\s]+)\|([^<>|\\\n]*)>/y;

/** A person in neutral markdown: a Slack renderer mentions a Slack person; every other surface shows `name`. */
export function person(personKey: string, name: string): string {
  return `<person:${personKey.replace(/[<>|\\\s]/g, "")}|${clean(name).replace(/[<>|\\\n]/g, " ")}>`;
}

// Spans by their first character, each pattern sticky: matched where it stands, without copying the rest of the text.
const SPANS: Record<string, Array<[RegExp, (m: RegExpExecArray) => Token]>> = {
  "<": [
    [TIME, (m) => ({ kind: "time", iso: m[1]!, fallback: m[2]! })],
    [PERSON, (m) => ({ kind: "person", personKey: m[1]!, fallback: m[2]! })],
  ],
  "*": [[/\*\*((?:\\.|[^*\\\n])+?)\*\*/y, (m) => ({ kind: "bold", text: unescape(m[1]!) })]],
  _: [[/_((?:\\.|[^_\\\n])+?)_/y, (m) => ({ kind: "italic", text: unescape(m[1]!) })]],
  "`": [[/`([^`\n]+)`/y, (m) => ({ kind: "code", text: m[1]! })]],
  "[": [[/\[((?:\\.|[^\]\\\n])+)\]\(([^)\s]+)\)/y, (m) => ({ kind: "link", label: unescape(m[1]!), url: m[2]! })]],
};

function markupAt(source: string, i: number): { token: Token; end: number } | undefined {
  for (const [pattern, token] of SPANS[source[i]!] ?? []) {
    pattern.lastIndex = i;
    const m = pattern.exec(source);
    if (m) return { token: token(m), end: i + m[0].length };
  }
  return undefined;
}

/** Neutral markdown as plain words: markup dropped, escapes resolved (plain-text surfaces, fallbacks). */
export function plainText(source: string): string {
  return tokens(source)
    .map((t) => {
      switch (t.kind) {
        case "text":
          return t.text;
        case "literal":
          return t.char;
        case "newline":
          return "\n";
        case "link":
          return t.label;
        case "time":
        case "person":
          return t.fallback;
        default:
          return t.text;
      }
    })
    .join("");
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * The longest start of `text` that fits `max` UTF-16 units with `suffix` appended, cut only between
 * graphemes and never inside an atom (an entity, an escape, a markup span) that `atoms` matches.
 */
export function cutSafely(text: string, max: number, suffix = "…", atoms?: RegExp): string {
  if (text.length <= max) return text;
  const budget = Math.max(0, max - suffix.length);
  // Positions where a cut may fall: grapheme boundaries outside any atom.
  const blocked: Array<[number, number]> = [];
  if (atoms) for (const m of text.matchAll(new RegExp(atoms.source, atoms.flags.includes("g") ? atoms.flags : `${atoms.flags}g`))) blocked.push([m.index, m.index + m[0].length]);
  let end = 0;
  for (const { index, segment } of segmenter.segment(text)) {
    const next = index + segment.length;
    if (next > budget) break;
    if (!blocked.some(([from, to]) => next > from && next < to)) end = next;
  }
  return `${text.slice(0, end).trimEnd()}${suffix}`;
}
