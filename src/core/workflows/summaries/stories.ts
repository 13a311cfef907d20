import { createHash } from "node:crypto";
import { z } from "zod";
import { STEWARD_ROLES } from "../../domain.js";
import { ConcurrencyError } from "../../errors.js";
import { membersWhere } from "../../kernel/members.js";
import { tell, typedParam } from "../../kernel/notice.js";
import { openForm, outcome, reply, replace, type Effect } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import type { Versioned } from "../../ports.js";
import { originFor } from "../matching/rounds.js";
import { STORY_LIMITS, type Story } from "./model.js";
import { STORIES_PRESENTER, STORY_OUTCOME_PRESENTER, STORY_REVIEW_PRESENTER, DECIDE_VERB, type ReviewData, type StoriesData } from "./presenters.js";
import { STORY_OPEN, STORY_SUBMIT, storyForm, type StoryInput } from "./storyForm.js";

const DAY_MS = 86_400_000;
/** How far back `stories` lists approved ones. */
const APPROVED_DAYS = 90;
const tag = (personKey: string) => createHash("sha256").update(personKey).digest("base64url").slice(0, 12);

const view = ({ value: s, etag }: Versioned<Story>) => ({
  id: s.id,
  kind: s.kind,
  title: s.title,
  body: s.body,
  link: s.link,
  shareWithSponsor: s.shareWithSponsor,
  author: { personKey: s.author, name: s.authorName },
  at: s.at,
  version: etag,
});

export const openStory = command({
  verb: STORY_OPEN,
  permission: "member",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["story", "reflection"] },
  help: { usage: "help.usage.story", describe: "help.cmd.story" },
  button: { label: "summaries.action.story", opensForm: true },
  async handle() {
    return outcome(openForm({ form: storyForm.name, values: { kind: "success", share: "yes" } }));
  },
});

export const submitStory = command({
  verb: STORY_SUBMIT,
  permission: "member",
  where: "community",
  input: z.custom<StoryInput>(),
  form: storyForm,
  async handle(ctx, input) {
    const { deps, community, request } = ctx;
    const story: Story = { communityId: community.id, id: deps.ids.newId(), ...input, author: request.actor.personKey, authorName: request.actor.displayName.slice(0, 120), at: deps.clock.now().toISOString(), status: "pending" };
    await deps.repos.summaries.addStory(story);
    const saved = await deps.repos.summaries.story(community.id, story.id);
    return outcome(tell("summaries.story.received", { name: community.charter.name }, "success", true), ...(saved ? await tellStewards(ctx, saved) : []));
  },
});

/** Each steward gets the story privately, with Approve and Decline sealed to them and the community. */
async function tellStewards(ctx: CommunityContext, story: Versioned<Story>): Promise<Effect[]> {
  const { deps, community } = ctx;
  const stewards = await membersWhere(deps, community.id, (m) => STEWARD_ROLES.includes(m.role), 50);
  const effects: Effect[] = [];
  for (const steward of stewards) {
    const data: ReviewData = { name: community.charter.name, story: view(story), origin: await originFor(deps, community.id, steward) };
    effects.push({ kind: "fanout", fanoutId: `summaries:${community.id}:review:${story.value.id}:${tag(steward.personKey)}`, audience: { kind: "people", people: [steward.personKey] }, card: { presenter: STORY_REVIEW_PRESENTER, data } });
  }
  return effects;
}

export const listStories = command({
  verb: "summaries.stories",
  permission: "steward",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["stories"] },
  help: { usage: "help.usage.stories", describe: "help.cmd.stories" },
  async handle(ctx) {
    const { deps, community } = ctx;
    const now = deps.clock.now();
    const [pending, approved] = await Promise.all([deps.repos.summaries.pendingStories(community.id), deps.repos.summaries.approvedStories(community.id, new Date(now.getTime() - APPROVED_DAYS * DAY_MS), new Date(now.getTime() + 1))]);
    const data: StoriesData = {
      name: community.charter.name,
      pending: pending.slice(0, STORY_LIMITS.pending).map(view),
      approved: approved.slice(-20).map((s) => ({ kind: s.kind, title: s.title, author: { personKey: s.author, name: s.authorName }, decidedAt: s.decidedAt! })),
    };
    return outcome(reply(STORIES_PRESENTER, data, true));
  },
});

/** Approve or decline, as the steward saw it: a story someone decided meanwhile is refused, saying who and how. */
export const decideStory = command({
  verb: DECIDE_VERB,
  permission: "steward",
  where: "community",
  input: z.object({ story: z.string().min(1).max(80), version: z.string().min(1).max(200), decision: z.enum(["approve", "decline"]) }),
  async handle(ctx, { story: id, version, decision }) {
    const { deps, community, request } = ctx;
    const found = await deps.repos.summaries.story(community.id, id);
    if (!found) return outcome(tell("summaries.decide.missing", {}, "warning", true));
    const refused = (s: Story) => tell(s.status === "pending" ? "summaries.decide.changed" : `summaries.decide.already.${s.status}`, { title: s.title, by: s.decidedByName ?? "", list: typedParam("stories") }, "warning", true);
    if (found.value.status !== "pending" || found.etag !== version) return outcome(refused(found.value));
    const decided: Story = { ...found.value, status: decision === "approve" ? "approved" : "declined", decidedBy: request.actor.personKey, decidedByName: request.actor.displayName.slice(0, 120), decidedAt: deps.clock.now().toISOString() };
    try {
      await deps.repos.summaries.decideStory(decided, found.etag);
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      const now = await deps.repos.summaries.story(community.id, id);
      return outcome(refused(now?.value ?? found.value));
    }
    const approved = decision === "approve";
    return outcome(
      replace("actor", "notice", { key: approved ? "summaries.decide.approved" : "summaries.decide.declined", params: { title: decided.title }, tone: "success" }),
      {
        kind: "fanout",
        fanoutId: `summaries:${community.id}:outcome:${id}`,
        audience: { kind: "people", people: [decided.author] },
        card: { presenter: STORY_OUTCOME_PRESENTER, data: { name: community.charter.name, title: decided.title, approved, by: { personKey: request.actor.personKey, name: decided.decidedByName ?? "" } } },
      },
    );
  },
});
