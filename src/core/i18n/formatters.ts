import { LRUCache } from "lru-cache";

/**
 * Intl formatters are costly to build (locale data is resolved each time) and cheap to reuse: one per locale
 * and options, kept (bounded: platforms send odd locale tags). A locale the runtime refuses throws, as `new` does.
 */
const made = new LRUCache<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat | Intl.Collator>({ max: 500 });

function memo<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat | Intl.Collator>(key: string, make: () => T): T {
  const found = made.get(key) as T | undefined;
  if (found) return found;
  const formatter = make();
  made.set(key, formatter);
  return formatter;
}

export const numberFormat = (locale: string) => memo(`n\u0000${locale}`, () => new Intl.NumberFormat(locale));
export const dateTimeFormat = (locale: string, options: Intl.DateTimeFormatOptions) => memo(`d\u0000${locale}\u0000${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
export const listFormatter = (locale: string, type: "conjunction" | "disjunction") => memo(`l\u0000${locale}\u0000${type}`, () => new Intl.ListFormat(locale, { type }));
export const collator = (locale: string) => memo(`c\u0000${locale}`, () => new Intl.Collator(locale));
