import { z } from "zod";
import { STEWARD_ROLES } from "../../domain.js";
import { atParam, tell, typedParam } from "../../kernel/notice.js";
import { outcome, reply } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import { windowStart } from "./digest.js";
import { gatherDigest, happened } from "./gather.js";
import { DigestSchedule, WEEKDAYS, type ScheduleChoice, type Weekday } from "./model.js";
import { DIGEST_STATUS_PRESENTER, type StatusData } from "./presenters.js";
import { firstAfter, knownZone, setDigestSchedule } from "./schedule.js";

const SET_USAGE = "digest weekly|every 2 weeks|every 4 weeks on DAY at HH:MM [ZONE]";
const EXAMPLE = "digest weekly on monday at 09:00 Europe/Brussels";

/** `weekly on monday at 9:00 Europe/Rome`, `every 2 weeks on fri at 16:30`: the schedule, or undefined when it does not read. */
export function parseSchedule(rest: string): { cadenceWeeks: number; day: Weekday; time: string; zone?: string } | undefined {
  const m = /^(weekly|every\s+week|fortnightly|every\s+(\d+)\s+weeks?)\s+on\s+([a-z]+)\s+at\s+(\d{1,2})[:.h](\d{2})(?:\s+(\S+))?$/i.exec(rest.trim());
  if (!m) return undefined;
  const cadenceWeeks = m[2] ? Number(m[2]) : m[1]!.toLowerCase() === "fortnightly" ? 2 : 1;
  const day = WEEKDAYS.find((d) => m[3]!.length >= 3 && d.startsWith(m[3]!.toLowerCase()));
  const [hour, minute] = [Number(m[4]), Number(m[5])];
  if (!day || hour > 23 || minute > 59) return undefined;
  return { cadenceWeeks, day, time: `${String(hour).padStart(2, "0")}:${m[5]}`, zone: m[6] };
}

async function stored(ctx: CommunityContext): Promise<DigestSchedule> {
  return (await ctx.deps.repos.summaries.schedule(ctx.community.id))?.value ?? DigestSchedule.parse({ zone: ctx.reader.timezone ?? "UTC" });
}

export const showDigest = command({
  verb: "summaries.digest.show",
  permission: "member",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["digest"], when: (rest) => rest === "" },
  help: { usage: "help.usage.digest", describe: "help.cmd.digest" },
  async handle(ctx) {
    const { deps, community } = ctx;
    const schedule = await stored(ctx);
    const now = deps.clock.now();
    const from = await windowStart(deps, community.id, schedule, now);
    // Up to now, inclusive: what happened this very moment shows too.
    const preview = await gatherDigest(deps, community.id, community.charter.name, from, new Date(now.getTime() + 1));
    const data: StatusData = {
      name: community.charter.name,
      schedule,
      next: schedule.on ? firstAfter(schedule, now).toISOString() : undefined,
      preview: happened(preview) ? preview : undefined,
      previewFrom: from.toISOString(),
      steward: !!ctx.member && STEWARD_ROLES.includes(ctx.member.role),
    };
    return outcome(reply(DIGEST_STATUS_PRESENTER, data, true));
  },
});

/** Saves a steward's choice and answers with when the first digest goes out. */
async function choose(ctx: CommunityContext, choice: ScheduleChoice) {
  const { schedule, first, effect } = await setDigestSchedule(ctx.deps, ctx.community.id, choice, ctx.request.actor.personKey);
  const name = ctx.community.charter.name;
  if (!first || !effect) return outcome(tell("summaries.off.done", { name, on: typedParam("digest on") }, "success", true));
  return outcome(tell("summaries.on.done", { name, cadence: schedule.cadenceWeeks, when: atParam(first), off: typedParam("digest off") }, "success", true), effect);
}

export const setDigest = command({
  verb: "summaries.digest.set",
  permission: "steward",
  where: "community",
  input: z.object({ rest: z.string().max(300) }),
  text: { words: ["digest"], when: (rest) => rest !== "", parse: (rest) => ({ rest: rest.slice(0, 300) }) },
  help: { usage: "help.usage.digestSet", describe: "help.cmd.digestSet" },
  async handle(ctx, { rest }) {
    const parsed = parseSchedule(rest);
    const cadence = DigestSchedule.shape.cadenceWeeks.safeParse(parsed?.cadenceWeeks);
    if (!parsed || !cadence.success) return outcome(tell("summaries.set.error", { usage: typedParam(SET_USAGE), example: typedParam(EXAMPLE) }, "warning", true));
    const zone = parsed.zone ?? (await stored(ctx)).zone;
    if (!knownZone(zone)) return outcome(tell("summaries.set.zone", { zone, example: typedParam(EXAMPLE) }, "warning", true));
    return choose(ctx, { on: true, cadenceWeeks: cadence.data!, day: parsed.day, time: parsed.time, zone });
  },
});

export const digestOn = command({
  verb: "summaries.digest.on",
  permission: "steward",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["digest on"], when: (rest) => rest === "" },
  help: { usage: "help.usage.digestOn", describe: "help.cmd.digestOn" },
  async handle(ctx) {
    const s = await stored(ctx);
    return choose(ctx, { on: true, cadenceWeeks: s.cadenceWeeks, day: s.day, time: s.time, zone: s.zone });
  },
});

export const digestOff = command({
  verb: "summaries.digest.off",
  permission: "steward",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["digest off"], when: (rest) => rest === "" },
  help: { usage: "help.usage.digestOff", describe: "help.cmd.digestOff" },
  async handle(ctx) {
    const s = await stored(ctx);
    if (!s.on) return outcome(tell("summaries.off.already", { name: ctx.community.charter.name }, "info", true));
    return choose(ctx, { on: false, cadenceWeeks: s.cadenceWeeks, day: s.day, time: s.time, zone: s.zone });
  },
});
