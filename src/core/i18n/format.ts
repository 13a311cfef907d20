import { numberFormat } from "./formatters.js";

/** A count as the reader writes numbers (1,234 or 1.234 or 1 234), from their full locale, not just its language. */
export function formatCount(locale: string, count: number): string {
  try {
    return numberFormat(locale).format(count);
  } catch {
    // A locale tag the runtime does not know (platforms send odd ones): English grouping is still readable.
    return numberFormat("en").format(count);
  }
}
