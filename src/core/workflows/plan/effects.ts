import { createHash } from "node:crypto";
import { post, type Effect } from "../../kernel/outcome.js";
import type { CommunityContext } from "../../kernel/workflow.js";
import { announcementCopies } from "../events/announcementCopies.js";
import { scheduleAfter } from "../events/after.js";
import { DEFAULT_BEFORE, type CopEvent, type EventDraft } from "../events/model.js";
import { plan as checkEvent } from "../events/recurrence.js";
import { occurrenceData, scheduleReminders } from "../events/reminders.js";
import type { PlacedStep, StoredPlan } from "./model.js";
import { localStart } from "./placement.js";
import { planDigestSeries, planSurveyId, STEP_JOB, stepJobKey } from "./stepJob.js";
import { setDigestSchedule } from "../summaries/schedule.js";

type EventStep = Extract<PlacedStep["step"], { kind: "event" }>;

/** An event step as the events workflow takes a steward's draft: one date, in its zone, online. */
function draftOf(step: EventStep, at: string, zone: string, reminders: string[]): EventDraft {
  const eventZone = step.zone ?? zone;
  return {
    title: step.title,
    kind: step.event,
    agenda: step.agenda ?? "",
    start: localStart(at, eventZone),
    zone: eventZone,
    minutes: step.minutes,
    recurrence: "none",
    location: "online",
    readings: step.readings,
    reminders,
    guideBefore: step.guideBefore,
    ...(step.joinUrl ? { joinUrl: step.joinUrl } : {}),
    ...(step.guide ? { guideUrl: step.guide } : {}),
  };
}

const jobKeys = (effects: Effect[]) => effects.flatMap((e) => (e.kind === "schedule" ? [e.job.key] : []));

/**
 * The id of the event a plan's step creates, derived from the plan and the step (in the shape of the app's
 * other ids): a confirmation cut short and tried again finds the events it made, and `plan undo` finds them
 * even when the plan never recorded them.
 */
export function planEventId(plan: Pick<StoredPlan, "communityId" | "id">, index: number): string {
  const hex = createHash("sha256").update(`${plan.communityId}|${plan.id}|event|${index}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Everything a confirmed plan creates, in one step: each event stored and announced in every linked space
 * (with its reminders, guide and follow-up as any event has), and a durable job for every other step.
 * Returns the ids and job keys to record on the plan, so `plan undo` removes exactly these.
 */
export async function createPlanned(ctx: CommunityContext, plan: StoredPlan): Promise<{ events: Record<string, string>; jobs: string[]; effects: Effect[] }> {
  const { deps, community, request } = ctx;
  const now = deps.clock.now();
  const reminders = (await deps.repos.events.beforeSettings(community.id))?.reminders ?? DEFAULT_BEFORE.reminders;
  const events: Record<string, string> = {};
  const effects: Effect[] = [];
  for (const placed of plan.steps) {
    const { step, index, at } = placed;
    if (step.kind !== "event") {
      effects.push({ kind: "schedule", job: { kind: STEP_JOB, key: stepJobKey(plan, index), dueAt: new Date(at), payload: { communityId: community.id, planId: plan.id, index } } });
      continue;
    }
    const draft = draftOf(step, at, plan.zone, reminders);
    const checked = checkEvent(draft, now);
    if (!checked.ok) continue;
    const event: CopEvent = {
      ...draft,
      id: planEventId(plan, index),
      communityId: community.id,
      firstAt: checked.plan.firstAt,
      lastAt: checked.plan.lastAt,
      createdBy: request.actor.personKey,
      createdAt: now.toISOString(),
    };
    // Made already by a confirmation cut short before the plan was saved: its announcement never went out, so it goes now.
    await deps.repos.events.create(event);
    events[String(index)] = event.id;
    const announced = await occurrenceData(deps, event, event.firstAt);
    effects.push(post("community", "events.announcement", announced, announcementCopies(community.id, announced)), ...scheduleReminders(event, now), ...scheduleAfter(event, now));
  }
  return { events, jobs: jobKeys(effects), effects };
}

/**
 * Cancels the plan's events not held yet and every job it scheduled, and turns off a digest the plan turned on
 * if no steward has changed it since. Surveys the plan opened stay open (people have answered them): they are
 * named so a steward can close them. Returns what was removed, and those surveys.
 */
export async function undoPlanned(ctx: CommunityContext, plan: StoredPlan): Promise<{ events: string[]; steps: number; digestOff: boolean; openSurveys: string[] }> {
  const { deps, community, request } = ctx;
  const now = deps.clock.now();
  const cancelled: string[] = [];
  const eventIds = new Set([...Object.values(plan.events), ...plan.steps.filter((s) => s.step.kind === "event").map((s) => planEventId(plan, s.index))]);
  for (const eventId of eventIds) {
    const stored = await deps.repos.events.get(community.id, eventId);
    if (!stored || stored.value.cancelled || Date.parse(stored.value.firstAt) <= now.getTime()) continue;
    await deps.repos.events.update({ ...stored.value, cancelled: true, updatedBy: request.actor.personKey, updatedAt: now.toISOString() }, stored.etag);
    cancelled.push(stored.value.title);
  }
  // Steps whose date has passed were done (or are being done): only those still ahead count as removed.
  const ahead = new Set(plan.steps.filter((s) => Date.parse(s.at) > now.getTime()).map((s) => stepJobKey(plan, s.index)));
  const stepJobs = plan.steps.filter((s) => s.step.kind !== "event").map((s) => stepJobKey(plan, s.index));
  let steps = 0;
  for (const key of new Set([...plan.jobs, ...stepJobs])) {
    const result = await deps.jobs.cancel(key);
    if (result === "cancelled" && ahead.has(key)) steps += 1;
  }
  const done = plan.steps.filter((s) => Date.parse(s.at) <= now.getTime());
  const digest = await deps.repos.summaries.schedule(community.id);
  const series = new Set(done.map((s) => planDigestSeries(plan, s)));
  const digestOff = Boolean(digest?.value.on && series.has(digest.value.series));
  if (digestOff) await setDigestSchedule(deps, community.id, { ...digest!.value, on: false }, request.actor.personKey);
  const openSurveys: string[] = [];
  for (const s of done.filter((d) => d.step.kind === "survey")) {
    const survey = await deps.repos.surveys.get(community.id, planSurveyId(plan, s.index));
    if (survey?.value.status === "open") openSurveys.push(survey.value.id);
  }
  return { events: cancelled, steps, digestOff, openSurveys };
}
