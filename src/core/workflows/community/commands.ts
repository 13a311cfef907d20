import { z } from "zod";
import { Charter, COMMUNITY_STATUSES, CommunityStatus, ROLES, Role, STEWARD_ROLES, type Community } from "../../domain.js";
import { byName, firstMembers, memberFor, membersWhere } from "../../kernel/members.js";
import { DomainError } from "../../errors.js";
import { announce, tell, typedParam, wordParam } from "../../kernel/notice.js";
import { openForm, outcome, post, reply, type Outcome } from "../../kernel/outcome.js";
import type { CommunityContext, Context } from "../../kernel/workflow.js";
import { command } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { charterForm, charterValues, setupForm } from "./charterForm.js";
import { fingerprints, mergeStale, shownValue } from "../../kernel/formVersions.js";
import { moveOf, NEXT } from "./lifecycle.js";
import type { CharterData } from "./presenters.js";
import { bindSpace, importRoster } from "./roster.js";

const ROLE_ORDER: Record<Role, number> = { facilitator: 0, "co-facilitator": 1, sponsor: 2, member: 3 };
/** How many people one roles message lists. */
const ROLES_SHOWN = 40;
const NoInput = z.object({}).passthrough();

export async function charterData(deps: CoreDeps, community: Community): Promise<CharterData> {
  const [spaces, stewards, memberCount] = await Promise.all([
    deps.repos.spaces.listForCommunity(community.id),
    membersWhere(deps, community.id, (m) => STEWARD_ROLES.includes(m.role)),
    deps.repos.members.count(community.id),
  ]);
  return {
    communityId: community.id,
    charter: community.charter,
    status: community.status,
    // Where it began first, then in the order linked.
    spaces: [...spaces].sort((a, b) => a.boundAt.localeCompare(b.boundAt)).map((s) => ({ platform: s.platform, displayName: s.displayName })),
    stewards: stewards.map((m) => m.displayName || m.personKey),
    memberCount,
  };
}

const name = (ctx: CommunityContext) => ctx.community.charter.name;

export const openSetup = command({
  verb: "community.setup.open",
  permission: "anyone",
  where: "unbound",
  input: NoInput,
  text: { words: ["setup", "set up", "create", "new"] },
  help: { usage: "help.usage.setup", describe: "help.cmd.setup" },
  button: { label: "action.setup", opensForm: true },
  handle: async () => outcome(openForm({ form: setupForm.name, values: {} })),
});

export const setUp = command({
  verb: "community.setup",
  permission: "anyone",
  where: "unbound",
  input: Charter,
  form: setupForm,
  async handle(ctx: Context, charter): Promise<Outcome> {
    const { deps, request } = ctx;
    const now = deps.clock.now().toISOString();
    const community: Community = { id: deps.ids.newId(), charter, status: "pilot", createdAt: now, createdBy: request.actor.personKey, updatedAt: now };
    // The community row first: if binding then loses a race, it is an unreachable row, never a space that points at nothing.
    await deps.repos.communities.create(community);
    await bindSpace(ctx, community.id);
    await deps.repos.members.save(memberFor(request.actor, { communityId: community.id, spaceKey: request.space.spaceKey, role: "facilitator", now }));
    return outcome(
      tell("notice.communityCreated", { name: charter.name, charter: typedParam("charter"), help: typedParam("help") }, "success"),
      post("space", "community.charter", await charterData(deps, community)),
      ...importRoster(community.id, request.space.spaceKey, now),
    );
  },
});

export const showCharter = command({
  verb: "community.charter.show",
  permission: "member",
  where: "community",
  readOnly: true,
  input: NoInput,
  text: { words: ["charter", "about", "info", "show charter"] },
  help: { usage: "help.usage.charter", describe: "help.cmd.charter" },
  button: { label: "action.charter" },
  handle: async (ctx) => outcome(reply("community.charter", await charterData(ctx.deps, ctx.community))),
});

export const editCharter = command({
  verb: "community.charter.edit",
  permission: "steward",
  where: "community",
  input: NoInput,
  text: { words: ["edit", "edit charter", "update charter"] },
  help: { usage: "help.usage.edit", describe: "help.cmd.edit" },
  button: { label: "action.edit", opensForm: true },
  // The community's ETag, and each field's fingerprint: a later write that changed none of them (a role, a
  // stage) does not make the form stale.
  handle: async (ctx) => {
    const values = charterValues(ctx.community.charter);
    return outcome(openForm({ form: charterForm.name, values, version: ctx.etag, args: fingerprints(charterForm, values, ctx.words) }));
  },
});

export const updateCharter = command({
  verb: "community.charter.update",
  permission: "steward",
  where: "community",
  input: Charter,
  form: charterForm,
  async handle(ctx, charter): Promise<Outcome> {
    const { deps, community, words } = ctx;
    const submitted = ctx.submitted;
    if (submitted?.version && submitted.version !== ctx.etag) {
      // Saved by someone else since this form opened: refused, with the fields they changed marked and holding
      // their values (unless this person changed the same field: then theirs stays); nothing they changed: save.
      const current = charterValues(community.charter);
      const merged = mergeStale(charterForm, submitted.args, current, submitted.values, words);
      if (merged.changed.length > 0) {
        const errors = Object.fromEntries(merged.changed.map((name) => [name, words.plain("field.changedTo", { value: shownValue(current[name], charterForm.fields.find((f) => f.name === name)?.choices, words) || "—" })]));
        const args = fingerprints(charterForm, current, words);
        return outcome(openForm({ form: charterForm.name, values: merged.values, errors, version: ctx.etag, args, error: words.t("form.stale", { name: community.charter.name }) }));
      }
    }
    const updated: Community = { ...community, charter, updatedAt: deps.clock.now().toISOString() };
    await deps.repos.communities.update(updated, ctx.etag);
    return outcome(
      tell("notice.charterUpdated", { name: charter.name }, "success"),
      post("community", "community.charter", await charterData(deps, updated)),
    );
  },
});

export const showRoles = command({
  verb: "community.roles.show",
  permission: "member",
  where: "community",
  readOnly: true,
  input: NoInput,
  text: { words: ["roles", "who", "people"] },
  help: { usage: "help.usage.roles", describe: "help.cmd.roles" },
  button: { label: "action.roles" },
  async handle(ctx) {
    // The most prominent people first: by role, then by name in the reader's alphabet.
    const named = byName(ctx.reader.locale);
    const { first: people, total } = await firstMembers(ctx.deps, ctx.community.id, (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || named(a, b), ROLES_SHOWN);
    return outcome(
      reply("community.roles", {
        name: name(ctx),
        people: people.map((m) => ({ displayName: m.displayName || m.personKey, role: m.role })),
        omitted: total - people.length,
        canAssign: ctx.can("community.role.assign"),
      }),
    );
  },
});

const AssignInput = z.object({
  role: z.string().max(40).optional(),
  /** The platform's id of the person named: looked up on the server, never taken as who they are. */
  person: z.string().max(200).optional(),
  /** What stood where the mention should have been (a name typed without picking the person). */
  typedName: z.string().max(200).optional(),
});


export const assignRole = command({
  verb: "community.role.assign",
  permission: "steward",
  where: "community",
  input: AssignInput,
  text: {
    words: ["assign", "role"],
    parse(rest, mentions) {
      const role = ROLES.find((r) => new RegExp(`(^|\\s)${r}(\\s|$)`, "i").test(rest.replace(/co facilitator/i, "co-facilitator")));
      const words = rest.split(/\s+/).filter(Boolean);
      return {
        role: role ?? words.find((w) => !w.startsWith("@")),
        person: mentions.length === 1 ? mentions[0]!.id : undefined,
        typedName: mentions[0]?.name ?? words.find((w) => w.startsWith("@")),
      };
    },
  },
  help: { usage: "help.usage.assign", describe: "help.cmd.assign" },
  async handle(ctx, input) {
    const { deps, community } = ctx;
    const usage = () => tell("notice.assignUsage", { example: typedParam("assign co-facilitator @Ana"), roles: ROLES.join(", ") });
    const role = Role.safeParse(input.role);
    if (!input.role || !input.person) return outcome(usage());
    if (!role.success) return outcome(tell("notice.assignUnknownRole", { role: input.role, roles: ROLES.join(", ") }, "warning"));
    const person = await ctx.people.resolve(input.person);
    if (!person) return outcome(tell("notice.personUnidentified", { person: input.typedName ?? input.person }, "warning"));
    const existing = await deps.repos.members.get(community.id, person.personKey);
    // Co-facilitators help run the community; only facilitators decide who else is one.
    if ((role.data === "facilitator" || existing?.role === "facilitator") && ctx.member?.role !== "facilitator") {
      throw new DomainError("forbidden", "notice.facilitatorRole", { name: community.charter.name });
    }
    const roleName = { word: `role.${role.data}` };
    if (existing?.role === role.data) return outcome(tell("notice.roleUnchanged", { person: existing.displayName || person.displayName, role: roleName, name: name(ctx) }));
    if (existing?.role === "facilitator") {
      const facilitators = await membersWhere(deps, community.id, (m) => m.role === "facilitator");
      if (facilitators.length <= 1) throw new DomainError("conflict", "notice.lastFacilitator", { name: community.charter.name });
    }
    const now = deps.clock.now().toISOString();
    const displayName = person.displayName || existing?.displayName || person.personKey;
    const member = memberFor({ ...person, displayName }, { communityId: community.id, spaceKey: ctx.request.space.spaceKey, role: role.data, now }, existing);
    await deps.repos.members.save({ ...member, lastActiveAt: existing?.lastActiveAt ?? now }, { ifCommunityAt: ctx.etag });
    return outcome(announce("community", "notice.roleAssigned", { person: displayName, role: roleName, name: name(ctx) }));
  },
});

const StatusInput = z.object({ status: z.string().max(40).optional(), confirm: z.boolean().default(false), cancel: z.boolean().default(false) });
const stageWords = (ctx: Context, stages: readonly CommunityStatus[]) => ctx.words.and(stages.map((s) => `\`${s}\``));

export const setStatus = command({
  verb: "community.status.set",
  permission: "steward",
  where: "community",
  whenClosed: "allowed",
  input: StatusInput,
  text: { words: ["status", "stage"], parse: (rest) => ({ status: rest ? rest.toLowerCase().replace(/\s+/g, "-") : undefined }) },
  help: { usage: "help.usage.status", describe: "help.cmd.status" },
  async handle(ctx, input) {
    const { deps, community } = ctx;
    const current = wordParam(`status.${community.status}`);
    const nextStages = NEXT[community.status];
    if (input.cancel) return outcome(tell("status.cancelled", { name: name(ctx), current }));
    if (!input.status) {
      return outcome(tell("notice.statusUsage", { name: name(ctx), current, stages: { word: stageWords(ctx, nextStages) }, example: typedParam(`status ${nextStages[0]}`) }));
    }
    const next = CommunityStatus.safeParse(input.status);
    if (!next.success) {
      return outcome(tell("notice.statusUnknown", { stage: input.status, name: name(ctx), current, stages: { word: stageWords(ctx, COMMUNITY_STATUSES) } }, "warning"));
    }
    const move = moveOf(community.status, next.data);
    if (move === "same") return outcome(tell("notice.statusSame", { name: name(ctx), current }));
    if (move === "not-allowed") {
      return outcome(tell("notice.statusNotAllowed", { name: name(ctx), current, next: wordParam(`status.${next.data}`), allowed: { word: stageWords(ctx, nextStages) } }, "warning"));
    }
    if (move === "reopen" && ctx.member?.role !== "facilitator") throw new DomainError("forbidden", "notice.statusReopenFacilitator", { name: name(ctx) });
    if ((move === "close" || move === "reopen") && !input.confirm) {
      return outcome(reply("community.status.confirm", { name: name(ctx), move, status: next.data }));
    }
    const updated: Community = { ...community, status: next.data, updatedAt: deps.clock.now().toISOString() };
    await deps.repos.communities.update(updated, ctx.etag);
    return outcome(announce("community", "notice.statusChanged", { name: name(ctx), status: wordParam(`status.${next.data}`) }));
  },
});

export const join = command({
  verb: "community.join",
  permission: "anyone",
  where: "community",
  input: NoInput,
  text: { words: ["join"] },
  help: { usage: "help.usage.join", describe: "help.cmd.join" },
  async handle(ctx) {
    const { deps, community, request } = ctx;
    // Taking part enrols: a first `join` (this very request) is a join, not "already".
    if (ctx.member && !ctx.enrolledNow) return outcome(tell("notice.alreadyMember", { name: name(ctx) }));
    if (ctx.member) return outcome(tell("notice.joined", { name: name(ctx), leave: typedParam("leave") }, "success"));
    const now = deps.clock.now().toISOString();
    await deps.repos.members.add(memberFor(request.actor, { communityId: community.id, spaceKey: request.space.spaceKey, role: "member", now }));
    return outcome(tell("notice.joined", { name: name(ctx), leave: typedParam("leave") }, "success"));
  },
});

export const leave = command({
  verb: "community.leave",
  permission: "anyone",
  where: "community",
  input: NoInput,
  text: { words: ["leave"] },
  help: { usage: "help.usage.leave", describe: "help.cmd.leave" },
  async handle(ctx) {
    const { deps, community, request, member } = ctx;
    if (!member) return outcome(tell("notice.notMember", { name: name(ctx) }));
    if (member.role === "facilitator") {
      const facilitators = await membersWhere(deps, community.id, (m) => m.role === "facilitator");
      if (facilitators.length <= 1) return outcome(tell("notice.lastFacilitatorLeave", { name: name(ctx) }, "warning"));
    }
    if ((await deps.repos.members.remove(community.id, request.actor.personKey, { optOut: true })) === "removed") await deps.repos.metrics.recordLeft(member, deps.clock.now());
    return outcome(tell("notice.left", { name: name(ctx), join: typedParam("join") }, "success"));
  },
});
