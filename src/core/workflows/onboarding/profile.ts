import { z } from "zod";
import { Profile, type Member } from "../../domain.js";
import { membersWhere } from "../../kernel/members.js";
import { tell, typedParam } from "../../kernel/notice.js";
import { openForm, outcome, post, reply, type Effect } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import { profileForm, profileValues, type ProfileInput } from "./profileForm.js";
import { PROFILE_OPEN } from "./presenters.js";

/** How many names a "which one?" answer lists. */
const NAMES_SHOWN = 8;

export const openProfile = command({
  verb: PROFILE_OPEN,
  permission: "member",
  where: "community",
  /** `here`: open the form where the button was pressed (the person's own chat), not in the space it is about. */
  input: z.object({ here: z.coerce.boolean().optional() }).passthrough(),
  text: { words: ["profile", "intro", "my profile", "edit profile", "profile edit"], when: (rest) => rest.trim() === "" },
  help: { usage: "help.usage.profile", describe: "help.cmd.profile" },
  button: { label: "onboarding.action.profile", opensForm: true },
  handle: async (ctx, { here }) => {
    // A Teams form in a channel is a card everyone there reads (with the values of a hidden profile in it): the
    // person gets a button in their own chat instead. Slack opens a modal only they see.
    if (ctx.reader.platform === "teams" && !ctx.request.space.personal && !here) return outcome(reply("onboarding.profilePrompt", {}, true));
    return outcome(openForm({ form: profileForm.name, values: profileValues(ctx.member!.profile, ctx.reader.timezone) }));
  },
});

export const saveProfile = command({
  verb: "onboarding.profile.save",
  permission: "member",
  where: "community",
  input: z.object({ profile: Profile, introduce: z.boolean() }) satisfies z.ZodType<ProfileInput, z.ZodTypeDef, unknown>,
  form: profileForm,
  async handle(ctx, { profile, introduce }) {
    const { deps, community } = ctx;
    // Read again just before writing: only the profile changes, whatever else changed since the form opened.
    const stored = (await deps.repos.members.get(community.id, ctx.request.actor.personKey)) ?? ctx.member!;
    // The name the platform gives now (a Teams join carries none), so the roster and searches can show it.
    const member = { ...stored, displayName: ctx.request.actor.displayName || stored.displayName, profile };
    await deps.repos.members.save(member);
    if (!profile.visible) return outcome(tell("onboarding.profile.savedHidden", {}, "success"));
    if (!introduce) return outcome(tell("onboarding.profile.saved", {}, "success"));
    const intro = { community: community.charter.name, personKey: member.personKey, displayName: member.displayName, profile };
    return outcome(tell("onboarding.profile.introduced", {}, "success"), post("community", "onboarding.intro", intro));
  },
});

const ShowInput = z.object({
  /** The platform's id of the person @mentioned: looked up on the server. */
  person: z.string().max(200).optional(),
  /** A name typed instead (part of it is enough when only one member has it). */
  name: z.string().trim().max(120).optional(),
});

export const showProfile = command({
  verb: "onboarding.profile.show",
  permission: "member",
  where: "community",
  input: ShowInput,
  text: {
    words: ["profile", "intro"],
    when: (rest) => rest.trim() !== "",
    parse(rest, mentions) {
      const token = /^@(\d+)$/.exec(rest.trim());
      const mentioned = token ? mentions[Number(token[1]) - 1] : undefined;
      return mentioned ? { person: mentioned.id, name: mentioned.name.slice(0, 120) } : { name: rest.trim().replace(/^@/, "").slice(0, 120) };
    },
  },
  help: { usage: "help.usage.profileOf", describe: "help.cmd.profileOf" },
  async handle(ctx, input) {
    const found = await whoIsMeant(ctx, input);
    if ("effect" in found) return outcome(found.effect);
    const { member } = found;
    const self = member.personKey === ctx.request.actor.personKey;
    // What is not shared never leaves the handler: not for stewards, not in the card's data.
    const profile = member.profile.visible || self ? member.profile : undefined;
    return outcome(reply("onboarding.profile", { community: ctx.community.charter.name, personKey: member.personKey, displayName: member.displayName, role: member.role, profile, self }));
  },
});

/** The one member a mention or a name points at, or what to tell the asker instead. */
async function whoIsMeant(ctx: CommunityContext, input: z.infer<typeof ShowInput>): Promise<{ member: Member } | { effect: Effect }> {
  const { deps, community } = ctx;
  const shown = input.name || input.person || "";
  const community_ = community.charter.name;
  if (input.person) {
    const person = await ctx.people.resolve(input.person);
    if (!person) return { effect: tell("onboarding.person.unidentified", { who: shown }, "warning") };
    const member = await deps.repos.members.get(community.id, person.personKey);
    return member ? { member } : { effect: tell("onboarding.person.notMember", { who: person.displayName || shown, community: community_ }, "warning") };
  }
  const wanted = (input.name ?? "").toLocaleLowerCase();
  const matching = wanted ? await membersWhere(deps, community.id, (m) => m.displayName.toLocaleLowerCase().includes(wanted)) : [];
  const exact = matching.filter((m) => m.displayName.toLocaleLowerCase() === wanted);
  const candidates = exact.length ? exact : matching;
  if (candidates.length === 1) return { member: candidates[0]! };
  if (candidates.length === 0) return { effect: tell("onboarding.person.unknown", { who: shown, community: community_, members: typedParam("members") }, "warning") };
  const names = candidates.slice(0, NAMES_SHOWN).map((m) => m.displayName);
  return { effect: tell("onboarding.person.several", { who: shown, names: names.join(", ") }, "info") };
}
