import { STEWARD_ROLES, type Member, type PersonKey } from "../../domain.js";
import { membersWhere } from "../../kernel/members.js";
import type { CoreDeps } from "../../ports.js";
import type { Survey } from "./model.js";

/** Whether a survey goes to each person by direct message (an event's attendees or RSVPs) rather than to spaces. */
export const isDirect = (survey: Pick<Survey, "audience">) => survey.audience?.kind === "attended" || survey.audience?.kind === "rsvp";

/** The people a survey asks, or undefined for the whole community. */
export async function audienceOf(deps: CoreDeps, survey: Pick<Survey, "communityId" | "audience">): Promise<PersonKey[] | undefined> {
  const a = survey.audience;
  if (!a || a.kind === "community") return undefined;
  if (a.kind === "space") return (await membersWhere(deps, survey.communityId, (m) => m.spaceKey === a.spaceKey)).map((m) => m.personKey);
  if (!a.eventId || !a.occurrence) return [];
  if (a.kind === "attended") return (await deps.repos.events.attendance(survey.communityId, a.eventId, a.occurrence))?.people ?? [];
  const answers = await deps.repos.events.answers(survey.communityId, a.eventId, a.occurrence);
  return [...new Set(answers.filter((r) => r.answer === "going" || r.answer === "maybe").map((r) => r.personKey))];
}

/** Whether a person is one of those a survey asks. */
export async function mayAnswer(deps: CoreDeps, survey: Survey, person: PersonKey): Promise<boolean> {
  const people = await audienceOf(deps, survey);
  return !people || people.includes(person);
}

/** How many a survey asks: its audience, or every member. */
export async function askedCount(deps: CoreDeps, survey: Survey): Promise<number> {
  const people = await audienceOf(deps, survey);
  return people ? people.length : deps.repos.members.count(survey.communityId);
}

/** The audience's members (for reminders), or every member. */
export async function audienceMembers(deps: CoreDeps, survey: Survey): Promise<Member[]> {
  const people = await audienceOf(deps, survey);
  const wanted = people && new Set(people);
  return membersWhere(deps, survey.communityId, (m) => !wanted || wanted.has(m.personKey));
}

/** The stewards alone: where a survey sent by direct message is announced. */
export const stewardsOf = (communityId: string) => ({ kind: "members" as const, communityId, roles: [...STEWARD_ROLES] });
