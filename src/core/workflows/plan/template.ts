import type { PlanFile } from "./model.js";
import { parsePlan } from "./parse.js";

/**
 * The guides' one-year programme, written in the plan format itself (README "Programme plan" documents it):
 * purpose, participants, orientation and its follow-up, four monthly webinars with their guide and readings a
 * week before, a follow-up with a call for success stories, the wrap-up session and the report to the sponsor.
 */
export const BUILT_IN_PLAN = `name: One-year programme
steps:
  - { month: 1, kind: task, text: "Define the community's purpose, domain and goals: update the charter" }
  - { month: 2, kind: task, text: "Confirm the participants: invite them to the community's spaces and ask them to fill in their profile" }
  - { month: 3, kind: digest, cadence: weekly }
  - { month: 3, kind: event, event: orientation, title: Orientation, weekday: 2nd tuesday, time: "15:00", minutes: 90 }
  - { month: 3, kind: survey, template: postEvent, weekday: 2nd thursday, time: "09:00", deadlineDays: 7 }
  - { month: 3, kind: task, weekday: 4th tuesday, text: "Post the orientation follow-up with the year's schedule and the feedback survey's results" }
  - { month: 4, kind: task, weekday: 1st tuesday, text: "Add the guide and readings to this month's webinar (edit event): they go out a week before it" }
  - { month: 4, kind: event, event: webinar, title: Webinar 1, weekday: 2nd tuesday, time: "15:00", minutes: 60, guideBefore: P7D }
  - { month: 5, kind: task, weekday: 1st tuesday, text: "Add the guide and readings to this month's webinar (edit event): they go out a week before it" }
  - { month: 5, kind: event, event: webinar, title: Webinar 2, weekday: 2nd tuesday, time: "15:00", minutes: 60, guideBefore: P7D }
  - { month: 6, kind: task, weekday: 1st tuesday, text: "Add the guide and readings to this month's webinar (edit event): they go out a week before it" }
  - { month: 6, kind: event, event: webinar, title: Webinar 3, weekday: 2nd tuesday, time: "15:00", minutes: 60, guideBefore: P7D }
  - { month: 7, kind: task, weekday: 1st tuesday, text: "Add the guide and readings to this month's webinar (edit event): they go out a week before it" }
  - { month: 7, kind: event, event: webinar, title: Webinar 4, weekday: 2nd tuesday, time: "15:00", minutes: 60, guideBefore: P7D }
  - { month: 8, kind: task, text: "Post the follow-up of the webinars and call for success stories and reflections on shifts in practice" }
  - { month: 9, kind: event, event: wrap-up, title: Wrap-up session, weekday: 2nd tuesday, time: "15:00", minutes: 90 }
  - { month: 10, kind: report, to: sponsors }
`;

/** The built-in plan, checked when the app loads: a mistake in it stops the start with the reason. */
export function builtInPlan(): PlanFile {
  const parsed = parsePlan(BUILT_IN_PLAN);
  if (!parsed.ok) throw new Error(`the built-in plan does not parse: ${JSON.stringify(parsed.errors)}`);
  return parsed.plan;
}
