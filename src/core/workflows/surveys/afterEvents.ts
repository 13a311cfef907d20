import { createHash } from "node:crypto";
import { z } from "zod";
import { tell, typedParam } from "../../kernel/notice.js";
import { outcome, type Effect } from "../../kernel/outcome.js";
import { command } from "../../kernel/workflow.js";
import type { Words } from "../../kernel/words.js";
import type { CoreDeps } from "../../ports.js";
import { directStart } from "./surveyCommands.js";
import { questionsOf, templateById } from "./templates.js";

/** How long an automatic post-event feedback survey stays open. */
const FEEDBACK_DAYS = 7;

/** One id per event date: the feedback survey of a date is made once, however often attendance is confirmed. */
const feedbackId = (communityId: string, eventId: string, occurrence: string) => `F${createHash("sha256").update(`${communityId}|${eventId}|${occurrence}`).digest("hex").slice(0, 9).toUpperCase()}`;

export const surveyAfterEvents = command({
  verb: "surveys.afterEvents",
  permission: "steward",
  where: "community",
  input: z.object({ value: z.string().trim().max(20) }),
  text: { words: ["survey after events"], parse: (rest) => ({ value: rest }) },
  help: { usage: "help.usage.surveyAfterEvents", describe: "help.cmd.surveyAfterEvents" },
  async handle(ctx, { value }) {
    const { deps, community, request } = ctx;
    const word = value.toLowerCase();
    if (word !== "on" && word !== "off") {
      const on = await deps.repos.surveys.afterEvents(community.id);
      return outcome(tell(on ? "surveys.afterEvents.isOn" : "surveys.afterEvents.isOff", { on: typedParam("survey after events on"), off: typedParam("survey after events off") }, "info", true));
    }
    await deps.repos.surveys.setAfterEvents(community.id, word === "on", request.actor.personKey, deps.clock.now());
    return outcome(tell(word === "on" ? "surveys.afterEvents.on" : "surveys.afterEvents.off", { name: community.charter.name }, "success", true));
  },
});

/**
 * When a steward confirms who attended an event's date and the community asks for it: the post-event feedback
 * survey, anonymous, for those who attended, open 7 days; once per date (a second confirmation starts nothing).
 */
export async function feedbackAfterAttendance(deps: CoreDeps, words: Words, at: { communityId: string; eventId: string; occurrence: string; title: string; people: readonly string[]; by: string }): Promise<Effect[]> {
  const template = templateById("postEvent");
  if (!template || at.people.length === 0 || !(await deps.repos.surveys.afterEvents(at.communityId))) return [];
  const now = deps.clock.now();
  const survey = {
    id: feedbackId(at.communityId, at.eventId, at.occurrence),
    communityId: at.communityId,
    style: "survey" as const,
    template: template.id,
    title: words.plain("surveys.afterEvents.title", { title: at.title }).slice(0, 200),
    questions: questionsOf(template, words),
    anonymous: true,
    visibility: "afterClose" as const,
    status: "open" as const,
    closesAt: new Date(now.getTime() + FEEDBACK_DAYS * 86_400_000).toISOString(),
    audience: { kind: "attended" as const, eventId: at.eventId, occurrence: at.occurrence },
    createdBy: at.by,
    createdAt: now.toISOString(),
  };
  if ((await deps.repos.surveys.create(survey)) !== "created") return [];
  return directStart(deps, { ...survey, counted: true }, now);
}
