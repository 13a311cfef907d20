/**
 * A local fake of the Bot Framework Connector REST API as Teams runs it (the service an activity's
 * `serviceUrl` points at). It records every call and answers as Teams does, limits included.
 *
 * Sources (Microsoft Teams platform docs):
 * - "Optimize your bot with rate limiting in Teams" (bots/how-to/rate-limit): per bot per thread,
 *   send to conversation and create conversation: 7 per 1 s, 8 per 2 s, 60 per 30 s, 1800 per 3600 s;
 *   over it: HTTP 429; 412, 502 and 504 are transient too.
 * - "Messages in bot conversations" (status code responses): 403 ConversationBlockedByUser /
 *   BotNotInConversationRoster / BotDisabledByAdmin, 404 ConversationNotFound, 412 PreconditionFailed,
 *   413 MessageSizeTooBig, 429 Throttled; error bodies are `{ error: { code, message } }`.
 * - "Format your bot messages": the size limit is ~100 KB of the message encoded as UTF-16, base64
 *   images excluded (older pages said 28 KB, then 40 KB); over it: 413 RequestEntityTooLarge with code
 *   MessageSizeTooBig. Pass `maxMessageBytes: 28 * 1024` to hold renderers to the old, stricter figure.
 * Sends, replies, updates and deletes to one conversation share one budget; creating a conversation
 * is budgeted per member. Injected faults apply to those operations only, in the order given, and to
 * member lookups (`GET /v3/conversations/{id}/members/{userId}`, TeamsInfo.getMember) when a fault names
 * `getMember` in `kinds`. A lookup answers the person from `members` (with their AAD object id), else 404
 * MemberNotFoundInConversation, as Teams does for someone who is not in the team or chat. Rosters
 * (`pagedmembers`) and team lookups (`/v3/teams/{id}`, `/v3/teams/{id}/conversations`) are answered by
 * fakeTeamsRoster.ts; faults reach them when a fault names their kind.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";
import { newUploadSession, serveUploadPut, type UploadSession } from "./fakeOneDriveUpload.js";
import { pagedMembers, teamChannels, teamDetails, type ConnectorRosterMember, type ConnectorTeam } from "./fakeTeamsRoster.js";

export type { ConnectorRosterMember, ConnectorTeam } from "./fakeTeamsRoster.js";
export type { UploadSession } from "./fakeOneDriveUpload.js";

export const TEAMS_CONNECTOR_LIMITS = {
  /** Message size as Teams counts it: the JSON as UTF-16 (2 bytes a code unit), base64 images excluded. */
  maxMessageBytes: 100 * 1024,
  /** Per bot per conversation ("thread"); the same windows apply to creating conversations. */
  rateWindows: [
    { seconds: 1, max: 7 },
    { seconds: 2, max: 8 },
    { seconds: 30, max: 60 },
    { seconds: 3600, max: 1800 },
  ],
} as const;

export interface RateWindow {
  seconds: number;
  max: number;
}

export type ConnectorCallKind =
  | "send"
  | "reply"
  | "update"
  | "delete"
  | "createConversation"
  | "getMember"
  | "getPagedMembers"
  | "getTeam"
  | "getTeamChannels"
  | "token"
  | "other";

export interface ConnectorActivity {
  type?: string;
  id?: string;
  text?: string;
  replyToId?: string;
  conversation?: { id?: string };
  attachments?: Array<{ contentType?: string; content?: unknown }>;
  [key: string]: unknown;
}

export interface ConnectorCall {
  method: string;
  path: string;
  kind: ConnectorCallKind;
  /** The conversation addressed; for getTeam and getTeamChannels, the team id. */
  conversationId?: string;
  /** The id answered (send/reply/create) or addressed (update/delete/reply target is `replyToId`). */
  activityId?: string;
  replyToId?: string;
  /** The parsed activity for send/reply/update; for createConversation, the parameters' `activity`. */
  activity?: ConnectorActivity;
  body: unknown;
  status: number;
  /** Milliseconds since the epoch, from the fake's clock. */
  at: number;
}

export interface ConnectorFault {
  status: number;
  retryAfterSeconds?: number;
  /** How many of the next message operations get this answer. */
  times: number;
  /** Error code in the body; a default per status follows the Teams docs (403: ConversationBlockedByUser). */
  code?: string;
  /** Only these operations get the fault (e.g. `["send"]` to let a createConversation through first); default all message operations. */
  kinds?: ConnectorCallKind[];
  /** Only operations on this conversation get the fault (e.g. one person who blocked the bot); default all. */
  conversationId?: string;
}

/** A person as Teams answers a member lookup (a TeamsChannelAccount). */
export interface ConnectorMember {
  id: string;
  name: string;
  aadObjectId: string;
}

export interface FakeBotConnectorOptions {
  /** The people member lookups find, in any team or chat. */
  members?: readonly ConnectorMember[];
  /** Who `pagedmembers` lists, in any team or chat (default: `members`). */
  roster?: readonly ConnectorRosterMember[];
  /** The teams `/v3/teams/{id}` and its channel list know. */
  teams?: readonly ConnectorTeam[];
  /** The tenant id on listed members. */
  tenantId?: string;
  maxMessageBytes?: number;
  /** Rate windows per conversation; `false` turns rate limiting off. */
  rateWindows?: readonly RateWindow[] | false;
  /** Injectable clock (ms since the epoch) so window tests need not sleep. */
  now?: () => number;
}

export interface FakeBotConnector {
  /** Base URL with a trailing slash, like Teams' `https://smba.trafficmanager.net/amer/`. */
  serviceUrl: string;
  calls: ConnectorCall[];
  /** Accepted activities (sent, replied, updated) to a conversation, in order, each with its `id`. */
  activitiesTo(conversationId: string): ConnectorActivity[];
  /** A OneDrive upload session for a file the person allowed (its fields are a fileConsent invoke's `uploadInfo`). */
  uploadSession(name: string): UploadSession;
  /** Answer the next `times` message operations with this status instead of handling them. */
  fail(next: ConnectorFault): void;
  stop(): Promise<void>;
}

const DEFAULT_ERRORS: Record<number, { code: string; message: string }> = {
  401: { code: "BotNotRegistered", message: "No registration found for this bot." },
  403: { code: "ConversationBlockedByUser", message: "User blocked the conversation with the bot." },
  404: { code: "ConversationNotFound", message: "Conversation not found." },
  412: { code: "PreconditionFailed", message: "Precondition failed, please try again." },
  413: { code: "MessageSizeTooBig", message: "Message size too large." },
  429: { code: "Throttled", message: "Too many requests." },
  502: { code: "ServiceError", message: "Bad gateway." },
  504: { code: "ServiceError", message: "Gateway timeout." },
};

const MESSAGE_OPERATIONS: ReadonlySet<ConnectorCallKind> = new Set(["send", "reply", "update", "delete", "createConversation"]);
const DATA_URI = /data:[^"\\]*;base64,[A-Za-z0-9+/=]+/g;

/** Teams counts the message as UTF-16 and leaves base64 images out. */
export function teamsMessageBytes(body: unknown): number {
  return JSON.stringify(body).replace(DATA_URI, "").length * 2;
}

interface Route {
  kind: ConnectorCallKind;
  conversationId?: string;
  activityId?: string;
}

function route(method: string, path: string): Route {
  const parts = path.split("/").filter(Boolean).map((p) => decodeURIComponent(p));
  if (method === "POST" && /\/oauth2\/(v2\.0\/)?token$/.test(path)) return { kind: "token" };
  if (parts[0] === "v3" && parts[1] === "teams" && parts[2] !== undefined && method === "GET") {
    if (parts.length === 3) return { kind: "getTeam", conversationId: parts[2] };
    if (parts.length === 4 && parts[3] === "conversations") return { kind: "getTeamChannels", conversationId: parts[2] };
  }
  if (parts[0] !== "v3" || parts[1] !== "conversations") return { kind: "other" };
  const [, , conversationId, collection, activityId] = parts;
  if (parts.length === 2 && method === "POST") return { kind: "createConversation" };
  if (collection === "members" && parts.length === 5 && method === "GET") return { kind: "getMember", conversationId, activityId };
  if (collection === "pagedmembers" && parts.length === 4 && method === "GET") return { kind: "getPagedMembers", conversationId };
  if (collection !== "activities" || conversationId === undefined) return { kind: "other", conversationId };
  if (parts.length === 4 && method === "POST") return { kind: "send", conversationId };
  if (parts.length === 5 && method === "POST") return { kind: "reply", conversationId, activityId };
  if (parts.length === 5 && method === "PUT") return { kind: "update", conversationId, activityId };
  if (parts.length === 5 && method === "DELETE") return { kind: "delete", conversationId, activityId };
  return { kind: "other", conversationId };
}


function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

function errorBody(status: number, code?: string): { error: { code: string; message: string } } {
  const known = DEFAULT_ERRORS[status] ?? { code: "ServiceError", message: `HTTP ${status}` };
  return { error: { code: code ?? known.code, message: known.message } };
}

/** Sliding windows per key; only accepted operations count, so a client that backs off gets through. */
class RateLimiter {
  private readonly history = new Map<string, number[]>();
  constructor(private readonly windows: readonly RateWindow[]) {}

  /** Seconds to wait when the key is over a window, else undefined (and the operation is counted). */
  take(key: string, now: number): number | undefined {
    const longest = Math.max(0, ...this.windows.map((w) => w.seconds)) * 1000;
    const times = (this.history.get(key) ?? []).filter((t) => t > now - longest);
    let waitMs = 0;
    for (const w of this.windows) {
      const inWindow = times.filter((t) => t > now - w.seconds * 1000);
      if (inWindow.length >= w.max) {
        const oldest = inWindow[inWindow.length - w.max]!;
        waitMs = Math.max(waitMs, oldest + w.seconds * 1000 - now);
      }
    }
    if (waitMs > 0) {
      this.history.set(key, times);
      return Math.max(1, Math.ceil(waitMs / 1000));
    }
    times.push(now);
    this.history.set(key, times);
    return undefined;
  }
}

export async function startFakeBotConnector(options: FakeBotConnectorOptions = {}): Promise<FakeBotConnector> {
  const now = options.now ?? Date.now;
  const maxBytes = options.maxMessageBytes ?? TEAMS_CONNECTOR_LIMITS.maxMessageBytes;
  const windows = options.rateWindows === false ? [] : (options.rateWindows ?? TEAMS_CONNECTOR_LIMITS.rateWindows);
  const limiter = new RateLimiter(windows);
  const calls: ConnectorCall[] = [];
  const faults: ConnectorFault[] = [];
  let lastMessageId = 0;
  const uploads: UploadSession[] = [];
  let serviceUrl = "";

  // Teams message ids are epoch-millisecond strings; keep them unique and increasing.
  const nextMessageId = (): string => {
    lastMessageId = Math.max(lastMessageId + 1, now());
    return String(lastMessageId);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname;
    const bytes = await buffer(req);
    if (path.startsWith("/upload/")) return serveUploadPut(req, res, bytes, uploads);
    const raw = bytes.toString("utf8");
    const r = route(method, path);
    let body: unknown = raw;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      // token requests are form-encoded; keep the raw text
    }
    const call: ConnectorCall = { method, path, kind: r.kind, body, status: 0, at: now() };
    if (r.conversationId !== undefined) call.conversationId = r.conversationId;
    if (r.kind === "reply") call.replyToId = r.activityId;
    if (r.kind === "update" || r.kind === "delete") call.activityId = r.activityId;
    if (r.kind === "send" || r.kind === "reply" || r.kind === "update") call.activity = body as ConnectorActivity;
    if (r.kind === "createConversation") {
      const activity = (body as { activity?: ConnectorActivity } | undefined)?.activity;
      if (activity !== undefined) call.activity = activity;
    }
    calls.push(call);

    const answer = (status: number, payload: unknown, headers?: Record<string, string>): void => {
      call.status = status;
      send(res, status, payload, headers);
    };

    if (r.kind === "token") {
      answer(200, {
        token_type: "Bearer",
        expires_in: 3600,
        ext_expires_in: 3600,
        access_token: `fake-token-${randomBytes(8).toString("hex")}`,
      });
      return;
    }
    if (r.kind === "other") {
      answer(404, { error: { code: "NotFound", message: `The fake connector does not serve ${method} ${path}.` } });
      return;
    }

    const applies = (f: ConnectorFault) =>
      (f.kinds ? f.kinds.includes(r.kind) : MESSAGE_OPERATIONS.has(r.kind)) && (f.conversationId === undefined || f.conversationId === r.conversationId);
    const index = faults.findIndex(applies);
    const fault = faults[index];
    if (fault !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) faults.splice(index, 1);
      const headers = fault.retryAfterSeconds === undefined ? undefined : { "retry-after": String(fault.retryAfterSeconds) };
      answer(fault.status, errorBody(fault.status, fault.code), headers);
      return;
    }

    if (r.kind === "getMember") {
      const member = options.members?.find((m) => m.id === r.activityId);
      if (member) answer(200, { ...member, objectId: member.aadObjectId, userPrincipalName: `${member.aadObjectId}@example.org` });
      else answer(404, { error: { code: "MemberNotFoundInConversation", message: "The member is not in this conversation." } });
      return;
    }

    const lookup =
      r.kind === "getPagedMembers" ? pagedMembers(r.conversationId!, options.roster ?? options.members ?? [], url.searchParams, options.tenantId ?? "")
      : r.kind === "getTeam" ? teamDetails(options.teams ?? [], r.conversationId!)
      : r.kind === "getTeamChannels" ? teamChannels(options.teams ?? [], r.conversationId!)
      : undefined;
    if (lookup) {
      answer(lookup.status, lookup.body);
      return;
    }

    if (r.kind !== "delete" && teamsMessageBytes(body) > maxBytes) {
      answer(413, errorBody(413));
      return;
    }

    const members = (body as { members?: Array<{ id?: string }> } | undefined)?.members;
    const rateKey = r.kind === "createConversation" ? `create:${members?.[0]?.id ?? "?"}` : `conv:${r.conversationId}`;
    const retryAfter = limiter.take(rateKey, now());
    if (retryAfter !== undefined) {
      answer(429, errorBody(429), { "retry-after": String(retryAfter) });
      return;
    }

    switch (r.kind) {
      case "send":
      case "reply": {
        call.activityId = nextMessageId();
        answer(201, { id: call.activityId });
        return;
      }
      case "update":
        answer(200, { id: r.activityId });
        return;
      case "delete":
        answer(200, undefined);
        return;
      case "createConversation": {
        call.conversationId = `a:1${randomBytes(24).toString("base64url")}`;
        const result: { id: string; activityId?: string } = { id: call.conversationId };
        if (call.activity !== undefined) result.activityId = call.activityId = nextMessageId();
        answer(201, result);
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { code: "FakeConnectorError", message: String(error) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  serviceUrl = `http://127.0.0.1:${port}/`;

  return {
    serviceUrl,
    calls,
    uploadSession: (name) => {
      const session = newUploadSession(serviceUrl, name);
      uploads.push(session);
      return session;
    },
    activitiesTo: (conversationId) =>
      calls
        .filter((c) => c.conversationId === conversationId && c.status < 300 && c.activity !== undefined)
        .filter((c) => c.kind === "send" || c.kind === "reply" || c.kind === "update")
        .map((c) => ({ ...c.activity, id: c.activityId })),
    fail: (next) => {
      if (next.times > 0) faults.push({ ...next });
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
