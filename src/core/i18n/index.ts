import { IntlMessageFormat } from "intl-messageformat";
import { en, type Catalog } from "./en.js";

export type MessageKey = keyof typeof en;
export type MessageParams = Record<string, string | number>;

/** Catalogs by language; a locale falls back to its language, then to English. */
const catalogs: Record<string, Catalog> = { en };

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
    const source = catalogs[language]?.[key] ?? en[key];
    format = new IntlMessageFormat(source, language, undefined, { ignoreTag: true });
    compiled.set(cacheKey, format);
  }
  return String(format.format(params));
}

/** Formats a message reference carried in a View (its key was checked when the view was made). */
export function tRef(locale: string | undefined, ref: { key: string; params?: MessageParams }): string {
  return isMessageKey(ref.key) ? t(locale, ref.key, ref.params ?? {}) : ref.key;
}

/** How a space is named to readers: "Slack: #data-stewards", or "a Microsoft Teams channel" when it has no name. */
export function spaceLabel(locale: string | undefined, space: { platform: "teams" | "slack"; displayName: string }): string {
  const platform = t(locale, `platform.${space.platform}`);
  return space.displayName ? t(locale, "charter.space", { platform, name: space.displayName }) : t(locale, "charter.spaceUnnamed", { platform });
}
