import { z } from "zod";
import { tell, typedParam, wordParam } from "../../kernel/notice.js";
import { outcome, post, reply, type Effect } from "../../kernel/outcome.js";
import { command, type CommunityContext, type SpaceEvents } from "../../kernel/workflow.js";
import { RECOGNITION_LIMITS, type Kudos } from "./model.js";
import { ensureDaily, firstContribution, hundredthMember } from "./milestones.js";
import { KUDOS_DM_PRESENTER, KUDOS_LIST_PRESENTER, KUDOS_LIST_VERB, KUDOS_PRESENTER } from "./presenters.js";

const USAGE = "kudos @PERSON for WHAT";
const EXAMPLE = "kudos @Ana for the checklist template";
const name = (ctx: CommunityContext) => ctx.community.charter.name;

const GiveInput = z.object({
  /** The platform's id of the person named: looked up on the server, never taken as who they are. */
  person: z.string().max(200).optional(),
  /** What stood where the mention should have been (a name typed without picking the person). */
  typedName: z.string().max(200).optional(),
  reason: z.string().max(4000).default(""),
  /** More than one person was named. */
  several: z.boolean().default(false),
});

/** `@1 for the template` (mentions stand as `@1`, `@2`… in the text): the person, then what for. */
export function parseKudos(rest: string, mentions: Array<{ id: string; name: string }>): z.input<typeof GiveInput> {
  const m = /^@(\d+)\b\s*(.*)$/s.exec(rest.trim());
  const mention = m ? mentions[Number(m[1]) - 1] : undefined;
  const after = m ? m[2]! : rest.trim().replace(/^@\S+\s*/, "");
  const reason = after.replace(/^for\b[\s:]*/i, "").trim();
  const several = (rest.match(/(^|\s)@\d+\b/g) ?? []).length > 1;
  return { person: mention?.id, typedName: mention?.name ?? (rest.trim().startsWith("@") ? rest.trim().split(/\s+/)[0] : undefined), reason, several };
}

export const giveKudos = command({
  verb: "recognition.kudos.give",
  permission: "member",
  where: "community",
  input: GiveInput,
  text: { words: ["kudos"], when: (rest) => rest.length > 0, parse: parseKudos },
  help: { usage: "help.usage.kudos", describe: "help.cmd.kudos" },
  async handle(ctx, input) {
    const { deps, community, request } = ctx;
    const usage = () => outcome(tell("recognition.kudos.usage", { usage: typedParam(USAGE), example: typedParam(EXAMPLE) }));
    if (!input.person && !input.typedName) return usage();
    if (input.several) return outcome(tell("recognition.kudos.onePerson", { usage: typedParam(USAGE) }));
    if (!input.person) return outcome(tell("recognition.kudos.unidentified", { person: input.typedName ?? "" }, "warning"));
    if (!input.reason) return usage();
    if (input.reason.length > RECOGNITION_LIMITS.reason) return outcome(tell("recognition.kudos.tooLong", { max: RECOGNITION_LIMITS.reason, length: input.reason.length }, "warning"));
    const person = await ctx.people.resolve(input.person);
    if (!person) return outcome(tell("recognition.kudos.unidentified", { person: input.typedName ?? input.person }, "warning"));
    if (person.personKey === request.actor.personKey) return outcome(tell("recognition.kudos.self"));
    const receiver = await deps.repos.members.get(community.id, person.personKey);
    const shownName = receiver?.displayName || person.displayName || input.typedName || "";
    if (!receiver) return outcome(tell("recognition.kudos.notMember", { person: shownName, name: name(ctx) }));
    const now = deps.clock.now();
    const kudos: Kudos = {
      id: deps.ids.newId(),
      communityId: community.id,
      from: { personKey: request.actor.personKey, name: ctx.member?.displayName || request.actor.displayName },
      to: { personKey: receiver.personKey, name: shownName },
      reason: input.reason,
      at: now.toISOString(),
    };
    await deps.repos.recognition.give(kudos);
    const card = { communityName: name(ctx), from: kudos.from, to: kudos.to, reason: kudos.reason, at: kudos.at };
    const effects: Effect[] = [
      post("community", KUDOS_PRESENTER, card),
      { kind: "fanout", fanoutId: `kudos:${community.id}:${kudos.id}:dm`, audience: { kind: "people", people: [receiver.personKey] }, card: { presenter: KUDOS_DM_PRESENTER, data: card } },
    ];
    if (ctx.member) effects.push(...(await firstContribution(deps, community, ctx.member, "kudos")));
    effects.push(ensureDaily(community.id, now));
    return outcome(...effects);
  },
});

export const listKudos = command({
  verb: KUDOS_LIST_VERB,
  permission: "member",
  where: "community",
  input: z.object({ after: z.string().max(300).optional() }),
  text: { words: ["kudos"], when: (rest) => rest.length === 0 },
  help: { usage: "help.usage.kudosList", describe: "help.cmd.kudosList" },
  async handle(ctx, input) {
    const page = await ctx.deps.repos.recognition.recent(ctx.community.id, { pageSize: RECOGNITION_LIMITS.page, after: input.after });
    const kudos = page.items.map((k) => ({ communityName: name(ctx), from: k.from, to: k.to, reason: k.reason, at: k.at }));
    return outcome(
      reply(KUDOS_LIST_PRESENTER, { communityName: name(ctx), kudos, older: page.continuationToken, continued: Boolean(input.after) }),
      ensureDaily(ctx.community.id, ctx.deps.clock.now()),
    );
  },
});

export const setMilestones = command({
  verb: "recognition.milestones.set",
  permission: "steward",
  where: "community",
  input: z.object({ state: z.string().max(40).optional() }),
  text: { words: ["milestones", "milestone"], parse: (rest) => ({ state: rest.trim().toLowerCase() || undefined }) },
  help: { usage: "help.usage.milestones", describe: "help.cmd.milestones" },
  async handle(ctx, input) {
    const { deps, community } = ctx;
    const current = await deps.repos.recognition.settings(community.id);
    const state = input.state === "on" || input.state === "off" ? input.state : undefined;
    if (!state) {
      const shown = wordParam(current.milestones ? "recognition.milestones.state.on" : "recognition.milestones.state.off");
      return outcome(tell("recognition.milestones.usage", { state: shown, name: name(ctx), off: typedParam("milestones off"), on: typedParam("milestones on") }));
    }
    const now = deps.clock.now();
    await deps.repos.recognition.saveSettings(community.id, { milestones: state === "on", updatedAt: now.toISOString(), updatedBy: ctx.request.actor.personKey });
    const said = state === "on" ? tell("recognition.milestones.on", { name: name(ctx) }, "success") : tell("recognition.milestones.off", { name: name(ctx), on: typedParam("milestones on") }, "success");
    return outcome(said, ensureDaily(community.id, now));
  },
});

/** People joining keep the daily look for milestones going, and may make the 100th member. */
export const recognitionEvents: SpaceEvents = {
  async joined(ctx) {
    return outcome(ensureDaily(ctx.community.id, ctx.deps.clock.now()), ...(await hundredthMember(ctx.deps, ctx.community)));
  },
};
