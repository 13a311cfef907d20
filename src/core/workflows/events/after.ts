import { z } from "zod";
import { decodeKey, STEWARD_ROLES, type Member, type PersonKey, type SpaceRef } from "../../domain.js";
import { membersWhere } from "../../kernel/members.js";
import { tell } from "../../kernel/notice.js";
import { ORIGIN } from "../../kernel/origin.js";
import { openForm, outcome, post, reply, type Effect, type Outcome } from "../../kernel/outcome.js";
import { command, job, type CommunityContext } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { attendanceCountForm, attendanceForm, choiceOf, followUpForm, followUpValues, type AttendanceInput } from "./afterForms.js";
import type { FollowUpDraft } from "./afterModel.js";
import { ASK_PRESENTER, ATTENDANCE_OPEN, FOLLOW_UP_OPEN, FOLLOW_UP_PRESENTER } from "./afterPresenters.js";
import type { CopEvent, Rsvp } from "./model.js";
import { feedbackAfterAttendance } from "../surveys/afterEvents.js";
import { followUpToLibrary } from "../knowledge/fromFollowUp.js";
import { liveOccurrences, occurrenceAt, occurrenceById, type Occurrence } from "./occurrences.js";

export const AFTER_JOB = "events.after";
/** The ask is kept scheduled for this many occurrences ahead; each one that runs moves the window on. */
const AFTER_AHEAD = 3;
/**
 * The attendance form's people travel sealed with it, and a Slack modal holds 3,000 characters of that: the
 * list stops at this many bytes (about 20 people); anyone beyond it is counted under "others".
 */
const LISTED_BYTES = 1200;
/** How long the buttons of the ask stay tied to the community (as private cards' buttons are). */
const ASK_DAYS = 30;
const ORDER: Record<Rsvp["answer"], number> = { going: 0, maybe: 1, no: 2 };

const endOf = (o: Pick<Occurrence, "at" | "minutes">) => new Date(Date.parse(o.at) + o.minutes * 60_000);
/** Keyed by the date's identity and its current time: a moved date gets its own ask when it now ends. */
const afterKey = (e: Pick<CopEvent, "communityId" | "id">, o: Pick<Occurrence, "id" | "at">) => `events-after:${e.communityId}:${e.id}:${o.id}${o.at === o.id ? "" : `:${o.at}`}`;

/** The after-event ask for the next dates that still take place and have not ended, each due when it ends. */
export function scheduleAfter(event: CopEvent, now: Date): Effect[] {
  return liveOccurrences(event)
    .filter((o) => endOf(o) > now)
    .slice(0, AFTER_AHEAD)
    .map((o): Effect => ({
      kind: "schedule",
      job: { kind: AFTER_JOB, key: afterKey(event, o), dueAt: endOf(o), payload: { communityId: event.communityId, eventId: event.id, occurrence: o.id } },
    }));
}

/**
 * Who is asked: whoever scheduled the event, while still a steward (they ran it and know who came); otherwise
 * the community's facilitators, so an event whose organiser left still gets its follow-up.
 */
async function askWhom(deps: CoreDeps, event: CopEvent): Promise<Member[]> {
  const creator = await deps.repos.members.get(event.communityId, event.createdBy);
  if (creator && STEWARD_ROLES.includes(creator.role)) return [creator];
  return membersWhere(deps, event.communityId, (m) => m.role === "facilitator", 5);
}

/** When an occurrence has ended: asks privately (1:1 chat) for attendance and the follow-up, with buttons tied to the community. */
export const afterJob = job({
  kind: AFTER_JOB,
  schema: z.object({ communityId: z.string().min(1), eventId: z.string().min(1), occurrence: z.string().datetime() }),
  async run({ communityId, eventId, occurrence }, { deps, key }) {
    const stored = await deps.repos.events.get(communityId, eventId);
    if (!stored) return outcome();
    const event = stored.value;
    const now = deps.clock.now();
    const ahead = scheduleAfter(event, now);
    // Cancelled, gone from the series, or moved to end later (its own ask is due then): nothing to ask yet.
    const o = occurrenceById(event, occurrence);
    if (!o || o.cancelled || endOf(o) > now) return outcome(...ahead);
    const [people, spaces, tally] = await Promise.all([askWhom(deps, event), deps.repos.spaces.listForCommunity(communityId), deps.repos.events.tally(communityId, eventId, occurrence)]);
    const asks: Effect[] = [];
    for (const person of people) {
      const { platform } = decodeKey(person.personKey);
      // The buttons run in a space of the community on the person's own platform, where its answers can go.
      const space = spaces.find((s) => s.spaceKey === person.spaceKey && s.platform === platform) ?? spaces.find((s) => s.platform === platform);
      if (!space) continue;
      const ref: SpaceRef = { spaceKey: space.spaceKey, platform: space.platform, displayName: space.displayName, personal: false };
      const origin = await deps.sealer.seal({ form: ORIGIN, space: ref, by: person.personKey, args: {}, exp: deps.clock.now().getTime() + ASK_DAYS * 86_400_000 });
      const data = { eventId, title: o.title, at: o.at, tally, origin, draft: deps.drafts !== undefined };
      asks.push({ kind: "fanout", fanoutId: `after:${key}:${choiceOf(person.personKey)}`.slice(0, 200), audience: { kind: "people", people: [person.personKey] }, card: { presenter: ASK_PRESENTER, data } });
    }
    return outcome(...asks, ...ahead);
  },
});

const Target = z.object({ event: z.string().min(1).max(100), at: z.string().datetime() });

/** The event and one of its occurrences that has started, or a private answer saying why not. */
async function occurrenceOf(ctx: CommunityContext, eventId: string, at: string): Promise<{ event: CopEvent; occurrence: string } | Outcome> {
  const stored = await ctx.deps.repos.events.get(ctx.community.id, eventId);
  if (!stored) return outcome(tell("events.notFound", {}, "warning", true));
  // Found by its identity or its current time (a moved date's cards show the latter); stored under its identity.
  const found = occurrenceAt(stored.value, at);
  if (!found || found.cancelled) return outcome(tell("events.notAnOccurrence", {}, "warning", true));
  if (Date.parse(found.at) > ctx.deps.clock.now().getTime()) return outcome(tell("events.after.notYet", { title: stored.value.title }, "info", true));
  return { event: stored.value, occurrence: found.id };
}

/** The people who answered, going first, with their names from the roster. */
async function answeredPeople(ctx: CommunityContext, eventId: string, occurrence: string): Promise<Array<Rsvp & { name: string }>> {
  const answers = await ctx.deps.repos.events.answers(ctx.community.id, eventId, occurrence);
  const keys = new Set(answers.map((a) => a.personKey));
  const names = new Map((await membersWhere(ctx.deps, ctx.community.id, (m) => keys.has(m.personKey))).map((m) => [m.personKey, m.displayName]));
  return answers
    .map((a) => ({ ...a, name: names.get(a.personKey) || ctx.words.plain("events.after.someone") }))
    .sort((a, b) => ORDER[a.answer] - ORDER[b.answer] || a.name.localeCompare(b.name, ctx.words.locale));
}

export const openAttendance = command({
  verb: ATTENDANCE_OPEN,
  permission: "steward",
  where: "community",
  input: Target,
  async handle(ctx, { event: eventId, at }) {
    const found = await occurrenceOf(ctx, eventId, at);
    if ("effects" in found) return found;
    const { occurrence } = found;
    const [people, confirmed] = await Promise.all([answeredPeople(ctx, eventId, occurrence), ctx.deps.repos.events.attendance(ctx.community.id, eventId, occurrence)]);
    const choices: Array<[string, string]> = [];
    for (const p of people) {
      const choice: [string, string] = [choiceOf(p.personKey), `${[...p.name].slice(0, 30).join("")} (${ctx.words.plain(`events.answer.${p.answer}`)})`];
      if (Buffer.byteLength(JSON.stringify([...choices, choice])) > LISTED_BYTES) break;
      choices.push(choice);
    }
    const listed = people.slice(0, choices.length);
    const args = { event: eventId, at: occurrence };
    if (listed.length === 0) return outcome(openForm({ form: attendanceCountForm.name, values: { others: String(confirmed?.others ?? 0) }, args }));
    const present = confirmed ? listed.filter((p) => confirmed.people.includes(p.personKey)) : listed.filter((p) => p.answer === "going");
    return outcome(openForm({ form: attendanceForm.name, values: { present: present.map((p) => choiceOf(p.personKey)), others: String(confirmed?.others ?? 0) }, args: { ...args, people: JSON.stringify(choices) } }));
  },
});

export const confirmAttendance = command({
  verb: "events.attendance",
  permission: "steward",
  where: "community",
  input: z.custom<AttendanceInput>(),
  form: attendanceForm,
  async handle(ctx, { present, others }) {
    const found = await occurrenceOf(ctx, ctx.submitted?.args.event ?? "", ctx.submitted?.args.at ?? "");
    if ("effects" in found) return found;
    const { event, occurrence } = found;
    // Only people the form listed (sealed with it) can be chosen: the kernel refused any other choice.
    const people = (await answeredPeople(ctx, event.id, occurrence)).filter((p) => present.includes(choiceOf(p.personKey)));
    const before = await ctx.deps.repos.events.attendance(ctx.community.id, event.id, occurrence);
    const now = ctx.deps.clock.now().toISOString();
    await ctx.deps.repos.events.confirmAttendance(ctx.community.id, { eventId: event.id, occurrence, people: people.map((p) => p.personKey), others, by: ctx.request.actor.personKey, at: now });
    const feedback = await feedbackAfterAttendance(ctx.deps, ctx.words, { communityId: ctx.community.id, eventId: event.id, occurrence, title: event.title, people: people.map((p) => p.personKey), by: ctx.request.actor.personKey });
    return outcome(reply("events.attendance.saved", { title: event.title, at: occurrence, names: people.map((p) => p.name), others, replaced: before !== undefined }, true), ...feedback);
  },
});

export const openFollowUp = command({
  verb: FOLLOW_UP_OPEN,
  permission: "steward",
  where: "community",
  input: Target,
  async handle(ctx, { event: eventId, at }) {
    const found = await occurrenceOf(ctx, eventId, at);
    if ("effects" in found) return found;
    const stored = await ctx.deps.repos.events.followUp(ctx.community.id, eventId, found.occurrence);
    return outcome(openForm({ form: followUpForm.name, values: followUpValues(stored), args: { event: eventId, at: found.occurrence } }));
  },
});

/**
 * Who missed it: those who said going or maybe and were not marked as there. Before attendance is confirmed
 * nobody is known to have come, so all of them get it (the form's intro says so).
 */
async function missedBy(ctx: CommunityContext, eventId: string, occurrence: string): Promise<PersonKey[]> {
  const [answers, attendance] = await Promise.all([ctx.deps.repos.events.answers(ctx.community.id, eventId, occurrence), ctx.deps.repos.events.attendance(ctx.community.id, eventId, occurrence)]);
  const came = new Set(attendance?.people ?? []);
  return answers.filter((a) => a.answer !== "no" && !came.has(a.personKey)).map((a) => a.personKey);
}

export const postFollowUp = command({
  verb: "events.followUp",
  permission: "steward",
  where: "community",
  input: z.custom<FollowUpDraft>(),
  form: followUpForm,
  async handle(ctx, draft) {
    const found = await occurrenceOf(ctx, ctx.submitted?.args.event ?? "", ctx.submitted?.args.at ?? "");
    if ("effects" in found) return found;
    const { event, occurrence } = found;
    const { deps, community, request } = ctx;
    const before = await deps.repos.events.followUp(community.id, event.id, occurrence);
    const now = deps.clock.now().toISOString();
    await deps.repos.events.archiveFollowUp(community.id, { ...draft, eventId: event.id, occurrence, by: before?.by ?? request.actor.personKey, at: before?.at ?? now, ...(before ? { updatedAt: now } : {}) });
    const data = { ...draft, eventId: event.id, title: event.title, at: occurrence, updated: before !== undefined, missed: false };
    const effects: Effect[] = [reply("events.followUp.posted", { title: event.title, updated: before !== undefined }, true), post("community", FOLLOW_UP_PRESENTER, data)];
    // Its links go in the community's library too (the knowledge workflow's part).
    effects.push(...(await followUpToLibrary(deps, { communityId: community.id, eventTitle: event.title, links: [...draft.resources, draft.recording, draft.slides], by: request.actor.personKey, byName: request.actor.displayName, spaceKey: request.space.spaceKey })));
    // Those who missed it get it once, when it is first posted; an update is posted to the spaces only.
    const missed = before ? [] : await missedBy(ctx, event.id, occurrence);
    if (missed.length) effects.push({ kind: "fanout", fanoutId: `followup:${community.id}:${event.id}:${occurrence}`.slice(0, 200), audience: { kind: "people", people: missed.slice(0, 1000) }, card: { presenter: FOLLOW_UP_PRESENTER, data: { ...data, missed: true } } });
    return outcome(...effects);
  },
});
