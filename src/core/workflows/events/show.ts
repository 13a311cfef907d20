import { z } from "zod";
import { STEWARD_ROLES } from "../../domain.js";
import { membersWhere } from "../../kernel/members.js";
import { tell } from "../../kernel/notice.js";
import { outcome, reply } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import { ATTENDANCE_OPEN } from "./afterPresenters.js";
import { ANSWERS, type CopEvent } from "./model.js";
import { eventByTypedId, liveOccurrences, shortId, type Occurrence } from "./occurrences.js";
import { CANCEL_OPEN, EDIT_OPEN, type EventData } from "./showPresenters.js";

/** How many past occurrences `events past` shows. */
const PAST_LISTED = 10;

/** An id as people type it: long ones (UUIDs) by their first 8 characters. */
/** What `event ID` accepts as an id: one word of letters, digits and dashes, with a digit (a one-word title is not an id). */
const ID = /^(?=[^\d]*\d)[A-Za-z0-9-]{4,64}$/;

const isSteward = (ctx: CommunityContext) => !!ctx.member && STEWARD_ROLES.includes(ctx.member.role);

export const listPast = command({
  verb: "events.past",
  permission: "member",
  where: "community",
  readOnly: true,
  input: z.object({}).passthrough(),
  text: { words: ["events past", "past events"] },
  help: { usage: "help.usage.eventsPast", describe: "help.cmd.eventsPast" },
  async handle(ctx) {
    const { deps, community } = ctx;
    const now = deps.clock.now().getTime();
    const past = (await deps.repos.events.all(community.id))
      .flatMap((e) => liveOccurrences(e).filter((o) => Date.parse(o.at) <= now).map((o) => ({ e, at: o.at, id: o.id })))
      .sort((a, b) => b.at.localeCompare(a.at));
    const shown = past.slice(0, PAST_LISTED);
    const followUps = await Promise.all(shown.map(({ e, id }) => deps.repos.events.followUp(community.id, e.id, id)));
    return outcome(
      reply("events.past", {
        name: community.charter.name,
        items: shown.map(({ e, at }, i) => ({ shortId: shortId(e.id), title: e.title, at, followUp: followUps[i] !== undefined })),
        omitted: past.length - shown.length,
      }),
    );
  },
});

/** An occurrence's answers: counted for everyone, and by name for stewards. */
async function answersView(ctx: CommunityContext, event: CopEvent, { id, at }: Occurrence, names: Map<string, string> | undefined) {
  const tally = await ctx.deps.repos.events.tally(ctx.community.id, event.id, id);
  if (!names) return { at, tally };
  const answers = await ctx.deps.repos.events.answers(ctx.community.id, event.id, id);
  const named = Object.fromEntries(ANSWERS.map((a) => [a, answers.filter((r) => r.answer === a).map((r) => names.get(r.personKey) || ctx.words.plain("events.after.someone")).sort((x, y) => x.localeCompare(y, ctx.words.locale))]));
  return { at, tally, names: named as Record<(typeof ANSWERS)[number], string[]> };
}

export const showEvent = command({
  verb: "events.show",
  permission: "member",
  where: "community",
  readOnly: true,
  input: z.object({ event: z.string().regex(ID) }),
  text: { words: ["event"], when: (rest) => ID.test(rest), parse: (rest) => ({ event: rest }) },
  help: { usage: "help.usage.eventShow", describe: "help.cmd.eventShow" },
  async handle(ctx, { event: typed }) {
    const found = await eventByTypedId(ctx.deps, ctx.community.id, typed);
    if (found === "none") return outcome(tell("events.show.unknown", { id: typed }, "warning", true));
    if (found === "several") return outcome(tell("events.show.several", { id: typed }, "warning", true));
    const event = found.value;
    const now = ctx.deps.clock.now().getTime();
    const live = liveOccurrences(event);
    const next = live.find((o) => Date.parse(o.at) > now);
    const last = live.filter((o) => Date.parse(o.at) <= now).at(-1);
    const steward = isSteward(ctx);
    // Names only for stewards; read from the roster once.
    const names = steward ? new Map((await membersWhere(ctx.deps, ctx.community.id, () => true)).map((m) => [m.personKey, m.displayName])) : undefined;
    const data: EventData = {
      id: event.id,
      shortId: shortId(event.id),
      title: event.title,
      kind: event.kind,
      minutes: event.minutes,
      recurrence: event.recurrence,
      interval: event.interval,
      until: event.recurrence === "none" ? undefined : event.until,
      next: next ? await answersView(ctx, event, next, names) : undefined,
      last: last ? await lastView(ctx, event, last, names) : undefined,
      can: { edit: ctx.can(EDIT_OPEN), cancel: ctx.can(CANCEL_OPEN), after: ctx.can(ATTENDANCE_OPEN) },
    };
    return outcome(reply("events.show", data));
  },
});

async function lastView(ctx: CommunityContext, event: CopEvent, o: Occurrence, names: Map<string, string> | undefined): Promise<EventData["last"]> {
  const [view, attendance, followUp] = await Promise.all([
    answersView(ctx, event, o, names),
    ctx.deps.repos.events.attendance(ctx.community.id, event.id, o.id),
    ctx.deps.repos.events.followUp(ctx.community.id, event.id, o.id),
  ]);
  const came = attendance && {
    count: attendance.people.length + attendance.others,
    ...(names ? { names: attendance.people.map((p) => names.get(p) || ctx.words.plain("events.after.someone")) } : {}),
  };
  return { ...view, ...(came ? { attendance: came } : {}), ...(followUp ? { followUp } : {}) };
}
