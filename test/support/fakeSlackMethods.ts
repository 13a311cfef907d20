/**
 * Web API method handlers for the fake Slack: response shapes and error codes follow each method's page
 * on docs.slack.dev/reference/methods/<method>.
 */
import { SLACK_LIMITS } from "../../src/slack/limits.js";
import { blockProblems, checkView } from "./fakeSlackBlockKit.js";
import { FAKE_IDS, type FakeChannel, type FakeSlackState, type TokenGrant } from "./fakeSlackState.js";

export type Args = Record<string, unknown>;
export type Body = Record<string, unknown>;

export interface MethodContext {
  state: FakeSlackState;
  /** The bot token's grant (oauth.v2.access, which has none, is handled outside METHODS). */
  grant: TokenGrant;
  args: Args;
  nowMs: number;
  /** HTTP Basic credentials, which oauth.v2.access prefers over client_id/client_secret fields. */
  basicAuth?: { user: string; password: string };
}

type Handler = (ctx: MethodContext) => Body;

const fail = (error: string, extra: Body = {}): Body => ({ ok: false, error, ...extra });
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const bool = (v: unknown): boolean => v === true || v === "true" || v === "1" || v === 1;

/** Scope each method needs from a bot token; for conversations.* it depends on the channel type. */
const METHOD_SCOPES: Record<string, readonly string[]> = {
  "chat.postMessage": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.delete": ["chat:write"],
  "conversations.open": ["im:write", "mpim:write"],
  "users.info": ["users:read"],
  "team.info": ["team:read"],
  "files.getUploadURLExternal": ["files:write"],
  "files.completeUploadExternal": ["files:write"],
};

function scopeFor(method: string, channel: FakeChannel | undefined): readonly string[] {
  if (method === "conversations.info" || method === "conversations.members") {
    if (channel?.is_im) return ["im:read"];
    return channel?.is_private ? ["groups:read"] : ["channels:read"];
  }
  return METHOD_SCOPES[method] ?? [];
}

export function missingScope(method: string, grant: TokenGrant, args: Args, state: FakeSlackState): Body | undefined {
  const channel = state.channels.get(String(args.channel ?? ""));
  const needed = scopeFor(method, channel);
  if (needed.length === 0 || needed.some((s) => grant.scopes.includes(s))) return undefined;
  return fail("missing_scope", { needed: needed.join(","), provided: grant.scopes.join(",") });
}

/** Resolves a channel argument; a user id means the DM with that user, as chat.postMessage allows. */
function resolveChannel(state: FakeSlackState, id: unknown): FakeChannel | undefined {
  const key = String(id ?? "");
  if (/^[UW]/.test(key) && state.users.has(key)) return openDm(state, key);
  return state.channels.get(key);
}

function openDm(state: FakeSlackState, userId: string): FakeChannel {
  const existing = [...state.channels.values()].find((c) => c.is_im && c.user === userId);
  if (existing) return existing;
  return state.setChannel({ id: state.newId("D"), name: userId, is_im: true, is_private: true, user: userId, members: [userId, state.botUserId] });
}

/** The checks chat.postMessage, chat.postEphemeral, chat.update and response_urls share: content and limits. */
export function messageContentError(args: Args): Body | undefined {
  const text = typeof args.text === "string" ? args.text : undefined;
  if (!text && args.blocks === undefined && args.attachments === undefined) return fail("no_text");
  // chat.postMessage errors: msg_too_long "Message text is too long"
  if (text && text.length > SLACK_LIMITS.message.text) return fail("msg_too_long");
  if (args.blocks === undefined) return undefined;
  if (!Array.isArray(args.blocks)) return fail("invalid_blocks_format");
  const problems = blockProblems(args.blocks, "message", "/blocks");
  if (problems.length === 0) return undefined;
  return fail("invalid_blocks", {
    errors: problems.map((m) => m.replace(/^\[ERROR\] /, "")),
    response_metadata: { messages: problems },
  });
}

function postableChannel(ctx: MethodContext, channel: FakeChannel | undefined): Body | undefined {
  if (!channel) return fail("channel_not_found");
  if (channel.is_archived) return fail("is_archived");
  if (channel.is_member) return undefined;
  // A private channel the bot is not in is invisible to it; a public one needs chat:write.public.
  if (channel.is_private) return fail("channel_not_found");
  return ctx.grant.scopes.includes("chat:write.public") ? undefined : fail("not_in_channel");
}

function botMessage(ctx: MethodContext, ts: string): Body {
  const { args, grant } = ctx;
  return {
    type: "message", subtype: "bot_message", text: args.text ?? "", user: grant.botUserId, bot_id: grant.botId,
    app_id: grant.appId, ts, team: grant.teamId, ...(args.blocks ? { blocks: args.blocks } : {}),
    ...(str(args.thread_ts) ? { thread_ts: args.thread_ts } : {}),
  };
}

const viewResponse = (ctx: MethodContext, stored: { id: string; hash: string; rootId: string; view: Body }): Body => ({
  ok: true,
  view: {
    id: stored.id, team_id: ctx.grant.teamId, app_id: ctx.grant.appId, bot_id: ctx.grant.botId,
    private_metadata: "", callback_id: "", external_id: "", state: { values: {} }, clear_on_close: false,
    notify_on_close: false, previous_view_id: null, ...stored.view, hash: stored.hash, root_view_id: stored.rootId,
  },
});

function useTrigger(ctx: MethodContext): Body | undefined {
  const trigger = str(ctx.args.trigger_id) ?? str(ctx.args.interactivity_pointer);
  // views.open errors: invalid_trigger_id; exchanged_trigger_id when used twice
  if (!trigger || !/^\d+\.\d+\.[0-9a-f]+$/.test(trigger)) return fail("invalid_trigger_id");
  if (ctx.state.usedTriggers.has(trigger)) return fail("exchanged_trigger_id");
  ctx.state.usedTriggers.add(trigger);
  return undefined;
}

function viewArgError(view: unknown, allowed: ("modal" | "home")[]): Body | undefined {
  const check = checkView(view, allowed);
  if (check.ok) return undefined;
  return fail(check.error, check.messages.length > 0 ? { response_metadata: { messages: check.messages } } : {});
}

function storeView(ctx: MethodContext, view: Body, rootId?: string, id = ctx.state.newId("V")) {
  // A fresh hash on every store, so a stale hash passed to views.update gets hash_conflict.
  const hash = `${Math.floor(ctx.nowMs / 1000)}.${ctx.state.newId("").slice(1).toLowerCase()}`;
  const stored = { id, hash, view, rootId: rootId ?? id };
  ctx.state.views.set(id, stored);
  return stored;
}

function pageOf<T>(items: T[], cursor: unknown, limit: unknown): { page: T[]; next: string } | undefined {
  const size = Math.min(Math.max(Number(limit ?? 100) || 100, 1), 1000);
  let start = 0;
  if (str(cursor)) {
    const decoded = Buffer.from(String(cursor), "base64").toString("utf8");
    const match = /^offset:(\d+)$/.exec(decoded);
    if (!match) return undefined;
    start = Number(match[1]);
  }
  const page = items.slice(start, start + size);
  const more = start + size < items.length;
  return { page, next: more ? Buffer.from(`offset:${start + size}`).toString("base64") : "" };
}

function channelInfo(state: FakeSlackState, c: FakeChannel, withCount: boolean): Body {
  const { members, user, ...rest } = c;
  return {
    ...rest, is_channel: !c.is_private && !c.is_im, is_group: c.is_private && !c.is_im, is_mpim: false,
    is_general: false, name_normalized: c.name, creator: FAKE_IDS.facilitator, is_pending_ext_shared: false,
    pending_shared: [], topic: { value: "", creator: "", last_set: 0 }, purpose: { value: "", creator: "", last_set: 0 },
    ...(c.is_im ? { user } : {}), ...(withCount ? { num_members: members.length } : {}),
    ...(state.enterpriseId ? { enterprise_id: state.enterpriseId } : {}),
  };
}

export const METHODS: Record<string, Handler> = {
  "auth.test": ({ state, grant }) => {
    const team = state.teams.get(grant.teamId);
    const url = grant.isEnterpriseInstall ? `https://${state.enterpriseName.toLowerCase().replace(/\W+/g, "-")}.enterprise.slack.com/` : `https://${team?.domain ?? "team"}.slack.com/`;
    return {
      ok: true, url, team: team?.name ?? state.enterpriseName, user: "cop-companion", team_id: grant.teamId,
      user_id: grant.botUserId, bot_id: grant.botId, is_enterprise_install: grant.isEnterpriseInstall,
      ...(grant.enterpriseId ? { enterprise_id: grant.enterpriseId } : {}),
    };
  },

  "chat.postMessage": (ctx) => {
    const channel = resolveChannel(ctx.state, ctx.args.channel);
    const problem = postableChannel(ctx, channel) ?? messageContentError(ctx.args);
    if (problem || !channel) return problem ?? fail("channel_not_found");
    const ts = ctx.state.nextTs(ctx.nowMs);
    ctx.state.messages.set(`${channel.id}:${ts}`, { channel: channel.id, ts, text: String(ctx.args.text ?? ""), blocks: ctx.args.blocks, thread_ts: str(ctx.args.thread_ts), user: ctx.grant.botUserId });
    return { ok: true, channel: channel.id, ts, message: botMessage(ctx, ts) };
  },

  "chat.postEphemeral": (ctx) => {
    const channel = resolveChannel(ctx.state, ctx.args.channel);
    const problem = postableChannel(ctx, channel) ?? messageContentError(ctx.args);
    if (problem || !channel) return problem ?? fail("channel_not_found");
    const user = String(ctx.args.user ?? "");
    if (!ctx.state.users.has(user)) return fail("user_not_found");
    if (!channel.members.includes(user)) return fail("user_not_in_channel");
    return { ok: true, message_ts: ctx.state.nextTs(ctx.nowMs) };
  },

  "chat.update": (ctx) => {
    const channel = ctx.state.channels.get(String(ctx.args.channel ?? ""));
    if (!channel) return fail("channel_not_found");
    const stored = ctx.state.messages.get(`${channel.id}:${String(ctx.args.ts ?? "")}`);
    if (!stored) return fail("message_not_found");
    if (stored.user !== ctx.grant.botUserId) return fail("cant_update_message");
    const problem = messageContentError({ ...ctx.args, text: ctx.args.text ?? stored.text });
    if (problem) return problem;
    stored.text = String(ctx.args.text ?? stored.text);
    if (ctx.args.blocks !== undefined) stored.blocks = ctx.args.blocks;
    return { ok: true, channel: channel.id, ts: stored.ts, text: stored.text, message: botMessage(ctx, stored.ts) };
  },

  // chat.getPermalink: any token; channel_not_found, message_not_found (docs.slack.dev/reference/methods/chat.getPermalink)
  "chat.getPermalink": ({ state, args, grant }) => {
    const channel = state.channels.get(String(args.channel ?? ""));
    if (!channel) return fail("channel_not_found");
    const ts = String(args.message_ts ?? "");
    if (!state.messages.has(`${channel.id}:${ts}`)) return fail("message_not_found");
    const domain = state.teams.get(channel.context_team_id)?.domain ?? state.teams.get(grant.teamId)?.domain ?? "team";
    return { ok: true, channel: channel.id, permalink: `https://${domain}.slack.com/archives/${channel.id}/p${ts.replace(".", "")}` };
  },

  "chat.delete": ({ state, args, grant }) => {
    const channel = state.channels.get(String(args.channel ?? ""));
    if (!channel) return fail("channel_not_found");
    const key = `${channel.id}:${String(args.ts ?? "")}`;
    const stored = state.messages.get(key);
    if (!stored) return fail("message_not_found");
    if (stored.user !== grant.botUserId) return fail("cant_delete_message");
    state.messages.delete(key);
    return { ok: true, channel: channel.id, ts: stored.ts };
  },

  "views.open": (ctx) => {
    const problem = viewArgError(ctx.args.view, ["modal"]) ?? useTrigger(ctx);
    return problem ?? viewResponse(ctx, storeView(ctx, ctx.args.view as Body));
  },

  "views.push": (ctx) => {
    const problem = viewArgError(ctx.args.view, ["modal"]) ?? useTrigger(ctx);
    if (problem) return problem;
    // The stack a push lands on: the most recent modal (the fake cannot map trigger_ids to views).
    const roots = [...ctx.state.views.values()].filter((v) => v.view.type === "modal");
    const root = roots.at(-1)?.rootId;
    // views.push: push_limit_reached once the stack (open + 2 pushes) is full
    if (root && roots.filter((v) => v.rootId === root).length >= SLACK_LIMITS.view.stackDepth) return fail("push_limit_reached");
    return viewResponse(ctx, storeView(ctx, ctx.args.view as Body, root));
  },

  "views.update": (ctx) => {
    const problem = viewArgError(ctx.args.view, ["modal"]);
    if (problem) return problem;
    const byExternal = str(ctx.args.external_id);
    const current = byExternal
      ? [...ctx.state.views.values()].find((v) => v.view.external_id === byExternal)
      : ctx.state.views.get(String(ctx.args.view_id ?? ""));
    if (!current) return fail("not_found");
    if (str(ctx.args.hash) && ctx.args.hash !== current.hash) return fail("hash_conflict");
    return viewResponse(ctx, storeView(ctx, ctx.args.view as Body, current.rootId, current.id));
  },

  "views.publish": (ctx) => {
    const userId = String(ctx.args.user_id ?? "");
    const problem = viewArgError(ctx.args.view, ["home"]);
    if (problem) return problem;
    if (!ctx.state.users.has(userId)) return fail("user_not_found");
    const previous = ctx.state.homeViews.get(userId);
    if (str(ctx.args.hash) && previous && ctx.args.hash !== previous.hash) return fail("hash_conflict");
    const stored = storeView(ctx, ctx.args.view as Body, undefined, previous?.id);
    ctx.state.homeViews.set(userId, { ...stored, userId });
    return viewResponse(ctx, stored);
  },

  "conversations.open": ({ state, args }) => {
    const ids = String(args.users ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) return str(args.channel) && state.channels.has(String(args.channel)) ? { ok: true, channel: { id: args.channel } } : fail("channel_not_found");
    if (ids.length > 8) return fail("too_many_users");
    const unknown = ids.find((id) => !state.users.has(id));
    if (unknown) return fail("user_not_found");
    if (ids.length > 1) return fail("method_not_supported_for_channel_type");
    const before = [...state.channels.values()].some((c) => c.is_im && c.user === ids[0]);
    const dm = openDm(state, ids[0]!);
    return { ok: true, ...(before ? { no_op: true, already_open: true } : {}), channel: bool(args.return_im) ? channelInfo(state, dm, false) : { id: dm.id } };
  },

  "conversations.info": ({ state, args }) => {
    const channel = state.channels.get(String(args.channel ?? ""));
    if (!channel || (channel.is_private && !channel.is_member)) return fail("channel_not_found");
    return { ok: true, channel: channelInfo(state, channel, bool(args.include_num_members)) };
  },

  "conversations.members": ({ state, args }) => {
    const channel = state.channels.get(String(args.channel ?? ""));
    if (!channel || (channel.is_private && !channel.is_member)) return fail("channel_not_found");
    const page = pageOf(channel.members, args.cursor, args.limit);
    if (!page) return fail("invalid_cursor");
    return { ok: true, members: page.page, response_metadata: { next_cursor: page.next } };
  },

  "users.info": ({ state, args }) => {
    const user = state.users.get(String(args.user ?? ""));
    if (!user) return fail("user_not_found");
    // users.info: locale is only returned when include_locale is true
    const { locale, ...rest } = user;
    return { ok: true, user: bool(args.include_locale) ? { ...rest, locale } : rest };
  },

  "team.info": ({ state, args, grant }) => {
    const team = state.teams.get(str(args.team) ?? grant.teamId);
    if (!team) return fail("team_not_found");
    return { ok: true, team: { ...team, email_domain: "", icon: { image_default: true, image_68: "https://avatars.example/team.png" } } };
  },

  "apps.uninstall": ({ state, args, grant }) => {
    if (args.client_id !== state.clientId) return fail("invalid_client_id");
    if (args.client_secret !== state.clientSecret) return fail("bad_client_secret");
    grant.revoked = true;
    return { ok: true };
  },
};

/** oauth.v2.access authenticates with client credentials, not a token, so it sits outside METHODS. */
export function oauthV2Access(ctx: Omit<MethodContext, "grant">): Body {
  const { state, args, basicAuth } = ctx;
  const clientId = basicAuth?.user ?? args.client_id;
  const clientSecret = basicAuth?.password ?? args.client_secret;
  if (clientId !== state.clientId) return fail("invalid_client_id");
  if (clientSecret !== state.clientSecret) return fail("bad_client_secret");
  const grant = state.oauthCodes.get(String(args.code ?? ""));
  if (!grant) return fail("invalid_code");
  state.oauthCodes.delete(String(args.code));
  const org = grant.enterprise;
  if (org && !state.enterpriseId) return fail("invalid_code");
  const teamId = org ? state.enterpriseId! : (grant.teamId ?? state.teamId);
  const token = `xoxb-${state.newId("").slice(1).toLowerCase()}-${teamId.toLowerCase()}`;
  const tokenGrant = state.addToken(token, teamId, state.enterpriseId, org);
  const team = state.teams.get(teamId);
  return {
    ok: true, app_id: state.appId, authed_user: { id: grant.userId }, scope: tokenGrant.scopes.join(","),
    token_type: "bot", access_token: token, bot_user_id: state.botUserId,
    team: org ? null : { id: teamId, name: team?.name ?? teamId },
    enterprise: state.enterpriseId ? { id: state.enterpriseId, name: state.enterpriseName } : null,
    is_enterprise_install: org,
  };
}
