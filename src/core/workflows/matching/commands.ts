import { z } from "zod";
import { STEWARD_ROLES } from "../../domain.js";
import { membersWhere } from "../../kernel/members.js";
import { atParam, tell, typedParam } from "../../kernel/notice.js";
import { openForm, outcome, reply } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import { Cadence, defaultSettings, MAX_SIZE, metRate, MIN_SIZE, type MatchingSettings } from "./model.js";
import { STATUS_PRESENTER, type StatusData } from "./presenters.js";
import { settingsForm, settingsValues, type SettingsChoice } from "./settingsForm.js";
import { nextRoundAt, scheduleRound } from "./rounds.js";

const ON_USAGE = "matching on [weekly|every 2 weeks|every 4 weeks] [size 2-5]";

/** `matching on` and what follows: a cadence and a size, in any order; anything else is left unread. */
export function parseOn(rest: string): { cadenceWeeks?: number; size?: number; unread: string } {
  let left = ` ${rest.toLowerCase()} `;
  let cadenceWeeks: number | undefined;
  let size: number | undefined;
  const cadence = /\s(weekly|every\s+week|fortnightly|every\s+(\d+)\s+weeks?)\s/.exec(left);
  if (cadence) {
    cadenceWeeks = cadence[2] ? Number(cadence[2]) : cadence[1] === "fortnightly" ? 2 : 1;
    left = left.replace(cadence[0], " ");
  }
  const sized = /\s(?:size|groups\s+of)\s+(\d+)\s/.exec(left);
  if (sized) {
    size = Number(sized[1]);
    left = left.replace(sized[0], " ");
  }
  return { cadenceWeeks, size, unread: left.trim() };
}

/** The settings as stored, or the defaults (off) for a community that never had any. */
async function current(ctx: CommunityContext): Promise<{ settings: MatchingSettings; etag?: string }> {
  const stored = await ctx.deps.repos.matching.settings(ctx.community.id);
  return stored ? { settings: stored.value, etag: stored.etag } : { settings: defaultSettings(ctx.community.id) };
}

const stamp = (ctx: CommunityContext) => ({ updatedBy: ctx.request.actor.personKey, updatedAt: ctx.deps.clock.now().toISOString() });

export const showMatching = command({
  verb: "matching.show",
  permission: "member",
  where: "community",
  readOnly: true,
  input: z.object({}).passthrough(),
  text: { words: ["matching"] },
  help: { usage: "help.usage.matching", describe: "help.cmd.matching" },
  async handle(ctx) {
    const { deps, community } = ctx;
    const { settings } = await current(ctx);
    const prefs = await deps.repos.matching.prefs(community.id);
    // Those who opted in and are still on the roster (someone who left keeps their choice for if they come back).
    const optedIn = (await membersWhere(deps, community.id, (m) => prefs.get(m.personKey)?.optedIn === true)).length;
    const mine = prefs.get(ctx.request.actor.personKey);
    const today = deps.clock.now().toISOString().slice(0, 10);
    const you: StatusData["you"] = !mine?.optedIn ? { state: "out" } : mine.snoozedUntil && mine.snoozedUntil > today ? { state: "snoozed", until: mine.snoozedUntil } : { state: "in" };
    const steward = !!ctx.member && STEWARD_ROLES.includes(ctx.member.role);
    const [last] = await deps.repos.matching.recentRounds(community.id, 1);
    const data: StatusData = {
      name: community.charter.name,
      on: settings.on,
      cadenceWeeks: settings.cadenceWeeks,
      size: settings.size,
      crossOrganisation: settings.crossOrganisation,
      crossPlatform: settings.crossPlatform,
      buddies: settings.buddies,
      nextRoundAt: settings.on ? nextRoundAt(settings, deps.clock.now(), last?.id)?.toISOString() : undefined,
      optedIn,
      you,
      last: last && steward ? metRate(last, await deps.repos.matching.checkIns(community.id, last.id)) : undefined,
    };
    return outcome(reply(STATUS_PRESENTER, data, true));
  },
});

export const matchingOn = command({
  verb: "matching.on",
  permission: "steward",
  where: "community",
  input: z.object({ cadenceWeeks: z.number().int().optional(), size: z.number().int().optional(), unread: z.string().max(4000).default("") }),
  text: { words: ["matching on", "start matching"], parse: parseOn },
  help: { usage: "help.usage.matchingOn", describe: "help.cmd.matchingOn" },
  async handle(ctx, input) {
    const { community } = ctx;
    const cadence = Cadence.safeParse(input.cadenceWeeks ?? undefined);
    const sizeOk = input.size === undefined || (input.size >= MIN_SIZE && input.size <= MAX_SIZE);
    if (input.unread || (input.cadenceWeeks !== undefined && !cadence.success) || !sizeOk) {
      return outcome(tell("matching.on.error", { usage: typedParam(ON_USAGE), example: typedParam("matching on every 2 weeks size 3") }, "warning", true));
    }
    const { settings, etag } = await current(ctx);
    const choice = { ...settings, on: true, cadenceWeeks: cadence.success ? cadence.data : settings.cadenceWeeks, size: input.size ?? settings.size };
    const { saved, first } = await saveChoice(ctx, choice, settings, etag);
    return outcome(
      tell("matching.on.done", { name: community.charter.name, cadence: saved.cadenceWeeks, size: saved.size, when: atParam(first!), optIn: typedParam("matching opt in") }, "success", true),
      scheduleRound(community.id, saved.series, first!),
    );
  },
});

/**
 * Saves what a steward chose (at the ETag read, so two stewards cannot overwrite each other unseen). Running
 * rounds keep the round that is next (or due and not run yet), with the new cadence after it; rounds turned on
 * start with a round now; rounds turned off get an empty series, so the round already scheduled does nothing.
 */
async function saveChoice(ctx: CommunityContext, choice: SettingsChoice, settings: MatchingSettings, etag: string | undefined): Promise<{ saved: MatchingSettings; first?: Date }> {
  const { deps, community } = ctx;
  const now = deps.clock.now();
  let first: Date | undefined;
  if (choice.on) {
    const [last] = settings.on ? await deps.repos.matching.recentRounds(community.id, 1) : [];
    first = (settings.on && nextRoundAt(settings, now, last?.id)) || now;
  }
  const saved: MatchingSettings = { ...settings, ...choice, series: first ? first.toISOString() : "", ...stamp(ctx) };
  await deps.repos.matching.saveSettings(saved, etag);
  return { saved, first };
}

export const matchingOff = command({
  verb: "matching.off",
  permission: "steward",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["matching off", "stop matching"] },
  help: { usage: "help.usage.matchingOff", describe: "help.cmd.matchingOff" },
  async handle(ctx) {
    const { settings, etag } = await current(ctx);
    const name = ctx.community.charter.name;
    if (!settings.on) return outcome(tell("matching.off.already", { name }, "info", true));
    // A new (empty) series: the round already scheduled finds it is not its own, and does nothing.
    await ctx.deps.repos.matching.saveSettings({ ...settings, on: false, series: "", ...stamp(ctx) }, etag);
    return outcome(tell("matching.off.done", { name, on: typedParam("matching on") }, "success", true));
  },
});

type Option = "buddies" | "crossOrganisation" | "crossPlatform";

/** A steward's on/off preference: buddies for newcomers, mixing organisations, mixing platforms. */
function optionCommand(option: Option, words: string, usage: `help.usage.${string}` & keyof typeof USAGE) {
  return command({
    verb: `matching.${option}`,
    permission: "steward",
    where: "community",
    input: z.object({ value: z.string().max(100) }),
    text: { words: [words], parse: (rest) => ({ value: rest.trim().toLowerCase() }) },
    help: USAGE[usage],
    async handle(ctx, { value }) {
      if (value !== "on" && value !== "off") return outcome(tell("matching.option.error", { usage: typedParam(`${words} on|off`) }, "warning", true));
      const { settings, etag } = await current(ctx);
      await ctx.deps.repos.matching.saveSettings({ ...settings, [option]: value === "on", ...stamp(ctx) }, etag);
      return outcome(tell(`matching.option.${option}.${value}`, { name: ctx.community.charter.name }, "success", true));
    },
  });
}

const USAGE = {
  "help.usage.matchingBuddies": { usage: "help.usage.matchingBuddies", describe: "help.cmd.matchingBuddies" },
  "help.usage.matchingAcrossOrganisations": { usage: "help.usage.matchingAcrossOrganisations", describe: "help.cmd.matchingAcrossOrganisations" },
  "help.usage.matchingAcrossPlatforms": { usage: "help.usage.matchingAcrossPlatforms", describe: "help.cmd.matchingAcrossPlatforms" },
} as const;

export const matchingBuddies = optionCommand("buddies", "matching buddies", "help.usage.matchingBuddies");
export const matchingAcrossOrganisations = optionCommand("crossOrganisation", "matching across organisations", "help.usage.matchingAcrossOrganisations");
export const matchingAcrossPlatforms = optionCommand("crossPlatform", "matching across platforms", "help.usage.matchingAcrossPlatforms");

export const openSettings = command({
  verb: "matching.settings.open",
  permission: "steward",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["matching settings"] },
  help: { usage: "help.usage.matchingSettings", describe: "help.cmd.matchingSettings" },
  button: { label: "matching.action.settings", opensForm: true },
  async handle(ctx) {
    const { settings, etag } = await current(ctx);
    return outcome(openForm({ form: settingsForm.name, values: settingsValues(settings), version: etag ?? "new" }));
  },
});

export const saveSettings = command({
  verb: "matching.settings.save",
  permission: "steward",
  where: "community",
  input: z.custom<SettingsChoice>(),
  form: settingsForm,
  async handle(ctx, choice) {
    const { settings, etag } = await current(ctx);
    const name = ctx.community.charter.name;
    // Saved by someone else since the form opened: nothing applied; the form comes back with what they chose.
    if ((ctx.submitted?.version ?? "new") !== (etag ?? "new")) {
      return outcome(openForm({ form: settingsForm.name, values: ctx.submitted?.values ?? settingsValues(settings), version: etag ?? "new", error: ctx.words.t("matching.form.stale", { name }) }));
    }
    const { saved, first } = await saveChoice(ctx, choice, settings, etag);
    return outcome(tell("matching.settings.saved", { name }, "success", true), ...(first ? [scheduleRound(ctx.community.id, saved.series, first)] : []));
  },
});
