/**
 * A fake Slack Web API on 127.0.0.1 for tests: point Bolt or a WebClient at it with
 * `slackApiUrl: fake.apiUrl`. It authenticates tokens, records every call, validates Block Kit against
 * SLACK_LIMITS, enforces the documented rate limits with 429 + Retry-After, and injects faults on demand.
 * It also answers the response_urls of the requests test/support/slackRequests.ts builds while it runs
 * (recorded as method "response_url"; see fakeSlackResponseUrls.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SLACK_METHOD_RATE_LIMITS, type SlackMethodRateLimit } from "../../src/slack/limits.js";
import { METHODS, missingScope, oauthV2Access, type Args, type Body, type MethodContext } from "./fakeSlackMethods.js";
import { FILE_METHODS, serveUpload, type FakeFile } from "./fakeSlackFiles.js";
import { FakeResponseUrls, isEphemeralPost } from "./fakeSlackResponseUrls.js";
import { answerResponseUrlsAt } from "./slackRequests.js";
import { FAKE_IDS, FakeSlackState, type FakeChannel, type FakeSlackSeed, type FakeUser, type TokenGrant } from "./fakeSlackState.js";
import { text } from "node:stream/consumers";

export type { FakeFile } from "./fakeSlackFiles.js";
export { FAKE_IDS, type FakeChannel, type FakeUser, type TokenGrant } from "./fakeSlackState.js";

export interface FakeSlackCall {
  method: string;
  token: string | undefined;
  args: Args;
  at: number;
  status: number;
  ok: boolean;
  error: string | undefined;
  response: Body;
}

export interface FaultSpec {
  /** A Slack error code answered as HTTP 200 `{ok:false, error}`; "ratelimited" alone means a 429. */
  error?: string;
  /** An HTTP status instead (429, 500, 503...). */
  status?: number;
  /** Retry-After for a 429; default 1. */
  retryAfterSeconds?: number;
  /** How many calls fail; default 1, Infinity for all. */
  times?: number;
  /** Only calls whose args match fail (e.g. one channel). */
  when?: (args: Args) => boolean;
}

export interface RateLimitOptions {
  /** Requests per minute per workspace, overriding the documented tier for a method. */
  perMinute?: Partial<Record<string, number>>;
  /** chat.postMessage into one channel; Slack documents 1 per second "with short bursts". */
  postMessagePerChannel?: { perSecond: number; burst: number };
  /** A fixed Retry-After (seconds) instead of the time until the next slot frees up. */
  retryAfterSeconds?: number;
}

export interface FakeSlackOptions extends FakeSlackSeed {
  /** false turns rate limiting off; the default enforces SLACK_METHOD_RATE_LIMITS. */
  rateLimits?: false | RateLimitOptions;
  /** Clock for rate limits and message timestamps. */
  now?: () => number;
}

export interface HeldCalls {
  arrived: Promise<void>;
  release(): void;
}

export interface FakeSlack {
  /** Base URL with trailing slash, for `slackApiUrl`. */
  apiUrl: string;
  /** Where the response_urls it answers start (for `answerResponseUrlsAt` in another process). */
  hooksUrl: string;
  botToken: string;
  state: FakeSlackState;
  calls: FakeSlackCall[];
  callsTo(method: string): FakeSlackCall[];
  /**
   * Every message shown to one person only, however it was sent: chat.postEphemeral, or a post at a request's
   * response_url (its `args` say `channel` and `user` as chat.postEphemeral's do), in the order they came;
   * refused ones too, as `callsTo` has them (`ok` says which).
   */
  ephemerals(): FakeSlackCall[];
  /** Files by id: what files.getUploadURLExternal handed out, the bytes each upload URL got, and where each was shared. */
  files: Map<string, FakeFile>;
  fail(method: string, spec: FaultSpec): void;
  /** Answers the next `times` calls of a method normally, but only after `ms` (a slow Slack). */
  slow(method: string, ms: number, times?: number): void;
  /**
   * Holds every call of a method unanswered until `release()` (a call still on the wire): a test can
   * then act while it is in flight. `arrived` resolves once the first held call has come in.
   */
  hold(method: string): HeldCalls;
  setUser(user: Partial<FakeUser> & { id: string }): FakeUser;
  setChannel(channel: Partial<FakeChannel> & { id: string }): FakeChannel;
  /** Registers another bot token, e.g. a second workspace; returns its grant for tweaking scopes. */
  addToken(token: string, opts?: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): TokenGrant;
  /** A one-time OAuth code that oauth.v2.access exchanges for a team (or org-wide, with enterprise) install. */
  grantOAuthCode(opts?: { enterprise?: boolean; userId?: string; teamId?: string }): string;
  /** Forgets recorded calls, pending faults and rate-limit state. */
  reset(): void;
  stop(): Promise<void>;
}

// Minute-tier methods allow their per-minute count as an initial burst, then refill evenly.
class Bucket {
  private tokens: number;
  constructor(private readonly capacity: number, private readonly perMs: number, private last: number) {
    this.tokens = capacity;
  }
  /** 0 when a request may pass, otherwise the milliseconds until one may. */
  take(now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.perMs);
  }
}

const JSON_FIELDS = new Set(["blocks", "attachments", "view", "metadata"]);

function parseArgs(raw: string, contentType: string, query: URLSearchParams): Args {
  const args: Args = Object.fromEntries(query);
  if (contentType.includes("application/json") && raw !== "") Object.assign(args, JSON.parse(raw) as Args);
  else for (const [key, value] of new URLSearchParams(raw)) args[key] = value;
  // Form bodies carry blocks and views as JSON strings, as WebClient sends them; some JSON callers do too.
  for (const key of JSON_FIELDS) {
    const value = args[key];
    if (typeof value === "string" && /^\s*[[{]/.test(value)) args[key] = JSON.parse(value);
  }
  return args;
}


function credentials(req: IncomingMessage, args: Args): { token?: string; basic?: { user: string; password: string } } {
  const header = req.headers.authorization ?? "";
  if (header.startsWith("Bearer ")) return { token: header.slice(7).trim() };
  if (header.startsWith("Basic ")) {
    const [user = "", password = ""] = Buffer.from(header.slice(6), "base64").toString("utf8").split(":");
    return { basic: { user, password }, token: typeof args.token === "string" ? args.token : undefined };
  }
  return { token: typeof args.token === "string" && args.token !== "" ? args.token : undefined };
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const now = opts.now ?? Date.now;
  const state = new FakeSlackState(opts);
  const botToken = opts.botToken ?? "xoxb-fake-bot-token";
  const calls: FakeSlackCall[] = [];
  const faults = new Map<string, FaultSpec[]>();
  const delays = new Map<string, { ms: number; times: number }>();
  const holds = new Map<string, { arrive: () => void; released: Promise<void>; release: () => void }>();
  const buckets = new Map<string, Bucket>();
  const limits = opts.rateLimits === false ? undefined : (opts.rateLimits ?? {});
  const files = new Map<string, FakeFile>();
  const responseUrls = new FakeResponseUrls();
  let base = "";

  /** Milliseconds to wait when this call is over its method's (or channel's) allowance, else 0. */
  function rateLimitWait(method: string, grant: TokenGrant, args: Args): number {
    if (!limits) return 0;
    const t = now();
    if (method === "chat.postMessage") {
      const { perSecond, burst } = limits.postMessagePerChannel ?? { perSecond: 1, burst: 3 };
      const key = `${method}:${grant.teamId}:${String(args.channel ?? "")}`;
      const bucket = buckets.get(key) ?? new Bucket(burst, perSecond / 1000, t);
      buckets.set(key, bucket);
      return bucket.take(t);
    }
    const documented = (SLACK_METHOD_RATE_LIMITS as Record<string, SlackMethodRateLimit>)[method];
    const perMinute = limits.perMinute?.[method] ?? documented?.perMinute;
    if (perMinute === undefined) return 0;
    const key = `${method}:${grant.teamId}`;
    const bucket = buckets.get(key) ?? new Bucket(perMinute, perMinute / 60_000, t);
    buckets.set(key, bucket);
    return bucket.take(t);
  }

  function takeFault(method: string, args: Args): FaultSpec | undefined {
    const list = faults.get(method) ?? [];
    const index = list.findIndex((f) => !f.when || f.when(args));
    if (index < 0) return undefined;
    const fault = list[index]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) list.splice(index, 1);
    return fault;
  }

  function dispatch(method: string, args: Args, auth: ReturnType<typeof credentials>): { status: number; body: Body; retryAfter?: number; grant?: TokenGrant } {
    const fault = takeFault(method, args);
    if (fault) {
      const status = fault.status ?? (fault.error === "ratelimited" ? 429 : 200);
      if (status === 429) return { status, body: { ok: false, error: "ratelimited" }, retryAfter: fault.retryAfterSeconds ?? 1 };
      return { status, body: { ok: false, error: fault.error ?? "fatal_error" } };
    }
    if (method === "oauth.v2.access") return { status: 200, body: oauthV2Access({ state, args, nowMs: now(), basicAuth: auth.basic }) };
    const fileMethod = FILE_METHODS[method];
    const handler = fileMethod ? (ctx: MethodContext) => fileMethod({ ...ctx, files, uploadBase: base }) : METHODS[method];
    if (!handler) return { status: 200, body: { ok: false, error: "unknown_method", req_method: method } };
    // Web API errors: not_authed "No authentication token provided", invalid_auth for an unknown one
    if (!auth.token) return { status: 200, body: { ok: false, error: "not_authed" } };
    const grant = state.tokens.get(auth.token);
    if (!grant) return { status: 200, body: { ok: false, error: "invalid_auth" } };
    if (grant.revoked) return { status: 200, body: { ok: false, error: "token_revoked" }, grant };
    const waitMs = rateLimitWait(method, grant, args);
    if (waitMs > 0) {
      const retryAfter = limits?.retryAfterSeconds ?? Math.max(1, Math.ceil(waitMs / 1000));
      return { status: 429, body: { ok: false, error: "ratelimited" }, retryAfter, grant };
    }
    const scopeProblem = missingScope(method, grant, args, state);
    if (scopeProblem) return { status: 200, body: scopeProblem, grant };
    return { status: 200, body: handler({ state, grant, args, nowMs: now(), basicAuth: auth.basic }), grant };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.startsWith("/upload/")) {
      await serveUpload(req, res, files, base);
      calls.push({ method: "upload", token: undefined, args: { url: `${base}${url.pathname.slice(1)}` }, at: now(), status: res.statusCode, ok: res.statusCode === 200, error: undefined, response: {} });
      return;
    }
    if (url.pathname.startsWith("/hooks/")) return answerResponseUrl(req, res, url.pathname);
    const method = url.pathname.replace(/^\/api\//, "");
    let args: Args;
    try {
      args = parseArgs(await text(req), String(req.headers["content-type"] ?? ""), url.searchParams);
    } catch {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ ok: false, error: "invalid_json" }));
      return;
    }
    const auth = credentials(req, args);
    await slowedOrHeld(method);
    const { status, body, retryAfter, grant } = dispatch(method, args, auth);
    const recorded = { ...args };
    delete recorded.token;
    delete recorded.client_secret;
    calls.push({ method, token: auth.token, args: recorded, at: now(), status, ok: body.ok === true, error: typeof body.error === "string" ? body.error : undefined, response: body });
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
    if (grant) headers["x-oauth-scopes"] = grant.scopes.join(",");
    res.writeHead(status, headers);
    res.end(status >= 500 ? `upstream error ${status}` : JSON.stringify(body));
  }

  /** Waits as `slow` and `hold` asked for this method's calls. */
  async function slowedOrHeld(method: string): Promise<void> {
    const delay = delays.get(method);
    if (delay && delay.times-- > 0) await new Promise((resolve) => setTimeout(resolve, delay.ms));
    const held = holds.get(method);
    if (held) {
      held.arrive();
      await held.released;
    }
  }

  /** A post at a response_url: faults, delays and holds as for a method named "response_url". */
  async function answerResponseUrl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = "response_url";
    const raw = await text(req);
    await slowedOrHeld(method);
    const fault = takeFault(method, {});
    const answered = responseUrls.answer(path, raw, now());
    const status = fault ? (fault.status ?? 404) : answered.status;
    const body = fault ? { ok: false, error: fault.error ?? "expired_url" } : answered.body;
    calls.push({ method, token: undefined, args: answered.args, at: now(), status, ok: body.ok === true, error: typeof body.error === "string" ? body.error : undefined, response: body });
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}/`;
  const restoreResponseUrls = answerResponseUrlsAt(`${base}hooks/`);

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    hooksUrl: `${base}hooks/`,
    botToken,
    state,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    ephemerals: () => calls.filter((c) => c.method === "chat.postEphemeral" || (c.method === "response_url" && isEphemeralPost(c.args))),
    files,
    fail(method, spec) {
      faults.set(method, [...(faults.get(method) ?? []), { ...spec }]);
    },
    slow(method, ms, times = 1) {
      delays.set(method, { ms, times });
    },
    hold(method) {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const entry = {
        arrive,
        released,
        release: () => {
          if (holds.get(method) === entry) holds.delete(method);
          release();
        },
      };
      holds.set(method, entry);
      return { arrived, release: entry.release };
    },
    setUser: (user) => state.setUser(user),
    setChannel: (channel) => state.setChannel(channel),
    addToken: (token, o = {}) => state.addToken(token, o.teamId ?? state.teamId, o.enterpriseId ?? state.enterpriseId, o.isEnterpriseInstall ?? false),
    grantOAuthCode(o = {}) {
      const code = `${Math.floor(now() / 1000)}.${state.newId("").slice(1).toLowerCase()}`;
      state.oauthCodes.set(code, { enterprise: o.enterprise ?? false, userId: o.userId ?? FAKE_IDS.facilitator, teamId: o.teamId });
      return code;
    },
    reset() {
      calls.length = 0;
      faults.clear();
      delays.clear();
      buckets.clear();
      responseUrls.reset();
      for (const held of [...holds.values()]) held.release();
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        restoreResponseUrls();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
