import type { Activity, ChannelAccount } from "botbuilder";
import { LIMITS, personKey, spaceKey, type Actor, type PersonKey, type SpaceRef } from "../core/domain.js";
import type { Ask } from "../core/kernel/request.js";

/**
 * Teams activity → core vocabulary. Pure functions over the activity, so they are tested without a
 * server; the Teams ids the core does not need stay readable through `teamsIds`.
 */

export interface TeamsIds {
  tenantId: string;
  /** The conversation as Teams addresses it (a channel thread carries `;messageid=`). */
  conversationId: string;
  /** The chat place: the channel for channel threads, else the conversation. */
  placeId: string;
  conversationType: "personal" | "groupChat" | "channel";
  teamId?: string;
  channelId?: string;
  userId: string;
  aadObjectId?: string;
}

/** The longest time zone name the core keeps (Actor.timezone). */
const MAX_TIMEZONE = 64;

interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string; name?: string };
  channel?: { id?: string; name?: string };
}

type Inbound = Pick<Activity, "conversation" | "from" | "recipient" | "channelData" | "locale" | "localTimezone" | "text" | "entities">;

const channelData = (activity: Inbound): TeamsChannelData => (activity.channelData ?? {}) as TeamsChannelData;

export function teamsIds(activity: Inbound): TeamsIds {
  const data = channelData(activity);
  const conversationId = activity.conversation.id;
  const tenantId = activity.conversation.tenantId ?? data.tenant?.id ?? "unknown-tenant";
  const type = activity.conversation.conversationType;
  const conversationType = type === "channel" || type === "groupChat" ? type : "personal";
  // A reply in a channel thread addresses `<channel>;messageid=<root>`: the space is the channel itself.
  const placeId = data.channel?.id ?? conversationId.split(";")[0]!;
  return {
    tenantId,
    conversationId,
    placeId,
    conversationType,
    teamId: data.team?.id,
    channelId: data.channel?.id,
    userId: activity.from.id,
    aadObjectId: activity.from.aadObjectId,
  };
}

/** A person's key: the AAD object id when Teams gives it (stable across apps), else the Teams user id. */
export function teamsPersonKey(tenantId: string, account: Pick<ChannelAccount, "id" | "aadObjectId">): PersonKey {
  return personKey("teams", tenantId, account.aadObjectId ?? account.id);
}

export function actorOf(activity: Inbound): Actor {
  const ids = teamsIds(activity);
  return {
    personKey: teamsPersonKey(ids.tenantId, activity.from),
    displayName: (activity.from.name ?? "").slice(0, LIMITS.displayName),
    locale: normaliseLocale(activity.locale),
    timezone: normaliseTimezone(activity.localTimezone),
  };
}

/** An IANA zone name ("Europe/Berlin") or nothing: a cut-off or odd value would be a wrong zone, not a shorter one. */
function normaliseTimezone(timezone: string | undefined): string | undefined {
  return timezone && timezone.length <= MAX_TIMEZONE && /^[A-Za-z0-9_+\-/]+$/.test(timezone) ? timezone : undefined;
}

/** Teams sends BCP 47 tags ("en-US"); anything else falls back to English rather than failing the request. */
function normaliseLocale(locale: string | undefined): string {
  return locale && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/.test(locale) && locale.length <= 35 ? locale : "en";
}

export function spaceOf(activity: Inbound): SpaceRef {
  const ids = teamsIds(activity);
  const data = channelData(activity);
  const names = ids.conversationType === "channel" ? [data.team?.name, data.channel?.name] : [activity.conversation.name];
  return {
    spaceKey: spaceKey("teams", ids.tenantId, ids.placeId),
    platform: "teams",
    displayName: names.filter(Boolean).join(" / ").slice(0, LIMITS.displayName),
    personal: ids.conversationType === "personal",
  };
}

/** A person @mentioned in a message, as Teams identifies them (the bot itself excluded). */
export interface TeamsMention {
  id: string;
  name: string;
  aadObjectId?: string;
}

interface MentionEntity {
  type?: string;
  text?: string;
  mentioned?: { id?: string; name?: string; aadObjectId?: string };
}

const mentionEntities = (activity: Inbound): MentionEntity[] =>
  ((activity.entities ?? []) as MentionEntity[]).filter((e) => e.type === "mention" && typeof e.mentioned?.id === "string");

export function mentionsOf(activity: Inbound): TeamsMention[] {
  return mentionEntities(activity)
    .filter((e) => e.mentioned!.id !== activity.recipient.id)
    .map((e) => ({ id: e.mentioned!.id!, name: (e.mentioned!.name ?? "").slice(0, LIMITS.displayName), aadObjectId: e.mentioned!.aadObjectId }));
}

const ENTITIES: Record<string, string> = { "&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

/** What the person typed: the bot's @mention removed, other mentions as "@Name", markup dropped. */
export function messageText(activity: Inbound): string {
  let text = activity.text ?? "";
  for (const entity of mentionEntities(activity)) {
    if (entity.mentioned!.id === activity.recipient.id && entity.text) text = text.split(entity.text).join(" ");
  }
  return text
    .replace(/<at>([^<]*)<\/at>/gi, "@$1")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m)
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * What the person typed, with each @mention of someone other than the app replaced by `@1`, `@2`…, so a
 * display name ("Luc Member") can never read as a command word; the people themselves come separately.
 */
export function askFromText(activity: Inbound): Extract<Ask, { kind: "text" }> {
  const mentions = mentionsOf(activity).slice(0, 20);
  let index = 0;
  const tokens = new Map<string, string>();
  for (const m of mentions) tokens.set(m.id, `@${++index}`);
  const entities = mentionEntities(activity);
  let text = activity.text ?? "";
  for (const entity of entities) {
    if (!entity.text) continue;
    const replacement = entity.mentioned!.id === activity.recipient.id ? " " : ` ${tokens.get(entity.mentioned!.id!) ?? ""} `;
    text = text.split(entity.text).join(replacement);
  }
  return { kind: "text", text: plainOf(text).slice(0, 4000), mentions: mentions.map((m) => ({ id: m.id, name: m.name })) };
}

const plainOf = (text: string) =>
  text
    .replace(/<at>([^<]*)<\/at>/gi, "@$1")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m)
    .replace(/\s+/g, " ")
    .trim();

/**
 * Card data (Action.Submit `value`, or Action.Execute `action.data`): the card's inputs plus `verb`, and a
 * form's sealed `formToken`. Values that are not strings (or lists of strings) are refused, never guessed at.
 */
export function askFromCard(data: Record<string, unknown>): Ask | { kind: "malformed"; detail: string } {
  const { verb, formToken, ...rest } = data;
  if (typeof verb !== "string" || verb.length === 0 || verb.length > 255) return { kind: "malformed", detail: "verb: the card action names no command" };
  if (formToken === undefined) return { kind: "action", verb, input: rest };
  if (typeof formToken !== "string") return { kind: "malformed", detail: "formToken: not a string" };
  const values: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(rest)) {
    if (value === undefined || value === null) continue;
    if (typeof value === "string") values[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) values[name] = value as string[];
    else return { kind: "malformed", detail: `${name.slice(0, 40)}: not text` };
  }
  return { kind: "form", verb, token: formToken, values };
}

/** Zod issues as "where: what" without the values, which may be long or personal. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
