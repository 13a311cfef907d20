import { Profile, STEWARD_ROLES, type Community, type Member, type Role, type Space } from "./domain.js";
import type { Command, Request } from "./commands.js";
import type { CoreDeps } from "./ports.js";
import type { MessageRef, Outcome, Reply, View } from "./views.js";
import { DomainError } from "./errors.js";
import { EMPTY_CHARTER_FORM, charterToForm, parseCharterForm } from "./charterForm.js";
import { t, type MessageKey } from "./i18n/index.js";

/** The community a request's space belongs to, and what the asker is in it. */
export interface Context {
  space?: Space;
  community?: Community;
  communityEtag?: string;
  actorMember?: Member;
}

const ROLE_ORDER: Record<Role, number> = { facilitator: 0, "co-facilitator": 1, sponsor: 2, member: 3 };
/** How many people one roles message lists (both platforms hold this comfortably). */
const ROLES_SHOWN = 40;

const toActor = (view: View): Reply => ({ view, audience: "actor" });
const toSpace = (view: View): Reply => ({ view, audience: "space" });
const outcome = (...replies: Reply[]): Outcome => ({ replies });

export async function loadContext(deps: CoreDeps, request: Request): Promise<Context> {
  const space = await deps.repos.spaces.find(request.space.spaceKey);
  if (!space) return {};
  const stored = await deps.repos.communities.get(space.communityId);
  if (!stored) return { space };
  const actorMember = await deps.repos.members.get(space.communityId, request.actor.personKey);
  return { space, community: stored.value, communityEtag: stored.etag, actorMember };
}

const isSteward = (member: Member | undefined) => !!member && STEWARD_ROLES.includes(member.role);

export function requireCommunity(ctx: Context): asserts ctx is Context & { community: Community; communityEtag: string } {
  if (!ctx.community) throw new DomainError("not_found", "notice.noCommunity");
}

export async function requireSteward(deps: CoreDeps, ctx: Context & { community: Community }, locale: string) {
  if (isSteward(ctx.actorMember)) return;
  const stewards = await stewardNames(deps, ctx.community.id);
  throw new DomainError("forbidden", "notice.forbidden", {
    name: ctx.community.charter.name,
    stewards: stewards.length ? new Intl.ListFormat(locale, { type: "disjunction" }).format(stewards) : "—",
  });
}

/** Pages through a community's members and keeps those that match (memory bounded by the matches). */
async function membersWhere(deps: CoreDeps, communityId: string, keep: (m: Member) => boolean): Promise<Member[]> {
  const found: Member[] = [];
  let token: string | undefined;
  do {
    const page = await deps.repos.members.list(communityId, { pageSize: 500, continuationToken: token });
    found.push(...page.items.filter(keep));
    token = page.continuationToken;
  } while (token);
  return found;
}

async function stewardNames(deps: CoreDeps, communityId: string): Promise<string[]> {
  const stewards = await membersWhere(deps, communityId, (m) => STEWARD_ROLES.includes(m.role));
  return stewards.map((m) => m.displayName || m.personKey);
}

export function helpView(request: Request, ctx: Context, intro?: MessageRef): View {
  return {
    kind: "help",
    locale: request.actor.locale,
    communityName: ctx.community?.charter.name,
    canManage: !ctx.community || isSteward(ctx.actorMember),
    intro,
  };
}

export async function showHelp(request: Request, ctx: Context): Promise<Outcome> {
  return outcome(toActor(helpView(request, ctx)));
}

export async function openSetup(request: Request, ctx: Context): Promise<Outcome> {
  if (request.space.personal) throw new DomainError("invalid_input", "notice.personalSpace");
  if (ctx.community) {
    throw new DomainError("conflict", "notice.alreadyBound", { name: ctx.community.charter.name });
  }
  return outcome(
    toActor({ kind: "charterForm", locale: request.actor.locale, mode: "create", values: EMPTY_CHARTER_FORM, errors: {} }),
  );
}

export async function setUp(
  deps: CoreDeps,
  request: Request,
  ctx: Context,
  command: Extract<Command, { type: "community.setup" }>,
): Promise<Outcome> {
  await openSetup(request, ctx);
  const locale = request.actor.locale;
  const parsed = parseCharterForm(command.form, locale);
  if (!parsed.ok) {
    return outcome(toActor({ kind: "charterForm", locale, mode: "create", values: command.form, errors: parsed.errors }));
  }
  const now = deps.clock.now().toISOString();
  const community: Community = {
    id: deps.ids.newId(),
    charter: parsed.charter,
    status: "pilot",
    createdAt: now,
    createdBy: request.actor.personKey,
    updatedAt: now,
  };
  // The community row comes first: if binding then loses a race, it is an unreachable row, never a space
  // that points at nothing.
  await deps.repos.communities.create(community);
  await bindSpace(deps, request, community.id, "notice.alreadyBound");
  await addToCommunity(deps, request, community.id, "facilitator");
  const charter = await charterView(deps, request, { ...ctx, community, actorMember: undefined }, true);
  return outcome(
    toActor({ kind: "notice", locale, tone: "success", message: { key: "notice.communityCreated", params: { name: community.charter.name } } }),
    toSpace(charter),
  );
}

async function charterView(deps: CoreDeps, request: Request, ctx: Context & { community: Community }, canManage: boolean): Promise<View> {
  const { community } = ctx;
  const [spaces, stewards, memberCount] = await Promise.all([
    deps.repos.spaces.listForCommunity(community.id),
    stewardNames(deps, community.id),
    deps.repos.members.count(community.id),
  ]);
  return {
    kind: "charter",
    locale: request.actor.locale,
    communityId: community.id,
    charter: community.charter,
    status: community.status,
    spaces: spaces.map((s) => ({ platform: s.platform, displayName: s.displayName })),
    stewards,
    memberCount,
    canManage,
  };
}

/** Binds the request's space to a community; a space that already has one is refused with `refusal`. */
export async function bindSpace(deps: CoreDeps, request: Request, communityId: string, refusal: MessageKey): Promise<void> {
  const bound = await deps.repos.spaces.bind({
    communityId,
    spaceKey: request.space.spaceKey,
    platform: request.space.platform,
    displayName: request.space.displayName,
    boundAt: deps.clock.now().toISOString(),
    boundBy: request.actor.personKey,
  });
  if (bound.result === "taken") {
    const owner = await deps.repos.communities.get(bound.communityId);
    throw new DomainError("conflict", refusal, { name: owner?.value.charter.name ?? "" });
  }
}

/** Makes the person who asked a member of the community with `role`, keeping what was known of them. */
export async function addToCommunity(deps: CoreDeps, request: Request, communityId: string, role: Role, existing?: Member): Promise<void> {
  const now = deps.clock.now().toISOString();
  await deps.repos.members.save({
    communityId,
    personKey: request.actor.personKey,
    displayName: request.actor.displayName || existing?.displayName || "",
    role,
    spaceKey: existing?.spaceKey ?? request.space.spaceKey,
    profile: existing?.profile ?? Profile.parse({ timezone: request.actor.timezone ?? "" }),
    joinedAt: existing?.joinedAt ?? now,
    lastActiveAt: now,
  });
}

export async function showCharter(deps: CoreDeps, request: Request, ctx: Context): Promise<Outcome> {
  requireCommunity(ctx);
  return outcome(toActor(await charterView(deps, request, ctx, isSteward(ctx.actorMember))));
}

export async function editCharter(deps: CoreDeps, request: Request, ctx: Context): Promise<Outcome> {
  requireCommunity(ctx);
  await requireSteward(deps, ctx, request.actor.locale);
  return outcome(
    toActor({
      kind: "charterForm",
      locale: request.actor.locale,
      mode: "edit",
      communityId: ctx.community.id,
      values: charterToForm(ctx.community.charter),
      errors: {},
    }),
  );
}

export async function updateCharter(
  deps: CoreDeps,
  request: Request,
  ctx: Context,
  command: Extract<Command, { type: "community.charter.update" }>,
): Promise<Outcome> {
  requireCommunity(ctx);
  await requireSteward(deps, ctx, request.actor.locale);
  const locale = request.actor.locale;
  const parsed = parseCharterForm(command.form, locale);
  if (!parsed.ok) {
    return outcome(
      toActor({ kind: "charterForm", locale, mode: "edit", communityId: ctx.community.id, values: command.form, errors: parsed.errors }),
    );
  }
  const updated: Community = { ...ctx.community, charter: parsed.charter, updatedAt: deps.clock.now().toISOString() };
  await deps.repos.communities.update(updated, ctx.communityEtag);
  return outcome(
    toActor({ kind: "notice", locale, tone: "success", message: { key: "notice.charterUpdated", params: { name: updated.charter.name } } }),
    toSpace(await charterView(deps, request, { ...ctx, community: updated }, true)),
  );
}

export async function setStatus(
  deps: CoreDeps,
  request: Request,
  ctx: Context,
  command: Extract<Command, { type: "community.status.set" }>,
): Promise<Outcome> {
  requireCommunity(ctx);
  await requireSteward(deps, ctx, request.actor.locale);
  const locale = request.actor.locale;
  const updated: Community = { ...ctx.community, status: command.status, updatedAt: deps.clock.now().toISOString() };
  await deps.repos.communities.update(updated, ctx.communityEtag);
  return outcome(
    toSpace({
      kind: "notice",
      locale,
      tone: "success",
      message: { key: "notice.statusChanged", params: { name: updated.charter.name, status: t(locale, `status.${command.status}`) } },
    }),
  );
}

export async function showRoles(deps: CoreDeps, request: Request, ctx: Context): Promise<Outcome> {
  requireCommunity(ctx);
  const people: Member[] = [];
  let total = 0;
  let token: string | undefined;
  do {
    const page = await deps.repos.members.list(ctx.community.id, { pageSize: 500, continuationToken: token });
    total += page.items.length;
    people.push(...page.items);
    // Keep only the most prominent people while paging, so memory stays bounded by what is shown.
    people.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.displayName.localeCompare(b.displayName));
    people.length = Math.min(people.length, ROLES_SHOWN);
    token = page.continuationToken;
  } while (token);
  return outcome(
    toActor({
      kind: "roles",
      locale: request.actor.locale,
      communityName: ctx.community.charter.name,
      people: people.map((m) => ({ personKey: m.personKey, displayName: m.displayName || m.personKey, role: m.role })),
      omitted: total - people.length,
      canAssign: isSteward(ctx.actorMember),
    }),
  );
}

export async function assignRole(
  deps: CoreDeps,
  request: Request,
  ctx: Context,
  command: Extract<Command, { type: "community.role.assign" }>,
): Promise<Outcome> {
  requireCommunity(ctx);
  await requireSteward(deps, ctx, request.actor.locale);
  const { community } = ctx;
  const locale = request.actor.locale;
  const now = deps.clock.now().toISOString();
  const existing = await deps.repos.members.get(community.id, command.person);
  // Co-facilitators help run the community; only facilitators decide who else is one.
  const touchesFacilitator = command.role === "facilitator" || existing?.role === "facilitator";
  if (touchesFacilitator && ctx.actorMember?.role !== "facilitator") {
    throw new DomainError("forbidden", "notice.facilitatorRole", { name: community.charter.name });
  }
  if (existing?.role === "facilitator" && command.role !== "facilitator") {
    const facilitators = await membersWhere(deps, community.id, (m) => m.role === "facilitator");
    if (facilitators.length <= 1) throw new DomainError("conflict", "notice.lastFacilitator", { name: community.charter.name });
  }
  const displayName = command.displayName || existing?.displayName || command.person;
  await deps.repos.members.save({
    communityId: community.id,
    personKey: command.person,
    displayName,
    role: command.role,
    spaceKey: existing?.spaceKey ?? request.space.spaceKey,
    profile: existing?.profile ?? Profile.parse({}),
    joinedAt: existing?.joinedAt ?? now,
    lastActiveAt: existing?.lastActiveAt ?? now,
  }, { ifCommunityAt: ctx.communityEtag });
  return outcome(
    toSpace({
      kind: "notice",
      locale,
      tone: "success",
      message: {
        key: "notice.roleAssigned",
        params: { person: displayName, role: t(locale, `role.${command.role}`), name: community.charter.name },
      },
    }),
  );
}
