import { z } from "zod";
import { tell, typedParam } from "../../kernel/notice.js";
import { openForm, outcome, post, reply, type Effect, type Outcome } from "../../kernel/outcome.js";
import { command, job, type CommunityContext } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { CLOSE_JOB, closeJobKey, closeSurvey, createSurvey } from "./commands.js";
import type { Answers, Survey } from "./model.js";
import { ANSWER_OPEN_VERB } from "./presenters.js";
import { answersByPerson, surveyState } from "./tally.js";
import { refreshPoll } from "./pollCopies.js";
import { ANSWER_FORMS, ANSWER_VERB, answerFormName, questionsOf, templateById, valuesOf } from "./templates.js";
import { scheduleNudge } from "./nudges.js";
import { resultsState } from "./rates.js";
import { audienceMembers, mayAnswer, stewardsOf, isDirect } from "./audience.js";
import { audienceOfDraft } from "./audienceForm.js";
import { INVITE_PRESENTER, invitations } from "./invite.js";
import { deadlineOf, NEW_SURVEY, shownValues, surveyForm, type SurveyDraft } from "./surveyForm.js";


export const openSurveyForm = command({
  verb: "surveys.new.open",
  permission: "steward",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["survey", "new survey", "start survey"] },
  help: { usage: "help.usage.survey", describe: "help.cmd.survey" },
  button: { label: "action.survey", opensForm: true },
  handle: async () => outcome(openForm({ form: surveyForm.name, values: NEW_SURVEY })),
});

export const submitSurvey = command({
  verb: "surveys.new",
  permission: "steward",
  where: "community",
  input: z.custom<SurveyDraft>(),
  form: surveyForm,
  async handle(ctx, draft) {
    const { words } = ctx;
    const template = templateById(draft.template);
    if (!template) return refusedIn(ctx, surveyForm.name, "template", words.plain("form.error.unknownChoice", { value: draft.template.slice(0, 40) }));
    return launchSurvey(ctx, draft, surveyForm.name, { template: template.id, title: draft.title, questions: questionsOf(template, words) });
  },
});

/** The survey form back, with what was typed and one field's error; nothing is stored. */
const refusedIn = (ctx: CommunityContext, form: string, field: string, error: string): Outcome =>
  outcome(openForm({ form, values: shownValues(ctx.submitted?.values ?? {}), errors: { [field]: error } }));

/**
 * A survey form's submission (a template's or a custom one): its deadline and audience checked (refused back into
 * `form` with the field's error), then the survey made from `content` and started.
 */
export async function launchSurvey(
  ctx: CommunityContext,
  draft: Pick<SurveyDraft, "deadline" | "zone" | "audience" | "event" | "eventDate" | "anonymous" | "visibility">,
  form: string,
  content: Pick<Survey, "template" | "title" | "intro" | "questions">,
): Promise<Outcome> {
  const { deps, community, request, words } = ctx;
  const now = deps.clock.now();
  const deadline = deadlineOf(draft, now);
  if (!deadline.ok) return refusedIn(ctx, form, "deadline", words.plain(deadline.error, { zone: draft.zone.slice(0, 64) }));
  const audience = await audienceOfDraft(ctx, draft);
  if ("field" in audience) return refusedIn(ctx, form, audience.field, words.plain(audience.error));
  const survey = await createSurvey(deps, {
    ...content,
    communityId: community.id,
    style: "survey",
    anonymous: draft.anonymous,
    visibility: draft.visibility,
    status: "open",
    closesAt: deadline.at,
    createdBy: request.actor.personKey,
    createdAt: now.toISOString(),
    ...(audience.value && { audience: audience.value }),
  });
  return startSurvey(ctx, survey, now);
}

/**
 * A new survey goes out: to people directly (an event's attendees or RSVPs), or announced in every space (the
 * community, or one space); closed at its deadline by a job, and nudged.
 */
export async function startSurvey(ctx: CommunityContext, survey: Survey, now: Date): Promise<Outcome> {
  const { deps, community } = ctx;
  if (isDirect(survey)) return outcome(...(await directStart(deps, survey, now)));
  return outcome(
    tell("surveys.started", { title: survey.title, id: survey.id, name: community.charter.name, close: typedParam(`close survey ${survey.id}`) }, "success", true),
    post("community", "surveys.announcement", await surveyState(deps, survey)),
    { kind: "schedule", job: { kind: CLOSE_JOB, key: closeJobKey(survey), dueAt: new Date(survey.closesAt!), payload: { communityId: community.id, surveyId: survey.id } } },
    ...scheduleNudge(survey, now),
  );
}

/** For an event's audience, how the survey starts: a DM to each person asked, and the announcement to the stewards only. */
export async function directStart(deps: CoreDeps, survey: Survey, now: Date): Promise<Effect[]> {
  const people = await audienceMembers(deps, survey);
  return [
    tell("surveys.started.direct", { title: survey.title, id: survey.id, count: people.length, close: typedParam(`close survey ${survey.id}`) }, "success", true),
    { kind: "fanout", fanoutId: `surveys:${survey.communityId}:${survey.id}:stewards`, audience: stewardsOf(survey.communityId), card: { presenter: "surveys.announcement", data: await surveyState(deps, survey) } },
    ...(await invitations(deps, survey, people, INVITE_PRESENTER, `surveys:${survey.communityId}:${survey.id}:invite`)),
    { kind: "schedule", job: { kind: CLOSE_JOB, key: closeJobKey(survey), dueAt: new Date(survey.closesAt!), payload: { communityId: survey.communityId, surveyId: survey.id } } },
    ...scheduleNudge(survey, now),
  ];
}

/** An open survey of this community still before its deadline, or the private answer that says why not. */
async function answerable(ctx: CommunityContext, id: string): Promise<Survey | Effect> {
  const stored = await ctx.deps.repos.surveys.get(ctx.community.id, id.toUpperCase());
  if (!stored) return tell("surveys.notFound", {}, "warning", true);
  const survey = stored.value;
  const late = survey.closesAt !== undefined && Date.parse(survey.closesAt) <= ctx.deps.clock.now().getTime();
  if (survey.status === "closed" || late) return tell("surveys.closed", { title: survey.title }, "info", true);
  if (!(await mayAnswer(ctx.deps, survey, ctx.request.actor.personKey))) return tell("surveys.notAsked", { title: survey.title }, "info", true);
  return survey;
}
const isSurvey = (x: Survey | Effect): x is Survey => "communityId" in x;

export const openAnswerForm = command({
  verb: ANSWER_OPEN_VERB,
  permission: "member",
  where: "community",
  input: z.object({ survey: z.string().min(1).max(20), here: z.coerce.boolean().optional() }),
  async handle(ctx, { survey: id, here }) {
    const found = await answerable(ctx, id);
    if (!isSurvey(found)) return outcome(found);
    const custom = found.template === "custom";
    if (!custom && (!found.template || !templateById(found.template))) return outcome(tell("surveys.notFound", {}, "warning", true));
    // A Teams form in a channel is a card everyone there reads: the person gets a button in their own chat instead.
    if (ctx.reader.platform === "teams" && !ctx.request.space.personal && !here) return outcome(reply("surveys.answerPrompt", { title: found.title, surveyId: found.id }, true));
    const before = await ctx.deps.repos.surveys.responseOf(found, ctx.request.actor.personKey);
    const form = custom ? "surveys.answer.custom" : answerFormName({ id: found.template! });
    return outcome(openForm({ form, values: before ? valuesOf(before) : {}, args: custom ? { survey: found.id, community: found.communityId } : { survey: found.id } }));
  },
});

export const submitAnswer = command({
  verb: ANSWER_VERB,
  permission: "member",
  // An anonymous answer must not be dated by anything else written about the person at the same moment.
  unlinkable: true,
  where: "community",
  input: z.custom<Answers>(),
  form: ANSWER_FORMS[0]!,
  async handle(ctx, answers): Promise<Outcome> {
    const found = await answerable(ctx, ctx.submitted?.args.survey ?? "");
    if (!isSurvey(found)) return outcome(found);
    if (!(await ctx.deps.repos.surveys.respond(found, ctx.request.actor.personKey, answers)).recorded) return outcome(tell("surveys.closed", { title: found.title }, "info", true));
    return outcome(tell(found.anonymous ? "surveys.answered.anonymous" : "surveys.answered", { title: found.title }, "success", true));
  },
});

export const showResults = command({
  verb: "surveys.results",
  permission: "member",
  where: "community",
  input: z.object({ id: z.string().trim().min(1).max(20) }),
  text: { words: ["results", "survey results"], parse: (rest) => ({ id: rest }) },
  help: { usage: "help.usage.results", describe: "help.cmd.results" },
  async handle(ctx, { id }) {
    const stored = await ctx.deps.repos.surveys.get(ctx.community.id, id.toUpperCase());
    if (!stored) return outcome(tell("surveys.notFound", {}, "warning", true));
    const survey = stored.value;
    const steward = ctx.can("surveys.close");
    if (survey.visibility === "stewards" && !steward) return outcome(tell("surveys.results.stewardsOnly", { title: survey.title }, "info", true));
    if (survey.visibility === "afterClose" && survey.status === "open" && !steward) return outcome(tell("surveys.results.notYet", { title: survey.title }, "info", true));
    // A named survey shows the stewards who answered what; everyone else sees only the counts.
    const byPerson = steward ? await answersByPerson(ctx.deps, survey) : {};
    return outcome(reply("surveys.results", { ...(await resultsState(ctx.deps, survey)), ...byPerson, canExport: steward, remind: steward && survey.status === "open" }, true));
  },
});

/** Where the results go at close: every space, or the stewards alone when only they may see them. */
export const resultsAudience = (survey: Survey) =>
  survey.visibility === "stewards" ? { kind: "members" as const, communityId: survey.communityId, roles: ["facilitator" as const, "co-facilitator" as const] } : { kind: "spaces" as const, communityId: survey.communityId, except: [] };

/** Closes a survey at its deadline and sends the results (idempotent: a closed one is left as it is). */
export const closeJob = job({
  kind: CLOSE_JOB,
  schema: z.object({ communityId: z.string().min(1), surveyId: z.string().min(1) }),
  async run({ communityId, surveyId }, { deps }: { deps: CoreDeps }) {
    const stored = await deps.repos.surveys.get(communityId, surveyId);
    if (!stored || stored.value.status === "closed") return outcome();
    const closed = await closeSurvey(deps, stored.value, stored.etag);
    const card = { presenter: "surveys.results", data: await resultsState(deps, closed) };
    return outcome({ kind: "fanout", fanoutId: `surveys:${communityId}:${surveyId}:results`, audience: resultsAudience(closed), card }, ...refreshPoll(closed));
  },
});
