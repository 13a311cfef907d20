import type { Activity, ChannelAccount } from "botbuilder";
import { CharterForm, Command, type CharterField } from "../core/commands.js";
import { LIMITS, personKey, spaceKey, type Actor, type PersonKey, type SpaceRef } from "../core/domain.js";
import { parseTextCommand, type Mention } from "../core/textCommands.js";

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
    timezone: activity.localTimezone || undefined,
  };
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
    .map((e) => ({ id: e.mentioned!.id!, name: e.mentioned!.name ?? "", aadObjectId: e.mentioned!.aadObjectId }));
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

/** A typed message as a command; `mentions` are the people named in it, already resolved to keys. */
export function commandFromText(activity: Inbound, mentions: Mention[]): Command {
  return parseTextCommand(messageText(activity).slice(0, 4000), mentions);
}

const FORM_VERBS: ReadonlySet<string> = new Set(["community.setup", "community.charter.update"]);
const FORM_FIELDS = Object.keys(CharterForm.shape) as CharterField[];

/**
 * Card data (Action.Execute `action.data` or Action.Submit `value`: the card's inputs plus `verb`) as a
 * command; `undefined` when it is not one we know or its fields have the wrong shape.
 */
export function commandFromCardData(verb: unknown, data: Record<string, unknown>): Command | undefined {
  if (typeof verb !== "string") return undefined;
  const { verb: _verb, ...rest } = data;
  let candidate: Record<string, unknown> = { ...rest, type: verb };
  if (FORM_VERBS.has(verb)) {
    const form: Record<string, unknown> = {};
    for (const field of FORM_FIELDS) {
      const value = data[field];
      // A multi-select Input.ChoiceSet submits "a,b"; an absent or unchecked input submits nothing.
      if (field === "purposes") form.purposes = typeof value === "string" ? value.split(",").filter(Boolean) : (value ?? []);
      else form[field] = value ?? "";
    }
    candidate = { type: verb, form };
  }
  const parsed = Command.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}
