import { z } from "zod";
import type { MessageKey } from "../../i18n/index.js";
import type { Card } from "../../kernel/card.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import { templateById } from "../surveys/templates.js";
import { PlacedStep, type PlanStep } from "./model.js";

export const PREVIEW_PRESENTER = "plan.preview";
export const STATUS_PRESENTER = "plan.status";
export const DUE_PRESENTER = "plan.due";
export const CONFIRM_VERB = "plan.confirm";

const DAYS = /^P(\d+)D$/;

/** One step in the reader's words (what was typed in the plan file escaped). */
export function describeStep(step: PlanStep, words: Words): string {
  switch (step.kind) {
    case "event": {
      const params = { kind: words.plain(`events.kind.${step.event}` as MessageKey), title: step.title, minutes: step.minutes };
      const days = Number(DAYS.exec(step.guideBefore)?.[1] ?? 0);
      return step.guide || step.readings.length ? words.t("plan.step.eventGuide", { ...params, days }) : words.t("plan.step.event", params);
    }
    case "survey": {
      const template = templateById(step.template);
      return words.t("plan.step.survey", { template: template ? words.plain(template.name) : step.template, days: step.deadlineDays });
    }
    case "digest":
      return words.t("plan.step.digest", { cadence: words.plain(`plan.cadence.${step.cadence}`) });
    case "report":
      return words.t("plan.step.report", { to: words.plain(`plan.to.${step.to}`) });
    case "task":
      return words.t("plan.step.task", { text: step.text });
  }
}

const item = (s: PlacedStep, words: Words) => words.t("plan.item", { when: words.when(s.at), step: md(describeStep(s.step, words)) });

const PreviewData = z.object({ planId: z.string(), name: z.string(), start: z.string(), steps: z.array(PlacedStep) });

/** What a plan will create, each thing with its date in the reader's zone, and the button that creates it. */
export const previewPresenter = presenter({
  name: PREVIEW_PRESENTER,
  schema: PreviewData,
  render(data, words): Card {
    const events = data.steps.filter((s) => s.step.kind === "event").length;
    const surveys = data.steps.filter((s) => s.step.kind === "survey").length;
    const summary = words.t("plan.preview.summary", { count: data.steps.length, start: data.start, events, surveys, others: data.steps.length - events - surveys });
    return {
      title: words.plain("plan.preview.title", { name: data.name }),
      summary,
      blocks: [
        { type: "text", text: summary, style: "default" },
        { type: "list", heading: "", items: data.steps.map((s) => item(s, words)), omitted: 0, empty: "" },
        { type: "context", texts: [words.t("plan.preview.hint", { undo: words.typed("plan undo") })] },
        { type: "actions", actions: [{ label: words.plain("plan.preview.confirm"), verb: CONFIRM_VERB, data: { plan: data.planId }, style: "primary", opensForm: false }] },
      ],
    };
  },
});

const StatusData = z.object({ name: z.string(), now: z.string(), steps: z.array(PlacedStep) });

/** Where the community stands in its plan: done, next and later, with dates. */
export const statusPresenter = presenter({
  name: STATUS_PRESENTER,
  schema: StatusData,
  render(data, words): Card {
    const done = data.steps.filter((s) => s.at <= data.now);
    const ahead = data.steps.filter((s) => s.at > data.now);
    const next = ahead[0];
    const summary = next
      ? words.t("plan.status.summary", { done: done.length, count: data.steps.length, next: md(item(next, words)) })
      : words.t("plan.status.finished", { count: data.steps.length });
    const list = (heading: MessageKey, steps: PlacedStep[]) => ({ type: "list" as const, heading: words.plain(heading), items: steps.map((s) => item(s, words)), omitted: 0, empty: "" });
    return {
      title: words.plain("plan.status.title", { name: data.name }),
      summary,
      blocks: [
        { type: "text", text: summary, style: "default" },
        ...(done.length ? [list("plan.status.done", done)] : []),
        ...(next ? [list("plan.status.next", [next])] : []),
        ...(ahead.length > 1 ? [list("plan.status.later", ahead.slice(1))] : []),
      ],
    };
  },
});

const DueData = z.object({ name: z.string(), step: PlacedStep });

/** A step that has come due, to those who do it: a task, the digest to turn on, the report to send. */
export const duePresenter = presenter({
  name: DUE_PRESENTER,
  schema: DueData,
  render({ name, step: { step } }, words): Card {
    const text =
      step.kind === "task"
        ? words.t("plan.due.task", { text: step.text })
        : step.kind === "digest"
          ? words.t("plan.due.digest", { cadence: words.plain(`plan.cadence.${step.cadence}`), usage: words.typed("digest") })
          : words.t("plan.due.report", { usage: words.typed("report") });
    return {
      title: words.plain("plan.due.title", { name }),
      summary: text,
      blocks: [
        { type: "text", text, style: "default" },
        { type: "context", texts: [words.t("plan.due.hint", { usage: words.typed("plan") })] },
      ],
    };
  },
});
