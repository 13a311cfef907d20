import type { ViewOf } from "../views.js";
import { t, tRef } from "./index.js";

/** A count as the reader writes numbers (1,234 or 1.234 or 1 234), from their full locale, not just its language. */
export function formatCount(locale: string, count: number): string {
  try {
    return new Intl.NumberFormat(locale).format(count);
  } catch {
    // A locale tag the runtime does not know (platforms send odd ones): English grouping is still readable.
    return new Intl.NumberFormat("en").format(count);
  }
}

/** Where a fan-out stands: renderers show it with a symbol and words, never by colour alone. */
export type ProgressState = "sending" | "doneAll" | "doneSome";

export interface ProgressText {
  state: ProgressState;
  title: string;
  status: string;
  /** The status with what is being sent, for notifications and fallback text. */
  summary: string;
  facts: Array<{ label: string; value: string }>;
  /** Once done: how many were not reached or not delivered, and why. */
  notes: string[];
  /** While sending: that the message is private and will change. */
  footer: string;
}

const TITLE_CHARS = 150;
const plainTitle = (text: string) => text.replace(/\*\*|`/g, "");

/** The words of a progress view in the reader's language, shared by the Teams and Slack renderers. */
export function progressText(view: ViewOf<"progress">): ProgressText {
  const { locale } = view;
  const n = (count: number) => formatCount(locale, count);
  const what = plainTitle(tRef(locale, view.title));
  const clipped = what.length > TITLE_CHARS ? `${what.slice(0, TITLE_CHARS - 1)}…` : what;
  const state: ProgressState = !view.done ? "sending" : view.sent >= view.total ? "doneAll" : "doneSome";
  const status = t(locale, `progress.status.${state}`, { count: view.total, sent: n(view.sent), total: n(view.total) });
  const notes: string[] = [];
  if (view.done && view.unreachable > 0) notes.push(t(locale, "progress.why.unreachable", { count: view.unreachable, n: n(view.unreachable) }));
  if (view.done && view.failed > 0) notes.push(t(locale, "progress.why.failed", { count: view.failed, n: n(view.failed) }));
  return {
    state,
    title: t(locale, view.done ? "progress.title.done" : "progress.title.sending", { title: clipped }),
    status,
    summary: t(locale, "progress.summary", { status, title: clipped }),
    facts: [
      { label: t(locale, "progress.fact.sent"), value: n(view.sent) },
      { label: t(locale, "progress.fact.queued"), value: n(view.queued) },
      { label: t(locale, "progress.fact.unreachable"), value: n(view.unreachable) },
      { label: t(locale, "progress.fact.failed"), value: n(view.failed) },
    ],
    notes,
    footer: view.done ? "" : t(locale, "progress.updating"),
  };
}
