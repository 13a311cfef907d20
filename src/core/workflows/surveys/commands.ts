import { z } from "zod";
import { atParam, codeParam, tell, typedParam, wordParam } from "../../kernel/notice.js";
import { outcome, post, replace, reply, type Effect, type Outcome } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import type { Survey } from "./model.js";
import { parsePollLine } from "./pollLine.js";
import { VOTE_VERB } from "./presenters.js";
import { surveyState, type SurveyState } from "./tally.js";
import { pollCopies, refreshPoll } from "./pollCopies.js";
import { nudgeJobKey } from "./nudges.js";
import { resultsState, spaceRates } from "./rates.js";
import { pollAudienceOf } from "./pollAudience.js";
import { mayAnswer } from "./audience.js";

const POLL_EXAMPLE = 'poll "Which day suits?" Tue Wed "Thu am"';
export const CLOSE_JOB = "surveys.close";
export const closeJobKey = (s: Pick<Survey, "communityId" | "id">) => `surveys:${s.communityId}:${s.id}:close`;

/** A short id people can type (`close survey 7K3F9Q`): the tail of a fresh id, drawn again if taken. */
const shortId = (deps: CoreDeps) =>
  deps.ids
    .newId()
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(-6)
    .toUpperCase();

/** Stores a new survey under a short id (another if that one is taken in the community). */
export async function createSurvey(deps: CoreDeps, draft: Omit<Survey, "id">): Promise<Survey> {
  for (let attempt = 0; ; attempt++) {
    const survey: Survey = { ...draft, id: shortId(deps) };
    if ((await deps.repos.surveys.create(survey)) === "created") return survey;
    if (attempt >= 5) throw new Error("no free survey id after several draws");
  }
}

export const openPoll = command({
  verb: "surveys.poll",
  permission: "steward",
  where: "community",
  input: z.object({ line: z.string().max(3000) }),
  text: { words: ["poll", "quick poll"], parse: (rest) => ({ line: rest }) },
  help: { usage: "help.usage.poll", describe: "help.cmd.poll" },
  async handle(ctx, { line }) {
    const { deps, community, request } = ctx;
    const parsed = parsePollLine(line);
    // A poll refused for its audience repeats the line, so that it can be copied, mended and sent again.
    const typed = codeParam(`poll ${line.trim()}`.slice(0, 400));
    if (!parsed.ok) return outcome(tell(`surveys.poll.error.${parsed.why}`, { usage: codeParam(ctx.words.plain("help.usage.poll")), example: codeParam(POLL_EXAMPLE), poll: typedParam("poll"), line: typed }, "warning", true));
    const audience = await pollAudienceOf(ctx, parsed.audience);
    if ("error" in audience) return outcome(tell(audience.error, { event: audience.event ?? "", line: typed }, "warning", true));
    const now = deps.clock.now().toISOString();
    const survey = await createSurvey(deps, {
      communityId: community.id,
      style: "poll",
      title: parsed.question,
      questions: [{ id: "q1", kind: "single", text: parsed.question, required: true, options: parsed.options }],
      anonymous: !parsed.named,
      visibility: "live",
      status: "open",
      createdBy: request.actor.personKey,
      createdAt: now,
      ...(audience.value && { audience: audience.value }),
    });
    const state = await surveyState(deps, survey);
    const close = typedParam(`close survey ${survey.id}`);
    const privacy = wordParam(survey.anonymous ? "surveys.poll.privacy.anonymous" : "surveys.poll.privacy.named");
    const a = survey.audience;
    if (a?.kind === "space") return outcome(tell("surveys.poll.posted.space", { privacy, id: survey.id, count: state.members, close }, "success", true), post("space", "surveys.poll", state, pollCopies(survey)));
    if (a?.kind === "rsvp" || a?.kind === "attended") {
      const params = { privacy, id: survey.id, name: community.charter.name, count: state.members, title: a.eventTitle ?? "", when: atParam(new Date(a.eventAt ?? now)), close };
      return outcome(tell(`surveys.poll.posted.${a.kind}`, params, "success", true), post("community", "surveys.poll", state, pollCopies(survey)));
    }
    return outcome(
      tell(survey.anonymous ? "surveys.poll.posted.anonymous" : "surveys.poll.posted.named", { name: community.charter.name, id: survey.id, close }, "success", true),
      post("community", "surveys.poll", state, pollCopies(survey)),
    );
  },
});

/** Loads an open survey of this community, or the private answer that says why it cannot be answered. */
async function openSurvey(ctx: CommunityContext, id: string): Promise<{ survey: Survey; etag: string } | { refusal: Effect }> {
  const stored = await ctx.deps.repos.surveys.get(ctx.community.id, id);
  if (!stored) return { refusal: tell("surveys.notFound", {}, "warning", true) };
  if (stored.value.status === "closed") return { refusal: tell("surveys.closed", { title: stored.value.title }, "info", true) };
  return { survey: stored.value, etag: stored.etag };
}

/** A closed poll's card, pressed late, shows everyone it is closed (with its final counts) instead of its buttons. */
async function closedCard(ctx: CommunityContext, id: string): Promise<Effect[]> {
  const stored = await ctx.deps.repos.surveys.get(ctx.community.id, id);
  return stored?.value.status === "closed" && stored.value.style === "poll" ? [replace("everyone", "surveys.poll", await surveyState(ctx.deps, stored.value))] : [];
}

export const vote = command({
  verb: VOTE_VERB,
  permission: "member",
  // An anonymous answer must not be dated by anything else written about the person at the same moment.
  unlinkable: true,
  where: "community",
  input: z.object({ survey: z.string().min(1).max(20), option: z.coerce.number().int().min(0).max(9) }),
  async handle(ctx, { survey: id, option }) {
    const found = await openSurvey(ctx, id.toUpperCase());
    if ("refusal" in found) return outcome(found.refusal, ...(await closedCard(ctx, id.toUpperCase())));
    const { survey } = found;
    const question = survey.questions[0];
    if (survey.style !== "poll" || question?.kind !== "single" || option >= question.options.length) return outcome(tell("surveys.unknownOption", {}, "warning", true));
    if (!(await mayAnswer(ctx.deps, survey, ctx.request.actor.personKey))) return outcome(tell("surveys.notAsked", { title: survey.title }, "info", true));
    // The person goes to the store only to derive the ballot's keyed hash; nothing here logs them with it.
    const responded = await ctx.deps.repos.surveys.respond(survey, ctx.request.actor.personKey, { q1: option });
    if (!responded.recorded) return outcome(tell("surveys.closed", { title: survey.title }, "info", true));
    return outcome(
      reply("surveys.voted", { title: survey.title, choice: question.options[option]!, anonymous: survey.anonymous }, true),
      // The counts this vote's own commit left: no second read of them.
      replace("everyone", "surveys.poll", await surveyState(ctx.deps, survey, responded.counts)),
      ...refreshPoll(survey),
    );
  },
});

/** Closes a survey: no more answers, its ballot key deleted, and the results posted in every space. */
export async function closeSurvey(deps: CoreDeps, survey: Survey, etag: string): Promise<Survey> {
  const closed: Survey = { ...survey, status: "closed", closedAt: deps.clock.now().toISOString(), rates: await spaceRates(deps, survey) };
  await deps.repos.surveys.close(closed, etag);
  return closed;
}

export const closeByHand = command({
  verb: "surveys.close",
  permission: "steward",
  where: "community",
  input: z.object({ id: z.string().trim().max(20) }),
  text: { words: ["close survey", "close poll"], parse: (rest) => ({ id: rest }) },
  help: { usage: "help.usage.closeSurvey", describe: "help.cmd.closeSurvey" },
  async handle(ctx, { id }) {
    if (!id) return outcome(tell("surveys.close.which", { surveys: typedParam("surveys") }, "warning", true));
    const found = await openSurvey(ctx, id.toUpperCase());
    if ("refusal" in found) return outcome(found.refusal);
    const closed = await closeSurvey(ctx.deps, found.survey, found.etag);
    const state = await resultsState(ctx.deps, closed);
    // Results only the stewards may see go to the one who closed it, privately; the rest to every space.
    const results = closed.visibility === "stewards" ? reply("surveys.results", { ...state, canExport: true }, true) : resultsWhere(ctx, closed, state);
    return outcome(tell(closed.visibility === "stewards" ? "surveys.close.doneStewards" : closed.audience?.kind === "space" ? "surveys.close.doneSpace" : "surveys.close.done", { title: closed.title }, "success", true), { kind: "cancel", key: closeJobKey(closed) }, { kind: "cancel", key: nudgeJobKey(closed) }, results, ...refreshPoll(closed));
  },
});

/** Results for everyone: in every space, or, for a poll that asked one space, in that space alone. */
function resultsWhere(ctx: CommunityContext, survey: Survey, state: SurveyState): Effect {
  const only = survey.audience?.kind === "space" ? survey.audience.spaceKey : undefined;
  if (!only) return post("community", "surveys.results", state);
  if (only === ctx.request.space.spaceKey) return post("space", "surveys.results", state);
  return { kind: "fanout", fanoutId: `surveys:${survey.communityId}:${survey.id}:results`, audience: { kind: "targets", targets: [{ kind: "space", spaceKey: only }] }, card: { presenter: "surveys.results", data: state } };
}

export const listSurveys = command({
  verb: "surveys.list",
  permission: "member",
  where: "community",
  readOnly: true,
  input: z.object({}).passthrough(),
  text: { words: ["surveys", "polls", "open surveys"] },
  help: { usage: "help.usage.surveys", describe: "help.cmd.surveys" },
  async handle(ctx): Promise<Outcome> {
    const open = await ctx.deps.repos.surveys.open(ctx.community.id);
    open.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return outcome(reply("surveys.list", { name: ctx.community.charter.name, surveys: open.slice(0, 15).map((s) => ({ id: s.id, title: s.title, closesAt: s.closesAt })), omitted: Math.max(0, open.length - 15), canClose: ctx.can("surveys.close") }));
  },
});
