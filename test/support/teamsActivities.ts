/**
 * Bot Framework activities as Microsoft Teams sends them (shapes from recorded Teams payloads, ids
 * replaced), for posting at the real /api/messages endpoint.
 */
import { request } from "node:http";

export const TENANT = "72f988bf-0000-4000-8000-000000000001";
export const BOT = { id: "28:cop-companion-bot", name: "CoP Companion" };
export const TEAM = { id: "19:team-data-stewards@thread.tacv2", name: "Data Stewards" };
export const GENERAL = { id: "19:general-data-stewards@thread.tacv2", name: "General" };

export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
}
export const MEGAN: TeamsUser = { id: "29:1megan-bowen", name: "Megan Bowen", aadObjectId: "aad-0001-megan" };
export const ADELE: TeamsUser = { id: "29:1adele-vance", name: "Adele Vance", aadObjectId: "aad-0002-adele" };

export type Place = "personal" | "channel" | "groupChat";

let sequence = 1_700_000_000_000;
const nextId = () => String(++sequence);

function conversation(place: Place, user: TeamsUser, threadId?: string) {
  switch (place) {
    case "personal":
      return { conversationType: "personal", tenantId: TENANT, id: `a:1personal-${user.aadObjectId}` };
    case "groupChat":
      return { isGroup: true, conversationType: "groupChat", tenantId: TENANT, id: "19:group-chat-cop@thread.v2" };
    case "channel":
      return { isGroup: true, conversationType: "channel", tenantId: TENANT, id: threadId ? `${GENERAL.id};messageid=${threadId}` : GENERAL.id };
  }
}

function channelData(place: Place) {
  return place === "channel"
    ? { teamsChannelId: GENERAL.id, teamsTeamId: TEAM.id, channel: GENERAL, team: TEAM, tenant: { id: TENANT } }
    : { tenant: { id: TENANT } };
}

export interface ActivityOptions {
  place?: Place;
  user?: TeamsUser;
  locale?: string;
  /** The root message id of a channel thread. */
  threadId?: string;
}

function envelope(serviceUrl: string, { place = "personal", user = MEGAN, locale = "en-US", threadId }: ActivityOptions) {
  return {
    id: nextId(),
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    localTimezone: "Europe/Berlin",
    serviceUrl,
    channelId: "msteams",
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: conversation(place, user, threadId),
    recipient: BOT,
    locale,
    channelData: channelData(place),
  };
}

/** A typed message; in channels and group chats Teams only delivers it with the bot @mentioned. */
export function message(serviceUrl: string, text: string, options: ActivityOptions = {}) {
  const place = options.place ?? "personal";
  const mention = `<at>${BOT.name}</at>`;
  const mentioned = place !== "personal";
  return {
    ...envelope(serviceUrl, options),
    type: "message",
    textFormat: "plain",
    text: mentioned ? `${mention} ${text}` : text,
    entities: [
      { type: "clientInfo", locale: options.locale ?? "en-US", country: "US", platform: "Web", timezone: "Europe/Berlin" },
      ...(mentioned ? [{ type: "mention", text: mention, mentioned: BOT }] : []),
    ],
  };
}

/** Action.Execute on a card (Universal Actions): an invoke whose response replaces the card. */
export function executeAction(serviceUrl: string, verb: string, data: Record<string, unknown>, options: ActivityOptions = {}) {
  return {
    ...envelope(serviceUrl, options),
    type: "invoke",
    name: "adaptiveCard/action",
    replyToId: nextId(),
    value: { action: { type: "Action.Execute", verb, data: { ...data, verb } }, trigger: "manual" },
  };
}

/** Action.Submit on a card: a message without text whose value holds the inputs and the verb. */
export function submitAction(serviceUrl: string, data: Record<string, unknown>, options: ActivityOptions = {}) {
  return { ...envelope(serviceUrl, options), type: "message", replyToId: nextId(), value: data };
}

export function membersAdded(serviceUrl: string, members: Array<{ id: string; aadObjectId?: string }>, options: ActivityOptions = {}) {
  const base = envelope(serviceUrl, { place: "channel", ...options });
  return {
    ...base,
    type: "conversationUpdate",
    membersAdded: members,
    channelData: { ...base.channelData, eventType: "teamMemberAdded" },
  };
}

export function installationUpdate(serviceUrl: string, action: "add" | "remove", options: ActivityOptions = {}) {
  return { ...envelope(serviceUrl, options), type: "installationUpdate", action };
}

/** Posts an activity at the app as the Bot Connector would. */
export async function post(appUrl: string, activity: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${appUrl}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // plain-text error bodies stay text
  }
  return { status: response.status, body };
}

/**
 * Posts an activity with a Host header of our choosing (fetch always sends the URL's own), as a web page
 * whose name was rebound to 127.0.0.1 would: the browser sends the page's name, not loopback's.
 */
export function postWithHost(appUrl: string, activity: unknown, host: string): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify(activity);
  return new Promise((resolve, reject) => {
    const req = request(`${appUrl}/api/messages`, { method: "POST", headers: { host, "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The completed charter form as the card submits it (multi-select purposes as "a,b"). */
export const GOOD_FORM = {
  name: "Data Stewards CoP",
  domain: "Research data management",
  audience: "Data stewards in partner universities",
  purposes: "learning,knowledge",
  goals: "Share practice\nWrite a common checklist",
  outcomes: "A checklist adopted by three partners",
  participation: "Join one webinar a month",
  contribution: "",
  conflictResolution: "",
};

/** An Adaptive Card as the app sends it, as far as tests read it. */
export type Card = { body?: unknown[]; actions?: Array<{ title?: string; verb?: string; type?: string }>; fallbackText?: string };

/** Everything a person reads on a card: headings, text, labels, facts, input values, button titles. */
export function cardText(node: unknown): string {
  if (Array.isArray(node)) return node.map(cardText).filter(Boolean).join("\n");
  if (!node || typeof node !== "object") return "";
  const o = node as Record<string, unknown>;
  const own = ["text", "title", "label", "value"].map((k) => (typeof o[k] === "string" ? (o[k] as string) : "")).filter(Boolean);
  const nested = Object.entries(o)
    .filter(([k]) => !["fallback", "data", "fallbackText"].includes(k))
    .map(([, v]) => (typeof v === "object" ? cardText(v) : ""));
  return [...own, ...nested].filter(Boolean).join("\n");
}

/** The Adaptive Card an activity carries; throws when it carries none. */
export function cardOf(activity: { attachments?: Array<{ contentType?: string; content?: unknown }> } | undefined): Card {
  const attachment = activity?.attachments?.[0];
  if (attachment?.contentType !== "application/vnd.microsoft.card.adaptive") throw new Error(`not an Adaptive Card: ${JSON.stringify(activity)?.slice(0, 300)}`);
  return attachment.content as Card;
}
