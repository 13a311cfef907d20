import { DateTime } from "luxon";
import { z } from "zod";
import { tell, typedParam } from "../../kernel/notice.js";
import { outcome, replace } from "../../kernel/outcome.js";
import { command } from "../../kernel/workflow.js";
import { MET_VERB } from "./presenters.js";

const SNOOZE_USAGE = "matching snooze until YYYY-MM-DD";

export const optIn = command({
  verb: "matching.optIn",
  permission: "member",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["matching opt in", "matching join"] },
  help: { usage: "help.usage.matchingOptIn", describe: "help.cmd.matchingOptIn" },
  async handle(ctx) {
    const { deps, community } = ctx;
    await deps.repos.matching.savePref(community.id, { personKey: ctx.request.actor.personKey, optedIn: true, at: deps.clock.now().toISOString() });
    const running = (await deps.repos.matching.settings(community.id))?.value.on;
    const params = { name: community.charter.name, optOut: typedParam("matching opt out"), snooze: typedParam(SNOOZE_USAGE), on: typedParam("matching on") };
    return outcome(tell(running ? "matching.optIn.done" : "matching.optIn.off", params, "success", true));
  },
});

export const optOut = command({
  verb: "matching.optOut",
  permission: "member",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["matching opt out", "matching leave"] },
  help: { usage: "help.usage.matchingOptOut", describe: "help.cmd.matchingOptOut" },
  async handle(ctx) {
    const { deps, community } = ctx;
    await deps.repos.matching.savePref(community.id, { personKey: ctx.request.actor.personKey, optedIn: false, at: deps.clock.now().toISOString() });
    return outcome(tell("matching.optOut.done", { name: community.charter.name, optIn: typedParam("matching opt in") }, "success", true));
  },
});

export const snooze = command({
  verb: "matching.snooze",
  permission: "member",
  where: "community",
  input: z.object({ until: z.string().max(200) }),
  text: { words: ["matching snooze"], parse: (rest) => ({ until: rest.replace(/^until\s+/i, "").trim() }) },
  help: { usage: "help.usage.matchingSnooze", describe: "help.cmd.matchingSnooze" },
  async handle(ctx, { until }) {
    const { deps, community } = ctx;
    const name = community.charter.name;
    const day = DateTime.fromFormat(until, "yyyy-MM-dd", { zone: "UTC" });
    const today = deps.clock.now().toISOString().slice(0, 10);
    if (!day.isValid || until <= today) {
      const example = DateTime.fromJSDate(deps.clock.now(), { zone: "UTC" }).plus({ weeks: 4 }).toFormat("yyyy-MM-dd");
      return outcome(tell("matching.snooze.error", { usage: typedParam(SNOOZE_USAGE), example: typedParam(`matching snooze until ${example}`) }, "warning", true));
    }
    const mine = await deps.repos.matching.pref(community.id, ctx.request.actor.personKey);
    if (!mine?.optedIn) return outcome(tell("matching.snooze.notIn", { name, optIn: typedParam("matching opt in") }, "info", true));
    await deps.repos.matching.savePref(community.id, { ...mine, snoozedUntil: until, at: deps.clock.now().toISOString() });
    return outcome(tell("matching.snooze.done", { name, day: until, optIn: typedParam("matching opt in") }, "success", true));
  },
});

/** The answer to "did you meet?": recorded (a later press replaces it), and the card says thanks to the one who pressed. */
export const answerMet = command({
  verb: MET_VERB,
  permission: "member",
  where: "community",
  input: z.object({ round: z.string().min(1).max(40), met: z.enum(["yes", "no"]) }),
  async handle(ctx, { round: roundId, met }) {
    const { deps, community } = ctx;
    const me = ctx.request.actor.personKey;
    const round = await deps.repos.matching.round(community.id, roundId);
    if (!round?.groups.some((g) => g.people.some((p) => p.personKey === me))) return outcome(tell("matching.met.notYours", {}, "warning", true));
    await deps.repos.matching.checkIn(community.id, { roundId: round.id, personKey: me, met: met === "yes", at: deps.clock.now().toISOString() });
    return outcome(replace("actor", "notice", { key: met === "yes" ? "matching.met.yes" : "matching.met.no", params: {}, tone: "success" }));
  },
});
