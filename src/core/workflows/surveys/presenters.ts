import { z } from "zod";
import type { Block, Card, CardAction } from "../../kernel/card.js";
import { esc } from "../../kernel/text.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import { SurveyState, type QuestionResult } from "./tally.js";
import { EXPORT_VERB } from "./exportCsv.js";

export const VOTE_VERB = "surveys.vote";
export const ANSWER_OPEN_VERB = "surveys.answer.open";

const share = (count: number, of: number) => (of > 0 ? count / of : 0);

/** "Tue: 2 (40%)" for each option or score, as words (the chart's text equivalent too). */
const countLines = (q: QuestionResult, words: Words) => q.labels.map((label, i) => words.t("surveys.count", { label, count: q.counts[i] ?? 0, share: share(q.counts[i] ?? 0, q.answered) }));

const progress = (s: SurveyState, words: Words) => words.t("surveys.progress", { answered: words.count(s.answered), members: words.count(s.members) });
const privacy = (s: SurveyState, words: Words) => words.t(s.anonymous ? `surveys.anonymous.${s.style}` : `surveys.named.${s.style}`);

/** Whom a poll asks, when not the whole community. */
function asks({ asks: a }: SurveyState, words: Words): string[] {
  if (!a) return [];
  if (a.kind === "space") return [words.t("surveys.poll.asks.space")];
  return [words.t(`surveys.poll.asks.${a.kind}`, { title: a.title ?? "", when: a.at ? words.when(a.at) : "" })];
}

/** A quick poll in every space: the question, the counts so far, and a button per option. */
export const pollPresenter = presenter({
  name: "surveys.poll",
  schema: SurveyState,
  render(s, words): Card {
    const q = s.questions[0]!;
    const blocks: Block[] = [
      { type: "list", heading: "", items: countLines(q, words), omitted: 0, empty: "" },
      { type: "context", texts: [progress(s, words), privacy(s, words), ...asks(s, words)] },
    ];
    if (s.closed) blocks.push({ type: "text", text: words.t("surveys.poll.closed"), style: "subtle" });
    else {
      blocks.push({ type: "actions", actions: q.labels.map((label, option) => ({ label, verb: VOTE_VERB, data: { survey: s.surveyId, option }, opensForm: false })) });
      blocks.push({ type: "context", texts: [words.t("surveys.poll.closeHint", { id: s.surveyId, close: words.typed(`close survey ${s.surveyId}`) })] });
    }
    return { title: s.title, summary: words.t("surveys.poll.summary", { title: s.title, answered: words.count(s.answered), members: words.count(s.members) }), blocks };
  },
});

/** The private confirmation of an answer: no title, so nothing of it is named where deliveries are logged. */
export const votedPresenter = presenter({
  name: "surveys.voted",
  schema: z.object({ title: z.string(), choice: z.string(), anonymous: z.boolean() }),
  render({ title, choice, anonymous }, words): Card {
    const text = words.t(anonymous ? "surveys.voted.anonymous" : "surveys.voted.named", { title, choice });
    return { title: "", summary: text, tone: "success", blocks: [{ type: "text", text, style: "default", tone: "success" }] };
  },
});

function questionBlocks(q: QuestionResult, words: Words): Block[] {
  const blocks: Block[] = [{ type: "text", text: `**${esc(q.text)}**`, style: "default" }];
  if (q.kind === "text") {
    blocks.push({ type: "list", heading: "", items: q.texts.map((t) => esc(t)), omitted: q.textsOmitted, empty: words.t("surveys.results.noText") });
    if (q.textsOmitted > 0) blocks.push({ type: "context", texts: [words.t("surveys.results.moreTexts", { count: q.answered })] });
    return blocks;
  }
  const lines = countLines(q, words);
  blocks.push({
    type: "chart",
    kind: "horizontalBar",
    title: q.text.slice(0, 50),
    categories: q.labels,
    series: [{ name: words.plain("surveys.results.series"), values: q.counts }],
    alt: words.plain("surveys.results.alt", { lines: md(lines.join("; ")) }),
  });
  blocks.push({ type: "list", heading: "", items: lines, omitted: 0, empty: "" });
  const facts: string[] = [words.t("surveys.results.answered", { count: q.answered })];
  if (q.average !== undefined) facts.push(words.t("surveys.results.average", { average: q.average, of: q.kind === "rating" ? 5 : 10 }));
  if (q.nps !== undefined) facts.push(words.t("surveys.results.nps", { nps: q.nps }));
  blocks.push({ type: "context", texts: facts });
  return blocks;
}

/** The results: per question counts, shares and a chart; averages and NPS; free-text answers without names. */
export const resultsPresenter = presenter({
  name: "surveys.results",
  schema: SurveyState,
  render(s, words): Card {
    const title = words.plain(s.closed ? "surveys.results.titleClosed" : "surveys.results.title", { title: s.title });
    const blocks: Block[] = [{ type: "context", texts: [progress(s, words), privacy(s, words)] }, ...s.questions.flatMap((q) => questionBlocks(q, words))];
    if (s.spaces.length >= 2) {
      const sum = (k: "answered" | "asked") => s.spaces.reduce((n, r) => n + r[k], 0);
      const line = (name: string, answered: number, asked: number) => words.t("surveys.results.rate", { name, answered: words.count(answered), asked: words.count(asked) });
      const items = [...s.spaces.map((r) => line(esc(r.name), r.answered, r.asked)), line(words.plain("surveys.results.rate.combined"), sum("answered"), sum("asked"))];
      blocks.push({ type: "list", heading: words.t("surveys.results.rates"), items, omitted: 0, empty: "" });
    }
    if (s.people.length) {
      blocks.push({ type: "text", text: words.t("surveys.results.byPerson"), style: "default" });
      blocks.push({
        type: "table",
        columns: [words.plain("surveys.results.person"), ...s.questions.map((_, i) => words.plain("surveys.results.q", { n: i + 1 }))],
        rows: s.people.map((p) => [esc(p.name), ...p.answers.map((a) => esc(a))]),
        omitted: s.peopleOmitted,
      });
    }
    // A steward's private view: export the responses, and (while it is open) remind who has not answered.
    const stewardActions: CardAction[] = [];
    if (s.canExport) stewardActions.push({ label: words.plain("surveys.export.button"), verb: EXPORT_VERB, data: { id: s.surveyId }, opensForm: false });
    if (s.remind && !s.closed) stewardActions.push({ label: words.plain("surveys.remind.button"), verb: "surveys.remind", data: { id: s.surveyId }, opensForm: false });
    if (stewardActions.length) blocks.push({ type: "actions", actions: stewardActions });
    return { title, summary: words.t("surveys.results.summary", { title: s.title, answered: words.count(s.answered), members: words.count(s.members) }), blocks };
  },
});

export const ListData = z.object({
  name: z.string(),
  surveys: z.array(z.object({ id: z.string(), title: z.string(), closesAt: z.string().optional() })),
  omitted: z.number().int().nonnegative().default(0),
  canClose: z.boolean().default(false),
});

/** The community's open surveys and polls, newest first, with the id to close each by. */
export const listPresenter = presenter({
  name: "surveys.list",
  schema: ListData,
  render({ name, surveys, omitted, canClose }, words): Card {
    const title = words.plain("surveys.list.title", { name });
    const items = surveys.map((s) => (s.closesAt ? words.t("surveys.list.itemUntil", { title: s.title, id: s.id, when: words.when(s.closesAt) }) : words.t("surveys.list.item", { title: s.title, id: s.id })));
    const blocks: Block[] = [{ type: "list", heading: "", items, omitted, empty: words.t("surveys.list.empty") }];
    if (canClose) blocks.push({ type: "context", texts: [words.t("surveys.list.hint", { poll: words.typed("poll"), close: words.typed("close survey ID") })] });
    return { title, summary: title, blocks };
  },
});

/** A survey announced in every space: what it is, until when, whether it is anonymous, and an Answer button. */
export const announcementPresenter = presenter({
  name: "surveys.announcement",
  schema: SurveyState,
  render(s, words): Card {
    const intro = s.closesAt ? words.t("surveys.announcement.intro", { count: s.questions.length, when: words.when(s.closesAt) }) : "";
    const blocks: Block[] = [];
    if (s.intro) blocks.push({ type: "text", text: esc(s.intro), style: "default" });
    if (intro) blocks.push({ type: "text", text: intro, style: "default" });
    blocks.push({ type: "context", texts: [progress(s, words), privacy(s, words)] });
    if (!s.closed) blocks.push({ type: "actions", actions: [{ label: words.plain("surveys.answer"), verb: ANSWER_OPEN_VERB, data: { survey: s.surveyId }, style: "primary", opensForm: true }] });
    blocks.push({ type: "context", texts: [words.t(`surveys.announcement.results.${s.visibility}`, { results: words.typed(`results ${s.surveyId}`) })] });
    return { title: s.title, summary: words.t("surveys.poll.summary", { title: s.title, answered: words.count(s.answered), members: words.count(s.members) }), blocks };
  },
});

/** In Teams, a person's own chat: the button that opens the answer form where only they see it. */
export const answerPromptPresenter = presenter({
  name: "surveys.answerPrompt",
  schema: z.object({ title: z.string(), surveyId: z.string() }),
  render({ title, surveyId }, words): Card {
    const text = words.t("surveys.answer.prompt", { title });
    return { title: "", summary: text, blocks: [{ type: "text", text, style: "default" }, { type: "actions", actions: [{ label: words.plain("surveys.answer.open"), verb: ANSWER_OPEN_VERB, data: { survey: surveyId, here: true }, style: "primary", opensForm: true }] }] };
  },
});
