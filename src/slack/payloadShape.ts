import { parse as parseQuery } from "node:querystring";
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import { z } from "zod";

/**
 * The least a Slack request must carry before Bolt and the listeners read it: Bolt answers 500 (or a
 * listener throws) on `null`, on `"user": null` and the like. Only the fields something here reads are
 * checked; everything else passes through untouched.
 */

const Id = z.string().min(1).max(255);
const WithId = z.object({ id: Id }).passthrough();

const SlashCommand = z
  .object({
    command: z.string().regex(/^\/\S+$/),
    text: z.string(),
    user_id: Id,
    team_id: Id,
    channel_id: Id,
    enterprise_id: z.string().optional(),
    trigger_id: z.string().optional(),
    response_url: z.string().optional(),
  })
  .passthrough();

const Interactive = z
  .object({
    type: Id,
    user: z.object({ id: Id, team_id: z.string().nullish() }).passthrough(),
    team: WithId.nullish(),
    enterprise: WithId.nullish(),
    // Bolt reads channel.id whenever `channel` is there.
    channel: WithId.optional(),
  })
  .passthrough()
  .refine((p) => Boolean(p.team?.id || p.enterprise?.id || p.user.team_id), { message: "names no team or enterprise", path: ["team"] });

const View = z.object({ id: Id, callback_id: z.string(), private_metadata: z.string().optional() }).passthrough();

/** What each interactive payload type adds to the common shape. */
const INTERACTIVE_EXTRAS: Partial<Record<string, z.ZodTypeAny>> = {
  block_actions: z.object({ actions: z.array(z.object({ action_id: Id }).passthrough()).min(1) }).passthrough(),
  view_submission: z.object({ view: View.extend({ state: z.object({ values: z.record(z.unknown()) }).passthrough() }) }).passthrough(),
  view_closed: z.object({ view: View }).passthrough(),
};

const Event = z
  .object({
    type: Id,
    // Bolt looks into item.channel and channel(.id) to route events.
    item: z.object({}).passthrough().optional(),
    channel: z.union([z.string(), WithId]).optional(),
  })
  .passthrough();

/** What each event type's listener reads. */
const EVENT_EXTRAS: Partial<Record<string, z.ZodTypeAny>> = {
  app_mention: z.object({ channel: Id, user: z.string().optional(), user_team: z.string().optional(), text: z.string().nullish() }).passthrough(),
  message: z.object({ channel: Id, text: z.string().nullish() }).passthrough(),
  member_joined_channel: z.object({ user: Id, channel: Id, inviter: z.string().optional() }).passthrough(),
  app_home_opened: z.object({ user: Id, tab: z.string().optional() }).passthrough(),
  tokens_revoked: z.object({ tokens: z.object({ bot: z.array(z.string()).optional(), oauth: z.array(z.string()).optional() }).passthrough() }).passthrough(),
};

const Authorization = z.object({ team_id: z.string().nullish(), enterprise_id: z.string().nullish() }).passthrough();

const EventCallback = z
  .object({
    type: z.literal("event_callback"),
    event_id: Id,
    event_time: z.number().int().optional(),
    team_id: z.string().nullish(),
    enterprise_id: z.string().nullish(),
    authorizations: z.array(Authorization).optional(),
    event: Event,
  })
  .passthrough()
  .refine((b) => Boolean(b.team_id || b.enterprise_id || b.authorizations?.some((a) => a.team_id || a.enterprise_id)), {
    message: "names no team or enterprise",
    path: ["team_id"],
  });

const JSON_BODIES: Record<string, z.ZodTypeAny> = {
  event_callback: EventCallback,
  url_verification: z.object({ type: z.literal("url_verification"), challenge: z.string().min(1) }).passthrough(),
  app_rate_limited: z.object({ type: z.literal("app_rate_limited"), minute_rate_limited: z.number() }).passthrough(),
};

export type SlackBody =
  | { kind: "command" | "interactive" | "ssl_check" | "url_verification" | "app_rate_limited"; body: Record<string, unknown> }
  | { kind: "event_callback"; body: Record<string, unknown>; eventId: string };

export type ShapeResult = ({ ok: true } & SlackBody) | { ok: false; message: string };

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

/** The media type without parameters, lower-cased ("application/json; charset=utf-8" → "application/json"). */
export const mediaType = (contentType: string | undefined) => (contentType ?? "").split(";")[0]!.trim().toLowerCase();

/** True for the two content types Slack sends (form-encoded commands and interactions, JSON events). */
export const isSlackMediaType = (type: string) => type === FORM || type === JSON_TYPE;

function problem(error: z.ZodError, what: string): { ok: false; message: string } {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return { ok: false, message: `Not a valid Slack ${what}: ${where}${issue?.message ?? "malformed"}.`.slice(0, 300) };
}

function check(schema: z.ZodTypeAny, extras: z.ZodTypeAny | undefined, value: unknown, what: string): { ok: true } | { ok: false; message: string } {
  const base = schema.safeParse(value);
  if (!base.success) return problem(base.error, what);
  const more = extras?.safeParse(value);
  return more && !more.success ? problem(more.error, what) : { ok: true };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function readJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Parses a (verified) body the way Bolt will, and checks it has the shape Bolt and the listeners rely on. */
export function readSlackBody(raw: string, type: string): ShapeResult {
  if (type === FORM) {
    const form = parseQuery(raw);
    if (form.payload !== undefined) {
      if (typeof form.payload !== "string") return { ok: false, message: "Not a valid Slack interaction: payload appears more than once." };
      const parsed = readJson(form.payload);
      if (!parsed.ok) return { ok: false, message: "Not a valid Slack interaction: payload is not JSON." };
      if (!isRecord(parsed.value)) return { ok: false, message: "Not a valid Slack interaction: payload is not an object." };
      const body = parsed.value;
      const checked = check(Interactive, INTERACTIVE_EXTRAS[String(body.type)], body, "interaction");
      return checked.ok ? { ok: true, kind: "interactive", body } : checked;
    }
    if (form.ssl_check !== undefined) return { ok: true, kind: "ssl_check", body: form };
    const checked = check(SlashCommand, undefined, form, "slash command");
    return checked.ok ? { ok: true, kind: "command", body: form } : checked;
  }
  const parsed = readJson(raw);
  if (!parsed.ok) return { ok: false, message: "The request body is not valid JSON." };
  if (!isRecord(parsed.value)) return { ok: false, message: "Not a valid Slack event: the body is not a JSON object." };
  const body = parsed.value;
  const schema = JSON_BODIES[String(body.type)];
  if (!schema) return { ok: false, message: `Not a valid Slack event: unknown type ${JSON.stringify(String(body.type ?? "")).slice(0, 60)}.` };
  const event = isRecord(body.event) ? body.event : undefined;
  const checked = check(schema, event && EVENT_EXTRAS[String(event.type)] ? z.object({ event: EVENT_EXTRAS[String(event.type)]! }).passthrough() : undefined, body, "event");
  if (!checked.ok) return checked;
  if (body.type === "event_callback") return { ok: true, kind: "event_callback", body, eventId: String(body.event_id) };
  return { ok: true, kind: body.type === "url_verification" ? "url_verification" : "app_rate_limited", body };
}

/** Events whose text a listener reads: a missing or null text becomes "", so a listener never trips on it. */
const TEXT_EVENTS = new Set(["app_mention", "message"]);

export const normaliseEventText: Middleware<AnyMiddlewareArgs> = async ({ body, next }) => {
  const event = isRecord(body) && isRecord(body.event) ? body.event : undefined;
  if (event && TEXT_EVENTS.has(String(event.type)) && typeof event.text !== "string") event.text = "";
  await next();
};
