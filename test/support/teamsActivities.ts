/**
 * Bot Framework activities as Microsoft Teams sends them (shapes from recorded Teams payloads, ids
 * replaced), for posting at the real /api/messages endpoint.
 */
import { request } from "node:http";
import type { FakeBotConnector } from "./fakeBotConnector.js";

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

/**
 * Activity ids unique across processes, as Teams' are: the app keeps a finished turn's answer a minute by its
 * conversation and activity id, for the same activity sent again (a bench's fixture and its load are two processes).
 */
const idPrefix = `${Date.now()}-${process.pid}-`;
let sequence = 0;
const nextId = () => `${idPrefix}${++sequence}`;

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

/** The Teams client a person uses; mobile clients cannot run Action.Execute (AdaptiveCards #9315). */
export type Client = "Web" | "Windows" | "iOS" | "Android";

export interface ActivityOptions {
  place?: Place;
  user?: TeamsUser;
  locale?: string;
  /** The root message id of a channel thread. */
  threadId?: string;
  client?: Client;
}

const clientInfo = (locale: string, client: Client) => ({ type: "clientInfo", locale, country: "US", platform: client, timezone: "Europe/Berlin" });

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
    entities: [clientInfo(options.locale ?? "en-US", options.client ?? "Web"), ...(mentioned ? [{ type: "mention", text: mention, mentioned: BOT }] : [])],
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

/**
 * A message action run from a message's menu (… → More actions): `composeExtension/fetchTask` with the message
 * in `messagePayload` (learn.microsoft.com/microsoftteams/platform/messaging-extensions/how-to/action-commands).
 */
export function messageActionInvoke(serviceUrl: string, commandId: string, messagePayload: Record<string, unknown>, options: ActivityOptions & { name?: string } = {}) {
  return {
    ...envelope(serviceUrl, options),
    type: "invoke",
    name: options.name ?? "composeExtension/fetchTask",
    value: { commandId, commandContext: "message", context: { theme: "default" }, messagePayload: { id: nextId(), messageType: "message", ...messagePayload } },
  };
}

/**
 * Action.Submit on a card, as every Teams client sends it (mobile included): a message without text whose
 * value holds the button's data and the card's inputs, replying to the message that carries the card.
 */
export function submitAction(serviceUrl: string, data: Record<string, unknown>, options: ActivityOptions & { replyToId?: string } = {}) {
  return {
    ...envelope(serviceUrl, options),
    type: "message",
    replyToId: options.replyToId ?? nextId(),
    value: data,
    entities: [clientInfo(options.locale ?? "en-US", options.client ?? "Web")],
  };
}

/** The person's answer to a file consent card (Allow or Decline): an invoke carrying the card's context back. */
export function fileConsentAnswer(serviceUrl: string, action: "accept" | "decline", context: unknown, uploadInfo?: Record<string, unknown>, options: ActivityOptions = {}) {
  return {
    ...envelope(serviceUrl, options),
    type: "invoke",
    name: "fileConsent/invoke",
    replyToId: nextId(),
    value: { type: "fileUpload", action, context, ...(uploadInfo ? { uploadInfo } : {}) },
  };
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

/** A button on a card: its kind and title, and the data it sends. */
export interface CardButton {
  type: string;
  title: string;
  verb?: string;
  data?: Record<string, unknown>;
}

/** An Adaptive Card as the app sends it, as far as tests read it. */
export type Card = { body?: unknown[]; actions?: CardButton[]; fallbackText?: string };

/** A message as the fake connector recorded it: its id, and the card it carries. */
export type SentMessage = { id?: string; attachments?: Array<{ contentType?: string; content?: unknown }> };

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

/** Every element of a card (body, containers, action sets, the card's own actions) that matches. */
function elements(node: unknown, keep: (o: Record<string, unknown>) => boolean): Array<Record<string, unknown>> {
  if (Array.isArray(node)) return node.flatMap((n) => elements(n, keep));
  if (!node || typeof node !== "object") return [];
  const o = node as Record<string, unknown>;
  const nested = Object.entries(o)
    .filter(([k]) => k !== "data" && k !== "fallback")
    .flatMap(([, v]) => elements(v, keep));
  return [...(keep(o) ? [o] : []), ...nested];
}

/** Every button on a card, wherever it sits: a form's submit in the body, the others at the foot. */
export function buttonsOf(card: Card): CardButton[] {
  return elements(card, (o) => typeof o.type === "string" && o.type.startsWith("Action.")) as unknown as CardButton[];
}

/** What a card's inputs hold, by id, as Teams submits them (a multi-select as "a,b"). */
export function inputsOf(card: Card): Record<string, string> {
  const inputs = elements(card, (o) => typeof o.type === "string" && o.type.startsWith("Input.") && typeof o.id === "string");
  return Object.fromEntries(inputs.map((input) => [input.id as string, input.value === undefined ? "" : String(input.value)]));
}

/**
 * A person pressing the button titled `title` on a message the app sent: an Action.Submit replying to that
 * message, carrying the button's data and every input of the card, `values` typed over what they held.
 */
export function press(serviceUrl: string, sent: SentMessage, title: string, options: ActivityOptions & { values?: Record<string, string> } = {}) {
  const card = cardOf(sent);
  const button = buttonsOf(card).find((b) => b.title === title);
  if (!button) throw new Error(`no button "${title}" on the card: ${buttonsOf(card).map((b) => b.title).join(", ")}`);
  if (button.type !== "Action.Submit") throw new Error(`"${title}" is an ${button.type}, which Teams mobile cannot run`);
  const { values, ...rest } = options;
  return submitAction(serviceUrl, { ...inputsOf(card), ...values, ...button.data }, { ...rest, replyToId: sent.id });
}

/**
 * What a conversation shows now: each message once, in the order first sent, as last updated. The fake
 * connector records a send and each update of it separately.
 */
export function shownNow<T extends { id?: string }>(sent: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const activity of sent) byId.set(activity.id ?? "", activity);
  return [...byId.values()];
}

/** What a Teams message shows after its latest update (however the update addressed its conversation). */
export const updatedCardText = (connector: Pick<FakeBotConnector, "calls">, activityId: string): string =>
  cardText(connector.calls.filter((c) => c.kind === "update" && c.activityId === activityId && c.status < 300).at(-1)?.activity?.attachments?.[0]?.content);

/** A channel thread's conversation id, as Teams addresses replies in it. */
export const thread = (rootId: string) => `${GENERAL.id};messageid=${rootId}`;

/**
 * Sets a community up as a person does in the General channel: types `setup` in a thread, fills in the
 * form the app posts there and presses its submit button. Returns the form message (now a note that it
 * was submitted) and the charter posted in the thread.
 */
export async function setUpInChannel(appUrl: string, connector: Pick<FakeBotConnector, "serviceUrl" | "activitiesTo">, threadId: string, values: Record<string, string> = GOOD_FORM, user: TeamsUser = MEGAN) {
  const where = { place: "channel" as const, threadId, user };
  const asked = await post(appUrl, message(connector.serviceUrl, "setup", where));
  if (asked.status !== 200) throw new Error(`setup answered ${asked.status}`);
  const form = connector.activitiesTo(thread(threadId)).at(-1);
  if (!form) throw new Error("no setup form in the thread");
  const submitted = await post(appUrl, press(connector.serviceUrl, form, "Create community", { ...where, values }));
  if (submitted.status !== 200) throw new Error(`the setup form answered ${submitted.status}`);
  const [formNow, charter] = shownNow(connector.activitiesTo(thread(threadId)));
  return { form: formNow!, charter };
}
