import { z } from "zod";
import type { Card } from "./card.js";
import { cutSafely } from "./text.js";
import { presenter } from "./workflow.js";

const count = z.number().int().nonnegative();

/** How far a fan-out has got, shown privately to the facilitator who started it and updated in place. */
export const ProgressData = z.object({
  /** What is being sent, in a few plain words (the sent card's title). */
  title: z.string(),
  total: count,
  sent: count,
  failed: count,
  unreachable: count,
  queued: count,
  done: z.boolean(),
});
export type ProgressData = z.infer<typeof ProgressData>;

const TITLE_CHARS = 150;

export const progressPresenter = presenter({
  name: "progress",
  schema: ProgressData,
  render(view, words): Card {
    const n = (value: number) => words.count(value);
    const what = cutSafely(view.title, TITLE_CHARS);
    const state = !view.done ? "sending" : view.sent >= view.total ? "doneAll" : "doneSome";
    const status = words.t(`progress.status.${state}`, { count: view.total, sent: n(view.sent), total: n(view.total) });
    const notes: string[] = [];
    if (view.done && view.unreachable > 0) notes.push(words.t("progress.why.unreachable", { count: view.unreachable, n: n(view.unreachable) }));
    if (view.done && view.failed > 0) notes.push(words.t("progress.why.failed", { count: view.failed, n: n(view.failed) }));
    if (!view.done) notes.push(words.t("progress.updating"));
    return {
      title: words.plain(view.done ? "progress.title.done" : "progress.title.sending", { title: what }),
      summary: words.t("progress.summary", { status: words.plain(`progress.status.${state}`, { count: view.total, sent: n(view.sent), total: n(view.total) }), title: what }),
      tone: state === "sending" ? "info" : state === "doneAll" ? "success" : "warning",
      blocks: [
        // The card's tone brings its glyph (⏳ is the info tone's here): the state is never colour alone.
        { type: "text", text: status, style: "default" },
        {
          type: "facts",
          facts: [
            { label: words.plain("progress.fact.sent"), value: n(view.sent) },
            { label: words.plain("progress.fact.queued"), value: n(view.queued) },
            { label: words.plain("progress.fact.unreachable"), value: n(view.unreachable) },
            { label: words.plain("progress.fact.failed"), value: n(view.failed) },
          ],
        },
        ...(notes.length ? [{ type: "context" as const, texts: notes }] : []),
      ],
    };
  },
});
