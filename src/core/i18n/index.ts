import { IntlMessageFormat } from "intl-messageformat";
import { en, type Catalog } from "./en.js";
import { pseudo } from "./pseudo.js";

export type MessageKey = keyof typeof en;
export type MessageParams = Record<string, string | number>;

/**
 * Catalogs by language; a locale falls back to its language, then to English. `qps` is the pseudo-locale
 * (qps-ploc): every message bracketed and accented, so a test can find text that skipped the catalog.
 */
// The pseudo-catalog (every message parsed and rewritten) is made on first use, not at every start-up.
let pseudoEn: Catalog | undefined;
const catalogs: Record<string, () => Catalog> = { en: () => en, qps: () => (pseudoEn ??= pseudo(en)) };

const compiled = new Map<string, IntlMessageFormat>();

export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}

/** The language a platform locale ("en-GB", "fr_FR") maps to among the catalogs we have. */
export function resolveLocale(locale: string | undefined): string {
  const language = (locale ?? "en").replace("_", "-").split("-")[0]!.toLowerCase();
  return language in catalogs ? language : "en";
}

/** Looks a message up by key and formats it for the reader's locale. */
export function t(locale: string | undefined, key: MessageKey, params: MessageParams = {}): string {
  const language = resolveLocale(locale);
  const cacheKey = `${language}\u0000${key}`;
  let format = compiled.get(cacheKey);
  if (!format) {
    const source = catalogs[language]?.()[key] ?? en[key];
    format = new IntlMessageFormat(source, language === "qps" ? "en" : language, undefined, { ignoreTag: true });
    compiled.set(cacheKey, format);
  }
  return String(format.format(params));
}
