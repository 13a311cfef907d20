import { z } from "zod";
import { Instant, PersonKey } from "../../domain.js";
import type { Block, Card } from "../../kernel/card.js";
import { ORIGIN } from "../../kernel/origin.js";
import { esc } from "../../kernel/text.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import { personFor } from "../recognition/presenters.js";
import { DIGEST_PRESENTER } from "./digest.js";
import { DigestData } from "./gather.js";
import { DigestSchedule, StoryKind } from "./model.js";

export const DIGEST_STATUS_PRESENTER = "summaries.digest.status";
export const STORY_REVIEW_PRESENTER = "summaries.story.review";
export const STORIES_PRESENTER = "summaries.stories";
export const STORY_OUTCOME_PRESENTER = "summaries.story.outcome";
export const DECIDE_VERB = "summaries.story.decide";

type Section = { heading: string; items: string[]; total: number };

/** The digest's sections that have something in them, each a list for this reader. */
function sections(d: DigestData, words: Words): Section[] {
  const all: Section[] = [
    { heading: words.plain("summaries.digest.members", { count: d.newMembers.total }), items: d.newMembers.people.map((p) => personFor(words, p).text), total: d.newMembers.total },
    { heading: words.plain("summaries.digest.upcoming"), items: d.upcoming.items.map((e) => words.t("summaries.digest.event", { title: e.title, when: words.when(e.at) })), total: d.upcoming.total },
    {
      heading: words.plain("summaries.digest.openSurveys"),
      items: d.openSurveys.items.map((s) => (s.closesAt ? words.t("summaries.digest.surveyCloses", { title: s.title, when: words.when(s.closesAt) }) : words.t("summaries.digest.survey", { title: s.title }))),
      total: d.openSurveys.total,
    },
    { heading: words.plain("summaries.digest.results"), items: d.results.items.map((s) => words.t("summaries.digest.result", { title: s.title, answered: s.answered, asked: s.asked })), total: d.results.total },
    { heading: words.plain("summaries.digest.resources"), items: d.resources.items.map((r) => words.t("summaries.digest.resource", { title: r.title, url: md(r.url.replace(/[()\s]/g, encodeURIComponent)), by: r.by || "—" })), total: d.resources.total },
    { heading: words.plain("summaries.digest.followUps"), items: d.followUps.items.map((f) => words.t("summaries.digest.followUp", { title: f.title, when: words.when(f.at) })), total: d.followUps.total },
    { heading: words.plain("summaries.digest.kudos"), items: d.kudos.items.map((k) => words.t("summaries.digest.kudosItem", { from: personFor(words, k.from), to: personFor(words, k.to), reason: k.reason })), total: d.kudos.total },
    { heading: words.plain("summaries.digest.stories"), items: d.stories.items.map((s) => words.t(`summaries.story.line.${s.kind}`, { title: s.title, author: personFor(words, s.author), text: s.text })), total: d.stories.total },
  ];
  return all.filter((s) => s.total > 0);
}

/** The digest's blocks (the digest itself, and the preview stewards see). */
function digestBlocks(d: DigestData, words: Words): Block[] {
  return sections(d, words).map((s): Block => ({ type: "list", heading: s.heading, items: s.items, omitted: Math.max(0, s.total - s.items.length), empty: "" }));
}

/** What happened in the community since the last digest, posted in every linked space. */
export const digestPresenter = presenter({
  name: DIGEST_PRESENTER,
  schema: DigestData,
  render(d, words): Card {
    const summary = words.t("summaries.digest.summary", { name: d.name, since: words.when(d.from) });
    return {
      title: words.plain("summaries.digest.title", { name: d.name }),
      summary,
      blocks: [
        { type: "text", text: summary, style: "default" },
        ...digestBlocks(d, words),
        { type: "context", texts: [words.t("summaries.digest.hint", { story: words.typed("story"), digest: words.typed("digest") })] },
      ],
    };
  },
});

const StatusData = z.object({
  name: z.string(),
  schedule: DigestSchedule,
  next: Instant.optional(),
  preview: DigestData.optional(),
  previewFrom: Instant,
  steward: z.boolean(),
});
export type StatusData = z.input<typeof StatusData>;

/** `digest`: when it goes out, and what it would say now. */
export const digestStatusPresenter = presenter({
  name: DIGEST_STATUS_PRESENTER,
  schema: StatusData,
  render(d, words): Card {
    const s = d.schedule;
    const when = d.next ? words.t("summaries.status.on", { cadence: s.cadenceWeeks, day: words.plain(`summaries.day.${s.day}`), time: s.time, zone: s.zone, next: words.when(d.next) }) : words.t("summaries.status.off");
    const preview: Block[] = d.preview
      ? [{ type: "text", text: words.t("summaries.status.preview", { since: words.when(d.previewFrom) }), style: "heading" }, ...digestBlocks(d.preview, words)]
      : [{ type: "text", text: words.t("summaries.status.nothing", { since: words.when(d.previewFrom) }), style: "subtle" }];
    const usage = d.steward ? [{ type: "context" as const, texts: [words.t("summaries.status.usage", { set: words.typed("digest weekly on monday at 09:00 Europe/Brussels"), off: words.typed("digest off"), on: words.typed("digest on") })] }] : [];
    return { title: words.plain("summaries.status.title", { name: d.name }), summary: when, blocks: [{ type: "text", text: when, style: "default" }, ...preview, ...usage] };
  },
});

const StoryView = z.object({
  id: z.string(),
  kind: StoryKind,
  title: z.string(),
  body: z.string(),
  link: z.string().optional(),
  shareWithSponsor: z.boolean(),
  author: z.object({ personKey: PersonKey, name: z.string() }),
  at: Instant,
  version: z.string(),
});

/** A story as stewards read it, with Approve and Decline (tied to the version they saw). */
function storyBlocks(s: z.infer<typeof StoryView>, words: Words, origin?: string): Block[] {
  const sealed: Record<string, string> = origin ? { [ORIGIN]: origin } : {};
  const data = { story: s.id, version: s.version, ...sealed };
  return [
    { type: "text", text: words.t(`summaries.story.heading.${s.kind}`, { title: s.title, author: personFor(words, s.author), when: words.when(s.at) }), style: "default" },
    { type: "text", text: esc(s.body), style: "default" },
    ...(s.link ? [{ type: "text" as const, text: words.t("summaries.story.link", { url: md(s.link.replace(/[()\s]/g, encodeURIComponent)) }), style: "default" as const }] : []),
    { type: "context", texts: [words.t(s.shareWithSponsor ? "summaries.story.sponsor.yes" : "summaries.story.sponsor.no")] },
    {
      type: "actions",
      actions: [
        { label: words.plain("summaries.story.approve"), verb: DECIDE_VERB, data: { ...data, decision: "approve" }, style: "primary", opensForm: false },
        { label: words.plain("summaries.story.decline"), verb: DECIDE_VERB, data: { ...data, decision: "decline" }, style: "danger", opensForm: false },
      ],
    },
  ];
}

const ReviewData = z.object({ name: z.string(), story: StoryView, origin: z.string().optional() });
export type ReviewData = z.input<typeof ReviewData>;

/** To each steward when a story comes in. */
export const storyReviewPresenter = presenter({
  name: STORY_REVIEW_PRESENTER,
  schema: ReviewData,
  render(d, words): Card {
    const summary = words.t("summaries.review.summary", { name: d.name, author: personFor(words, d.story.author), title: d.story.title });
    return { title: words.plain("summaries.review.title"), summary, blocks: [{ type: "text", text: summary, style: "default" }, ...storyBlocks(d.story, words, d.origin)] };
  },
});

const StoriesData = z.object({
  name: z.string(),
  pending: z.array(StoryView).max(20),
  approved: z.array(z.object({ kind: StoryKind, title: z.string(), author: z.object({ personKey: PersonKey, name: z.string() }), decidedAt: Instant })).max(20),
});
export type StoriesData = z.input<typeof StoriesData>;

/** `stories`: what waits for a decision, and what was approved lately. */
export const storiesPresenter = presenter({
  name: STORIES_PRESENTER,
  schema: StoriesData,
  render(d, words): Card {
    const summary = words.t("summaries.stories.summary", { name: d.name, pending: d.pending.length, approved: d.approved.length });
    return {
      title: words.plain("summaries.stories.title", { name: d.name }),
      summary,
      blocks: [
        { type: "text", text: summary, style: "default" },
        ...d.pending.flatMap((s) => storyBlocks(s, words)),
        {
          type: "list",
          heading: words.plain("summaries.stories.approved"),
          items: d.approved.map((s) => words.t(`summaries.story.line.${s.kind}`, { title: s.title, author: personFor(words, s.author), text: md(words.t("summaries.stories.approvedOn", { when: words.when(s.decidedAt) })) })),
          omitted: 0,
          empty: words.plain("summaries.stories.noneApproved"),
        },
      ],
    };
  },
});

const OutcomeData = z.object({ name: z.string(), title: z.string(), approved: z.boolean(), by: z.object({ personKey: PersonKey, name: z.string() }) });

/** To the author: what the stewards decided. */
export const storyOutcomePresenter = presenter({
  name: STORY_OUTCOME_PRESENTER,
  schema: OutcomeData,
  render(d, words): Card {
    const text = words.t(d.approved ? "summaries.outcome.approved" : "summaries.outcome.declined", { name: d.name, title: d.title, by: personFor(words, d.by) });
    return { title: words.plain("summaries.outcome.title"), summary: text, tone: d.approved ? "success" : "info", blocks: [{ type: "text", text, style: "default" }] };
  },
});
