import { formatCount } from "../i18n/format.js";
import { dateTimeFormat, listFormatter } from "../i18n/formatters.js";
import type { RenderWords } from "./card.js";
import { t, type MessageKey } from "../i18n/index.js";
import type { Reader } from "./reader.js";
import { typed } from "./reader.js";
import { esc, instant, plainText } from "./text.js";

/** A parameter that is already neutral markdown (a typed command, a list of escaped names): inserted as is. */
export class Md {
  constructor(readonly text: string) {}
}
export const md = (text: string): Md => new Md(text);

export type Param = string | number | Md;
export type Params = Record<string, Param>;

/** The catalog for one reader: every string parameter is text people typed, so it is escaped. */
export interface Words {
  readonly reader: Reader;
  readonly locale: string;
  /** A message as neutral markdown. */
  t(key: MessageKey, params?: Params): string;
  /** A message as plain words (headings, buttons, labels). */
  plain(key: MessageKey, params?: Params): string;
  /** "A, B and C" in the reader's language; the items are neutral markdown already. */
  and(items: string[]): string;
  or(items: string[]): string;
  count(n: number): string;
  /** A command as the reader types it there (neutral markdown code). */
  typed(usage: string): Md;
  /** An instant, shown by each platform in its reader's own zone; plain text gets it in this reader's zone. */
  when(at: Date | string): Md;
}

/** An instant as plain words in a zone ("Thursday, 14 January 2027 at 15:00 CET"), for plain-text surfaces. */
export function dateTimeWords(locale: string, at: Date | string, zone = "UTC"): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: "full", timeStyle: "short", timeZone: zone };
  const zoneName = (l: string) => dateTimeFormat(l, { timeZone: zone, timeZoneName: "short" }).formatToParts(new Date(at)).find((p) => p.type === "timeZoneName")?.value ?? zone;
  try {
    return `${dateTimeFormat(locale, options).format(new Date(at))} ${zoneName(locale)}`;
  } catch {
    return `${dateTimeFormat("en", { ...options, timeZone: "UTC" }).format(new Date(at))} UTC`;
  }
}

function listFormat(locale: string, type: "conjunction" | "disjunction", items: string[]): string {
  try {
    return listFormatter(locale, type).format(items);
  } catch {
    return listFormatter("en", type).format(items);
  }
}

export function wordsFor(reader: Reader): Words {
  const { locale } = reader;
  const resolve = (params: Params = {}) =>
    Object.fromEntries(Object.entries(params).map(([name, value]) => [name, value instanceof Md ? value.text : typeof value === "string" ? esc(value) : value]));
  return {
    reader,
    locale,
    t: (key, params) => t(locale, key, resolve(params)),
    plain: (key, params) => plainText(t(locale, key, resolve(params))),
    and: (items) => listFormat(locale, "conjunction", items),
    or: (items) => listFormat(locale, "disjunction", items),
    count: (n) => formatCount(locale, n),
    typed: (usage) => md(typed(reader, usage)),
    when: (at) => md(instant(at, dateTimeWords(locale, at, reader.timezone))),
  };
}

/** The words renderers add themselves ("…and 3 more"), in the reader's language. */
export function renderWordsFor(locale: string): RenderWords {
  return {
    more: (count) => t(locale, "list.more", { count }),
    partsOmitted: (count) => t(locale, "card.partsOmitted", { count }),
    textCut: () => t(locale, "card.textCut"),
  };
}
