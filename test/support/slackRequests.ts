/**
 * Builders for real, correctly signed Slack requests (slash commands, interactions, events), shaped like
 * the payloads documented at docs.slack.dev/interactivity and docs.slack.dev/apis/events-api, and signed
 * per docs.slack.dev/authentication/verifying-requests-from-slack: v0 HMAC-SHA256 of "v0:{ts}:{body}".
 */
import { createHmac, randomBytes } from "node:crypto";
import { FAKE_IDS } from "./fakeSlackState.js";

export const TEST_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

export interface SignedRequest {
  body: string;
  /** Lower-case header names (HTTP headers are case-insensitive; Bolt reads them lower-cased). */
  headers: Record<string, string>;
}

export interface SignOptions {
  signingSecret?: string;
  /** Sign with this secret instead, to test rejection. */
  signWithSecret?: string;
  /** Date the request this many seconds in the past (Bolt refuses more than 5 minutes). */
  ageSeconds?: number;
  /** Milliseconds since the epoch; default Date.now(). */
  now?: number;
  /** Slack's redelivery headers for events: X-Slack-Retry-Num / X-Slack-Retry-Reason. */
  retry?: { num: number; reason: "http_timeout" | "too_many_requests" | "http_error" | "unknown_error" };
}

/** The v0 signature Slack puts in X-Slack-Signature. */
export function signature(secret: string, timestampSeconds: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestampSeconds}:${body}`).digest("hex")}`;
}

function signed(body: string, contentType: string, opts: SignOptions = {}): SignedRequest {
  const timestamp = Math.floor((opts.now ?? Date.now()) / 1000) - (opts.ageSeconds ?? 0);
  const secret = opts.signWithSecret ?? opts.signingSecret ?? TEST_SIGNING_SECRET;
  const headers: Record<string, string> = {
    "content-type": contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": signature(secret, timestamp, body),
  };
  if (opts.retry) {
    headers["x-slack-retry-num"] = String(opts.retry.num);
    headers["x-slack-retry-reason"] = opts.retry.reason;
  }
  return { body, headers };
}

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";
// The deprecated verification token still travels in payloads; Bolt ignores it in favour of the signature.
const VERIFICATION_TOKEN = "Jhj5dZrVaK7ZwHHjRyZWjbDl";

/** A trigger_id in Slack's format ("13345224609.738474920.8088930838d88f008e0"). */
export const newTriggerId = (): string =>
  `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomBytes(16).toString("hex")}`;

/** Where the response_urls of built requests point: Slack's hooks host, or a fake Slack that answers them. */
let hooksBase = "https://hooks.slack.com/";

/**
 * Points the response_urls of requests built from now on at a fake Slack (`startFakeSlack` calls it with its
 * own); the function returned points them back, unless another fake has taken them since.
 */
export function answerResponseUrlsAt(base: string): () => void {
  const before = hooksBase;
  hooksBase = base;
  return () => {
    if (hooksBase === base) hooksBase = before;
  };
}

/**
 * A response_url as a request carries it. Slack's look like `/commands/T…/<id>/<secret>` and Slack knows whose
 * channel and person each is for; this one says them in its path (`-` for none) so the fake can record where
 * the answer appeared, and when it was issued, for its 30 minutes.
 */
export function responseUrl(kind: "commands" | "actions" | "app", team: string, channel: string | undefined, user: string, now = Date.now()): string {
  return `${hooksBase}${kind}/${team}/${channel ?? "-"}/${user}/${now}/${randomBytes(12).toString("hex")}`;
}

export interface SlashCommandFields {
  command?: string;
  text?: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  team_domain?: string;
  enterprise_id?: string;
  enterprise_name?: string;
  is_enterprise_install?: boolean;
  trigger_id?: string;
  response_url?: string;
  api_app_id?: string;
}

/** A slash command as Slack POSTs it: form-encoded fields (docs.slack.dev/interactivity/implementing-slash-commands). */
export function slashCommand(fields: SlashCommandFields = {}, opts?: SignOptions): SignedRequest {
  const team = fields.team_id ?? FAKE_IDS.teamId;
  const form = new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: team,
    team_domain: fields.team_domain ?? "health-cop",
    ...(fields.enterprise_id ? { enterprise_id: fields.enterprise_id, enterprise_name: fields.enterprise_name ?? "Partners Org" } : {}),
    channel_id: fields.channel_id ?? FAKE_IDS.general,
    channel_name: fields.channel_name ?? "cop-general",
    user_id: fields.user_id ?? FAKE_IDS.facilitator,
    user_name: fields.user_name ?? "ana",
    command: fields.command ?? "/cop",
    text: fields.text ?? "",
    api_app_id: fields.api_app_id ?? FAKE_IDS.appId,
    is_enterprise_install: String(fields.is_enterprise_install ?? false),
    response_url: fields.response_url ?? responseUrl("commands", team, fields.channel_id ?? FAKE_IDS.general, fields.user_id ?? FAKE_IDS.facilitator, opts?.now),
    trigger_id: fields.trigger_id ?? newTriggerId(),
  });
  return signed(form.toString(), FORM, opts);
}

type Payload = Record<string, unknown>;

const userOf = (id: string, team: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: team });

/** The payload with a response_url for its person and channel, unless it brings its own. */
function withResponseUrl(kind: "actions" | "app", team: string, payload: Payload, now?: number): Payload {
  if (payload.response_url !== undefined) return payload;
  const channel = (payload.channel as { id?: string } | undefined)?.id ?? (payload.container as { channel_id?: string } | undefined)?.channel_id;
  return { ...payload, response_url: responseUrl(kind, team, channel, String((payload.user as { id?: unknown } | null)?.id), now) };
}

/** Interactive payloads arrive form-encoded as payload=<json>. */
function interaction(payload: Payload, opts?: SignOptions): SignedRequest {
  return signed(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM, opts);
}

/** A button press: the `block_actions` payload (docs.slack.dev/reference/interaction-payloads/block_actions-payload). */
export function blockActions(payload: Payload & { actions: Payload[] }, opts?: SignOptions): SignedRequest {
  const team = FAKE_IDS.teamId;
  const messageTs = "1700000000.000100";
  return interaction(
    withResponseUrl("actions", team, {
      type: "block_actions",
      user: userOf(FAKE_IDS.facilitator, team),
      api_app_id: FAKE_IDS.appId,
      token: VERIFICATION_TOKEN,
      container: { type: "message", message_ts: messageTs, channel_id: FAKE_IDS.general, is_ephemeral: false },
      trigger_id: newTriggerId(),
      team: { id: team, domain: "health-cop" },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: FAKE_IDS.general, name: "cop-general" },
      message: { type: "message", user: FAKE_IDS.botUserId, ts: messageTs, text: "", blocks: [] },
      state: { values: {} },
      ...payload,
    }, opts?.now),
    opts,
  );
}

/** A message shortcut run on a message: the `message_action` payload (docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload). */
export function messageShortcut(payload: Payload & { callback_id: string; message: Payload & { ts: string } }, opts?: SignOptions): SignedRequest {
  const team = FAKE_IDS.teamId;
  return interaction(
    withResponseUrl("app", team, {
      type: "message_action",
      token: VERIFICATION_TOKEN,
      action_ts: `${Math.floor(Date.now() / 1000)}.000300`,
      team: { id: team, domain: "health-cop" },
      user: userOf(FAKE_IDS.member, team),
      channel: { id: FAKE_IDS.general, name: "cop-general" },
      is_enterprise_install: false,
      enterprise: null,
      trigger_id: newTriggerId(),
      message_ts: payload.message.ts,
      ...payload,
      message: { type: "message", ...payload.message },
    }, opts?.now),
    opts,
  );
}

/** One entry of `actions` for a button, as Slack sends it. */
export function buttonAction(actionId: string, value: string, blockId = "actions"): Payload {
  return {
    type: "button", action_id: actionId, block_id: blockId, value,
    text: { type: "plain_text", text: actionId, emoji: true }, action_ts: `${Math.floor(Date.now() / 1000)}.000200`,
  };
}

/** A modal submitted: the `view_submission` payload (docs.slack.dev/reference/interaction-payloads/view-interactions-payload). */
export function viewSubmission(
  payload: Payload & { view: Payload & { callback_id: string; state?: { values: Payload } } },
  opts?: SignOptions,
): SignedRequest {
  const team = FAKE_IDS.teamId;
  const { view, ...rest } = payload;
  return interaction(
    {
      type: "view_submission",
      team: { id: team, domain: "health-cop" },
      user: userOf(FAKE_IDS.facilitator, team),
      api_app_id: FAKE_IDS.appId,
      token: VERIFICATION_TOKEN,
      trigger_id: newTriggerId(),
      view: {
        id: "V01MODAL1", team_id: team, type: "modal", blocks: [], private_metadata: "", hash: "1700000000.abcd1234",
        title: { type: "plain_text", text: "CoP Companion" }, submit: { type: "plain_text", text: "Save" },
        close: { type: "plain_text", text: "Cancel" }, clear_on_close: false, notify_on_close: false,
        previous_view_id: null, root_view_id: "V01MODAL1", app_id: FAKE_IDS.appId, external_id: "",
        app_installed_team_id: team, bot_id: FAKE_IDS.botId, state: { values: {} }, ...view,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
      ...rest,
    },
    opts,
  );
}

export interface EnvelopeOptions {
  event_id?: string;
  team_id?: string;
  enterprise_id?: string;
  is_enterprise_install?: boolean;
  authorizations?: Payload[];
  is_ext_shared_channel?: boolean;
  event_time?: number;
}

/** An Events API `event_callback` envelope around one event (docs.slack.dev/apis/events-api#callback-field). */
export function eventCallback(event: Payload, envelope: EnvelopeOptions = {}, opts?: SignOptions): SignedRequest {
  const team = envelope.team_id ?? FAKE_IDS.teamId;
  const enterprise = envelope.enterprise_id ?? null;
  const body = {
    token: VERIFICATION_TOKEN,
    team_id: team,
    ...(enterprise ? { enterprise_id: enterprise } : {}),
    context_team_id: team,
    context_enterprise_id: enterprise,
    api_app_id: FAKE_IDS.appId,
    event,
    type: "event_callback",
    event_id: envelope.event_id ?? `Ev${randomBytes(5).toString("hex").toUpperCase()}`,
    event_time: envelope.event_time ?? Math.floor(Date.now() / 1000),
    authorizations: envelope.authorizations ?? [
      { enterprise_id: enterprise, team_id: envelope.is_enterprise_install ? null : team, user_id: FAKE_IDS.botUserId, is_bot: true, is_enterprise_install: envelope.is_enterprise_install ?? false },
    ],
    is_ext_shared_channel: envelope.is_ext_shared_channel ?? false,
    event_context: `4-${Buffer.from(JSON.stringify({ et: event.type, tid: team, aid: FAKE_IDS.appId })).toString("base64url")}`,
  };
  return signed(JSON.stringify(body), JSON_TYPE, opts);
}

/** The handshake Slack sends when the Request URL is saved (docs.slack.dev/reference/events/url_verification). */
export function urlVerification(challenge: string, opts?: SignOptions): SignedRequest {
  return signed(JSON.stringify({ token: VERIFICATION_TOKEN, challenge, type: "url_verification" }), JSON_TYPE, opts);
}

/** Slack's check of the Request URL's certificate (sent now and then to an app with a slash command): a form with ssl_check=1. */
export function sslCheck(opts?: SignOptions): SignedRequest {
  return signed(new URLSearchParams({ ssl_check: "1", token: VERIFICATION_TOKEN }).toString(), FORM, opts);
}

const eventTs = (): string => `${(Date.now() / 1000).toFixed(6)}`;

/** Event bodies in the shapes documented at docs.slack.dev/reference/events/<type>. */
export const events = {
  appMention: (e: { user?: string; channel?: string; text?: string; user_team?: string }) => {
    const ts = eventTs();
    const team = e.user_team ?? FAKE_IDS.teamId;
    return { type: "app_mention", user: e.user ?? FAKE_IDS.facilitator, text: e.text ?? `<@${FAKE_IDS.botUserId}> help`, ts, channel: e.channel ?? FAKE_IDS.general, event_ts: ts, team, user_team: team, source_team: team };
  },
  memberJoinedChannel: (e: { user?: string; channel?: string; team?: string; inviter?: string }) => ({
    type: "member_joined_channel", user: e.user ?? FAKE_IDS.member, channel: e.channel ?? FAKE_IDS.general, channel_type: "C",
    team: e.team ?? FAKE_IDS.teamId, ...(e.inviter ? { inviter: e.inviter } : {}), event_ts: eventTs(),
  }),
  appHomeOpened: (e: { user?: string; tab?: "home" | "messages" }) => ({
    type: "app_home_opened", user: e.user ?? FAKE_IDS.facilitator, channel: "D01HOMEDM", tab: e.tab ?? "home", event_ts: eventTs(),
  }),
  messageIm: (e: { user?: string; text?: string; channel?: string }) => {
    const ts = eventTs();
    return { type: "message", channel: e.channel ?? "D01HOMEDM", user: e.user ?? FAKE_IDS.facilitator, text: e.text ?? "help", ts, event_ts: ts, channel_type: "im" };
  },
  appUninstalled: () => ({ type: "app_uninstalled", event_ts: eventTs() }),
  tokensRevoked: (bot: string[] = [FAKE_IDS.botUserId]) => ({ type: "tokens_revoked", tokens: { oauth: [], bot }, event_ts: eventTs() }),
};

/** A Slack Connect mention: a partner-organisation guest in the shared channel (user_team differs from team_id). */
export const slackConnectMention = (text = `<@${FAKE_IDS.botUserId}> help`, opts?: SignOptions): SignedRequest =>
  eventCallback(
    events.appMention({ user: FAKE_IDS.guest, channel: FAKE_IDS.shared, text, user_team: FAKE_IDS.partnerTeamId }),
    { is_ext_shared_channel: true },
    opts,
  );

/** An Enterprise Grid org-wide install: enterprise_id set and is_enterprise_install true. */
export const enterpriseGridMention = (text = `<@${FAKE_IDS.botUserId}> help`, opts?: SignOptions): SignedRequest =>
  eventCallback(events.appMention({ text }), { enterprise_id: FAKE_IDS.enterpriseId, is_enterprise_install: true }, opts);

/** POSTs a built request to the app (default path /slack/events). */
export function send(baseUrl: string, req: SignedRequest, path = "/slack/events"): Promise<Response> {
  return fetch(new URL(path, baseUrl), { method: "POST", headers: req.headers, body: req.body });
}
