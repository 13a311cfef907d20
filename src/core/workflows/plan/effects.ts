import { post, type Effect } from "../../kernel/outcome.js";
import type { CommunityContext } from "../../kernel/workflow.js";
import { announcementCopies } from "../events/announcementCopies.js";
import { scheduleAfter } from "../events/after.js";
import { DEFAULT_BEFORE, type CopEvent, type EventDraft } from "../events/model.js";
import { plan as checkEvent } from "../events/recurrence.js";
import { occurrenceData, scheduleReminders } from "../events/reminders.js";
import type { PlacedStep, StoredPlan } from "./model.js";
import { localStart } from "./placement.js";
import { STEP_JOB, stepJobKey } from "./stepJob.js";

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
      id: deps.ids.newId(),
      communityId: community.id,
      firstAt: checked.plan.firstAt,
      lastAt: checked.plan.lastAt,
      createdBy: request.actor.personKey,
      createdAt: now.toISOString(),
    };
    await deps.repos.events.create(event);
    events[String(index)] = event.id;
    const announced = await occurrenceData(deps, event, event.firstAt);
    effects.push(post("community", "events.announcement", announced, announcementCopies(community.id, announced)), ...scheduleReminders(event, now), ...scheduleAfter(event, now));
  }
  return { events, jobs: jobKeys(effects), effects };
}

/** Cancels the plan's events not held yet and every job it scheduled; returns the titles cancelled and the steps removed. */
export async function undoPlanned(ctx: CommunityContext, plan: StoredPlan): Promise<{ events: string[]; steps: number }> {
  const { deps, community, request } = ctx;
  const now = deps.clock.now();
  const cancelled: string[] = [];
  for (const eventId of Object.values(plan.events)) {
    const stored = await deps.repos.events.get(community.id, eventId);
    if (!stored || stored.value.cancelled || Date.parse(stored.value.firstAt) <= now.getTime()) continue;
    await deps.repos.events.update({ ...stored.value, cancelled: true, updatedBy: request.actor.personKey, updatedAt: now.toISOString() }, stored.etag);
    cancelled.push(stored.value.title);
  }
  // Steps whose date has passed were done (or are being done): only those still ahead count as removed.
  const ahead = new Set(plan.steps.filter((s) => Date.parse(s.at) > now.getTime()).map((s) => stepJobKey(plan, s.index)));
  let steps = 0;
  for (const key of plan.jobs) {
    const result = await deps.jobs.cancel(key);
    if (result === "cancelled" && ahead.has(key)) steps += 1;
  }
  return { events: cancelled, steps };
}
