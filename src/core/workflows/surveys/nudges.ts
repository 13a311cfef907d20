import { createHash } from "node:crypto";
import { z } from "zod";
import { decodeKey, type Member, type SpaceRef } from "../../domain.js";
import type { Block, Card } from "../../kernel/card.js";
import { tell, typedParam } from "../../kernel/notice.js";
import { ORIGIN } from "../../kernel/origin.js";
import { outcome, type Effect } from "../../kernel/outcome.js";
import { command, job, presenter } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import type { Survey } from "./model.js";
import { ANSWER_OPEN_VERB } from "./presenters.js";
import { audienceMembers } from "./audience.js";

export const NUDGE_JOB = "surveys.nudge";
export const NUDGE_PRESENTER = "surveys.nudge";
export const REMIND_VERB = "surveys.remind";
/** By default one reminder goes this long before the deadline (when the deadline is further away than that). */
const NUDGE_BEFORE_MS = 86_400_000;
/** A fan-out's `people` audience holds at most this many; a reminder reaches at most this many. */
const MOST_PEOPLE = 1000;
/** How long the Answer button in a reminder stays tied to the community. */
const ORIGIN_DAYS = 30;

/** One key per survey: scheduling it again keeps the first; closing by hand cancels it. */
export const nudgeJobKey = (s: Pick<Survey, "communityId" | "id">) => `surveys:${s.communityId}:${s.id}:nudge`;
const personTag = (personKey: string) => createHash("sha256").update(personKey).digest("base64url").slice(0, 12);

/** The default reminder: a day before the deadline, if the deadline is more than a day away. */
export function scheduleNudge(survey: Survey, now: Date): Effect[] {
  if (!survey.closesAt) return [];
  const dueAt = new Date(Date.parse(survey.closesAt) - NUDGE_BEFORE_MS);
  if (dueAt <= now) return [];
  return [{ kind: "schedule", job: { kind: NUDGE_JOB, key: nudgeJobKey(survey), dueAt, payload: { communityId: survey.communityId, surveyId: survey.id } } }];
}

/** Members who have not answered and have not muted survey reminders (for an anonymous survey, found by keyed hash). */
export async function notYetAnswered(deps: CoreDeps, survey: Survey): Promise<Member[]> {
  const [members, muted] = await Promise.all([audienceMembers(deps, survey), deps.repos.surveys.muted(survey.communityId)]);
  const candidates = members.filter((m) => !muted.has(m.personKey));
  const answered = await deps.repos.surveys.answeredAmong(survey, candidates.map((m) => m.personKey));
  return candidates
    .filter((m) => !answered.has(m.personKey))
    .sort((a, b) => a.personKey.localeCompare(b.personKey))
    .slice(0, MOST_PEOPLE);
}

/**
 * A direct message to each member who has not answered: which survey, its deadline, and an Answer button that
 * runs in a space of the community on their own platform (sealed to them), as private cards' buttons do.
 * Each fan-out is keyed by `key` and the person, so a reminder goes to each at most once however often it runs.
 */
export async function nudges(deps: CoreDeps, survey: Survey, key: string): Promise<{ sends: Effect[]; people: number }> {
  const [people, spaces] = await Promise.all([notYetAnswered(deps, survey), deps.repos.spaces.listForCommunity(survey.communityId)]);
  const exp = deps.clock.now().getTime() + ORIGIN_DAYS * 86_400_000;
  const sends: Effect[] = [];
  for (const { personKey: person, spaceKey: home } of people) {
    const { platform } = decodeKey(person);
    const space = spaces.find((s) => s.spaceKey === home && s.platform === platform) ?? spaces.find((s) => s.platform === platform);
    const ref: SpaceRef | undefined = space && { spaceKey: space.spaceKey, platform: space.platform, displayName: space.displayName, personal: false };
    const origin = ref ? await deps.sealer.seal({ form: ORIGIN, space: ref, by: person, args: {}, exp }) : undefined;
    const data = { surveyId: survey.id, title: survey.title, style: survey.style, closesAt: survey.closesAt, origin };
    sends.push({ kind: "fanout", fanoutId: `${key}:${personTag(person)}`.slice(0, 200), audience: { kind: "people", people: [person] }, card: { presenter: NUDGE_PRESENTER, data } });
  }
  return { sends, people: sends.length };
}

/** Sends the reminder when it falls due, unless the survey is closed (or gone) by then. */
export const nudgeJob = job({
  kind: NUDGE_JOB,
  schema: z.object({ communityId: z.string().min(1), surveyId: z.string().min(1) }),
  async run({ communityId, surveyId }, { deps, key }) {
    const stored = await deps.repos.surveys.get(communityId, surveyId);
    const survey = stored?.value;
    if (!survey || survey.status === "closed" || (survey.closesAt && Date.parse(survey.closesAt) <= deps.clock.now().getTime())) return outcome();
    return outcome(...(await nudges(deps, survey, `nudge:${key}`)).sends);
  },
});

export const remindNow = command({
  verb: REMIND_VERB,
  permission: "steward",
  where: "community",
  input: z.object({ id: z.string().trim().max(20) }),
  text: { words: ["remind survey", "remind poll"], parse: (rest) => ({ id: rest }) },
  help: { usage: "help.usage.remindSurvey", describe: "help.cmd.remindSurvey" },
  async handle(ctx, { id }) {
    const { deps, community } = ctx;
    if (!id) return outcome(tell("surveys.remind.which", { surveys: typedParam("surveys") }, "warning", true));
    const stored = await deps.repos.surveys.get(community.id, id.toUpperCase());
    if (!stored) return outcome(tell("surveys.notFound", {}, "warning", true));
    const survey = stored.value;
    const late = survey.closesAt !== undefined && Date.parse(survey.closesAt) <= deps.clock.now().getTime();
    if (survey.status === "closed" || late) return outcome(tell("surveys.remind.closed", { title: survey.title }, "info", true));
    // Keyed by the minute: a double press sends once; a later "now" reaches whoever still has not answered.
    const minute = Math.floor(deps.clock.now().getTime() / 60_000);
    const { sends, people } = await nudges(deps, survey, `nudge-now:${community.id}:${survey.id}:${minute}`);
    return outcome(tell("surveys.remind.sent", { title: survey.title, count: people }, "success", true), ...sends);
  },
});

export const muteSurveyReminders = command({
  verb: "surveys.mute",
  permission: "member",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["mute survey reminders"] },
  help: { usage: "help.usage.muteSurveys", describe: "help.cmd.muteSurveys" },
  async handle(ctx) {
    await ctx.deps.repos.surveys.setMuted(ctx.community.id, ctx.request.actor.personKey, true, ctx.deps.clock.now());
    return outcome(tell("surveys.muted", { name: ctx.community.charter.name, unmute: typedParam("unmute survey reminders") }, "success", true));
  },
});

export const unmuteSurveyReminders = command({
  verb: "surveys.unmute",
  permission: "member",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["unmute survey reminders"] },
  help: { usage: "help.usage.unmuteSurveys", describe: "help.cmd.unmuteSurveys" },
  async handle(ctx) {
    await ctx.deps.repos.surveys.setMuted(ctx.community.id, ctx.request.actor.personKey, false, ctx.deps.clock.now());
    return outcome(tell("surveys.unmuted", { name: ctx.community.charter.name }, "success", true));
  },
});

/** The reminder in a member's own chat: which survey, until when (in their zone), and how to answer. */
export const nudgePresenter = presenter({
  name: NUDGE_PRESENTER,
  schema: z.object({ surveyId: z.string(), title: z.string(), style: z.enum(["poll", "survey"]), closesAt: z.string().optional(), origin: z.string().optional() }),
  render(d, words): Card {
    const text = d.closesAt ? words.t("surveys.nudge.until", { title: d.title, when: words.when(d.closesAt) }) : words.t("surveys.nudge.open", { title: d.title });
    const blocks: Block[] = [{ type: "text", text, style: "default" }];
    // A survey's form opens from here; a poll is answered on its card in the community's channel.
    if (d.style === "survey" && d.origin) blocks.push({ type: "actions", actions: [{ label: words.plain("surveys.answer"), verb: ANSWER_OPEN_VERB, data: { survey: d.surveyId, here: true, [ORIGIN]: d.origin }, style: "primary", opensForm: true }] });
    else blocks.push({ type: "text", text: words.t("surveys.nudge.inChannel"), style: "default" });
    blocks.push({ type: "context", texts: [words.t("surveys.nudge.why", { mute: words.typed("mute survey reminders") })] });
    return { title: words.plain("surveys.nudge.title", { title: d.title }), summary: text, blocks };
  },
});
