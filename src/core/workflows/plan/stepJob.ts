import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import { z } from "zod";
import { decodeKey, STEWARD_ROLES, type Role } from "../../domain.js";
import { outcome, type Effect, type Outcome } from "../../kernel/outcome.js";
import { job } from "../../kernel/workflow.js";
import { wordsFor } from "../../kernel/words.js";
import type { CoreDeps } from "../../ports.js";
import { CLOSE_JOB, closeJobKey } from "../surveys/commands.js";
import type { Survey } from "../surveys/model.js";
import { scheduleNudge } from "../surveys/nudges.js";
import { surveyState } from "../surveys/tally.js";
import { questionsOf, templateById } from "../surveys/templates.js";
import { WEEKDAYS, type ScheduleChoice } from "../summaries/model.js";
import { firstAfter, setDigestSchedule } from "../summaries/schedule.js";
import type { PlacedStep, StoredPlan } from "./model.js";
import { DUE_PRESENTER } from "./presenters.js";

export const STEP_JOB = "plan.step";
export const stepJobKey = (plan: Pick<StoredPlan, "communityId" | "id">, index: number) => `${STEP_JOB}:${plan.communityId}:${plan.id}:${index}`;

const StepPayload = z.object({ communityId: z.string().min(1), planId: z.string().min(1), index: z.number().int().min(0) });
type DigestStep = Extract<PlacedStep["step"], { kind: "digest" }>;

const CADENCE_WEEKS = { weekly: 1, biweekly: 2, monthly: 4 } as const;

/**
 * The digest step turns the community's digest on: from that day, on that weekday and time in the plan's zone,
 * at the step's cadence (what a steward's `digest weekly on DAY at HH:MM` does). The stewards are told.
 */
async function startDigest(deps: CoreDeps, plan: StoredPlan, placed: PlacedStep, step: DigestStep): Promise<Effect[]> {
  const started = await setDigestSchedule(deps, plan.communityId, digestChoice(plan, placed, step), plan.createdBy, new Date(placed.at));
  return started.effect ? [started.effect] : [];
}

/** The schedule a digest step sets: on, from the step's day, at its time in the plan's zone. */
function digestChoice(plan: StoredPlan, placed: PlacedStep, step: DigestStep): ScheduleChoice {
  const day = WEEKDAYS[DateTime.fromISO(placed.at, { zone: plan.zone }).weekday - 1]!;
  return { on: true, cadenceWeeks: CADENCE_WEEKS[step.cadence], day, time: step.time, zone: plan.zone };
}

/**
 * The series a digest step started (what `setDigestSchedule` records), so `plan undo` can tell whether the
 * digest is still the one the plan turned on: any steward's change since starts another series.
 */
export function planDigestSeries(plan: StoredPlan, placed: PlacedStep): string | undefined {
  if (placed.step.kind !== "digest") return undefined;
  return firstAfter(digestChoice(plan, placed, placed.step), new Date(Date.parse(placed.at) - 1)).toISOString();
}

/** A plan survey's id: the same on every run of its job, so a job run twice starts one survey. */
export const planSurveyId = (plan: Pick<StoredPlan, "communityId" | "id">, index: number) => `P${createHash("sha256").update(`${plan.communityId}|${plan.id}|${index}`).digest("hex").slice(0, 9).toUpperCase()}`;

/** The template survey, open to the whole community until its deadline: announced in every space, nudged, closed. */
async function startSurvey(deps: CoreDeps, plan: StoredPlan, placed: PlacedStep): Promise<Effect[]> {
  const step = placed.step;
  const template = step.kind === "survey" ? templateById(step.template) : undefined;
  if (step.kind !== "survey" || !template) return [];
  const now = deps.clock.now();
  const words = wordsFor({ locale: plan.locale, timezone: plan.zone, platform: decodeKey(plan.createdBy).platform, personal: false });
  const survey: Survey = {
    id: planSurveyId(plan, placed.index),
    communityId: plan.communityId,
    style: "survey",
    template: template.id,
    title: words.plain(template.name),
    questions: questionsOf(template, words),
    anonymous: true,
    visibility: "afterClose",
    status: "open",
    closesAt: new Date(now.getTime() + step.deadlineDays * 86_400_000).toISOString(),
    counted: true,
    createdBy: plan.createdBy,
    createdAt: now.toISOString(),
  };
  // A retried job finds the survey it made: it goes out the same way (every effect below is keyed, so once).
  const made = (await deps.repos.surveys.create(survey)) === "created" ? survey : (await deps.repos.surveys.get(plan.communityId, survey.id))?.value;
  if (!made || made.status !== "open") return [];
  return [
    { kind: "fanout", fanoutId: `plan:${plan.communityId}:${plan.id}:${placed.index}:survey`, audience: { kind: "spaces", communityId: plan.communityId, except: [] }, card: { presenter: "surveys.announcement", data: await surveyState(deps, made) } },
    { kind: "schedule", job: { kind: CLOSE_JOB, key: closeJobKey(made), dueAt: new Date(made.closesAt!), payload: { communityId: made.communityId, surveyId: made.id } } },
    ...scheduleNudge(made, new Date(made.createdAt)),
  ];
}

/** The step's card to those who act on it, directly: stewards (tasks, digest), with the sponsors for the report. */
function tellWhoDoes(plan: StoredPlan, placed: PlacedStep, name: string, roles: Role[]): Effect {
  return { kind: "fanout", fanoutId: `plan:${plan.communityId}:${plan.id}:${placed.index}`, audience: { kind: "members", communityId: plan.communityId, roles }, card: { presenter: DUE_PRESENTER, data: { name, step: placed } } };
}

/** A plan step (not an event: those were created on confirming) coming due; nothing once the plan was undone. */
export const stepJob = job({
  kind: STEP_JOB,
  schema: StepPayload,
  async run({ communityId, planId, index }, { deps }): Promise<Outcome> {
    const stored = await deps.repos.plans.get(communityId, planId);
    const placed = stored?.value.steps.find((s) => s.index === index);
    if (!stored || stored.value.status !== "active" || !placed) return outcome();
    const plan = stored.value;
    const name = (await deps.repos.communities.get(communityId))?.value.charter.name ?? plan.name;
    const stewards = [...STEWARD_ROLES];
    switch (placed.step.kind) {
      case "survey":
        return outcome(...(await startSurvey(deps, plan, placed)));
      case "digest":
        return outcome(...(await startDigest(deps, plan, placed, placed.step)), tellWhoDoes(plan, placed, name, stewards));
      case "report":
        return outcome(tellWhoDoes(plan, placed, name, placed.step.to === "sponsors" ? [...stewards, "sponsor"] : stewards));
      case "task":
        return outcome(tellWhoDoes(plan, placed, name, stewards));
      case "event":
        return outcome();
    }
  },
});
