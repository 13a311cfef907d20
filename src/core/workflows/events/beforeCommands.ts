import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import type { RawValues } from "../../kernel/forms.js";
import { tell, typedParam } from "../../kernel/notice.js";
import { outcome } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import type { Words } from "../../kernel/words.js";
import { beforeValues } from "./beforeForm.js";
import { DEFAULT_BEFORE, type BeforeSettings } from "./model.js";
import { offsetFromText, offsetsFromText } from "./offsets.js";

const USAGE = "event reminders 1d 1h guide 7d";

/** The community's reminder settings, or the defaults. */
export async function settingsOf(ctx: CommunityContext): Promise<BeforeSettings> {
  return (await ctx.deps.repos.events.beforeSettings(ctx.community.id)) ?? DEFAULT_BEFORE;
}

/** The schedule form's reminder fields as the community set them. */
export const beforeDefaults = async (ctx: CommunityContext): Promise<RawValues> => beforeValues(await settingsOf(ctx));

/** An offset in words ("1 day 2 hours before"). */
function offsetWords(offset: string, words: Words): string {
  const d = Temporal.Duration.from(offset);
  const parts: Array<[number, "events.offset.days" | "events.offset.hours" | "events.offset.minutes"]> = [
    [d.days, "events.offset.days"],
    [d.hours, "events.offset.hours"],
    [d.minutes, "events.offset.minutes"],
  ];
  const span = parts
    .filter(([n]) => n > 0)
    .map(([n, key]) => words.plain(key, { n }))
    .join(" ");
  return words.plain("events.offset.before", { offset: span });
}

/** Reminder offsets in words ("1 day before and 1 hour before"), or "none". */
export const offsetsWords = (offsets: readonly string[], words: Words): string =>
  offsets.length === 0 ? words.plain("events.reminders.none") : words.and(offsets.map((o) => offsetWords(o, words)));

/** `1d 1h guide 7d`, `guide 3d`, `none`: what is not given stays as it was. */
function readSettings(line: string, current: BeforeSettings): BeforeSettings | undefined {
  const m = /^(?<reminders>.*?)\s*(?:\bguide\s+(?<guide>\S+))?$/i.exec(line.trim());
  if (!m?.groups) return undefined;
  const typed = (m.groups.reminders ?? "").trim();
  const reminders = /^none$/i.test(typed) ? { ok: true as const, offsets: [] } : typed ? offsetsFromText(typed) : { ok: true as const, offsets: current.reminders };
  const guide = m.groups.guide ? offsetFromText(m.groups.guide) : current.guideBefore;
  return reminders.ok && guide ? { reminders: reminders.offsets, guideBefore: guide } : undefined;
}

const settingsMessage = (name: string, s: BeforeSettings, words: Words) => ({ name, reminders: offsetsWords(s.reminders, words), guide: offsetsWords([s.guideBefore], words) });

export const setReminders = command({
  verb: "events.reminders",
  permission: "steward",
  where: "community",
  input: z.object({ line: z.string().max(200).optional() }).passthrough(),
  // `event reminders on 2027-…` is an event called "reminders".
  text: { words: ["event reminders"], when: (rest) => !/(^|\s)on\s+\d{4}-\d{2}-\d{2}/i.test(rest), parse: (rest) => ({ line: rest || undefined }) },
  help: { usage: "help.usage.eventReminders", describe: "help.cmd.eventReminders" },
  async handle(ctx, { line }) {
    const { community, words, deps } = ctx;
    const current = await settingsOf(ctx);
    if (!line) return outcome(tell("events.reminders.current", { ...settingsMessage(community.charter.name, current, words), usage: typedParam(USAGE) }, "info", true));
    const next = readSettings(line, current);
    if (!next) return outcome(tell("events.reminders.usage", { usage: typedParam(USAGE) }, "warning", true));
    await deps.repos.events.saveBeforeSettings(community.id, next);
    return outcome(tell("events.reminders.set", settingsMessage(community.charter.name, next, words), "success", true));
  },
});

export const muteReminders = command({
  verb: "events.mute",
  permission: "member",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["mute reminders"] },
  help: { usage: "help.usage.muteReminders", describe: "help.cmd.muteReminders" },
  async handle(ctx) {
    await ctx.deps.repos.events.setMuted(ctx.community.id, ctx.request.actor.personKey, true, ctx.deps.clock.now());
    return outcome(tell("events.muted", { name: ctx.community.charter.name, unmute: typedParam("unmute reminders") }, "success", true));
  },
});

export const unmuteReminders = command({
  verb: "events.unmute",
  permission: "member",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["unmute reminders"] },
  help: { usage: "help.usage.unmuteReminders", describe: "help.cmd.unmuteReminders" },
  async handle(ctx) {
    await ctx.deps.repos.events.setMuted(ctx.community.id, ctx.request.actor.personKey, false, ctx.deps.clock.now());
    return outcome(tell("events.unmuted", { name: ctx.community.charter.name }, "success", true));
  },
});
