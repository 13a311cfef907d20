import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import { Writable } from "node:stream";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Kernel } from "../../src/core/kernel/kernel.js";
import { createRegistry } from "../../src/core/workflows/index.js";
import { createLogger } from "../../src/log.js";
import { jsonBody } from "../../src/server.js";
import { createTeamsBot } from "../../src/teams/bot.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { TENANT, installationUpdate, message, post } from "../support/teamsActivities.js";
import { testConnectionString } from "../support/storage.js";

const APP_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const ISSUER = "https://api.botframework.com";

describe("Teams endpoint with MICROSOFT_APP_ID set (the real server)", () => {
  let app: TestApp;
  let connector: FakeBotConnector;
  beforeAll(async () => {
    connector = await startFakeBotConnector();
    app = await startTestApp({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_TENANT_ID: TENANT, MICROSOFT_APP_PASSWORD: "not-a-real-secret" });
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
  });

  it("refuses a request without a token or with a malformed one with 401, storing and sending nothing", async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: "Bearer not-a-jwt" }, { authorization: "Basic dXNlcjpwYXNz" }];
    for (const headers of attempts) {
      const { status, body } = await post(app.url, message(connector.serviceUrl, "help"), headers);
      expect(status, JSON.stringify(headers)).toBe(401);
      expect(JSON.stringify(body)).not.toContain("not-a-real-secret");
    }
    expect(connector.calls).toEqual([]);
    expect(await app.deps.repos.conversationRefs.get(`teams:${TENANT}:a:1personal-aad-0001-megan`)).toBeUndefined();
    expect(app.describe().join("\n")).toContain(`authenticated: SingleTenant app ${APP_ID}`);
  });
});

/** How the stand-in for login.botframework.com behaves: serving, answering 503, or dropping the connection. */
interface OpenIdServer {
  url: string;
  server: Server;
  mode: "up" | "failing" | "down";
  /** Requests for the OpenID metadata document. */
  metadataFetches: number;
}

/** A stand-in for login.botframework.com: OpenID metadata and the key that signs channel tokens. */
async function startOpenIdServer(publicKey: KeyObject, kid: string, mode: OpenIdServer["mode"] = "up"): Promise<OpenIdServer> {
  const jwk = publicKey.export({ format: "jwk" });
  let base = "";
  const state = { mode, metadataFetches: 0 } as OpenIdServer;
  const server = createServer((req, res) => {
    if (req.url === "/v1/.well-known/openidconfiguration") state.metadataFetches += 1;
    if (state.mode === "down") {
      req.socket.destroy();
      return;
    }
    res.setHeader("content-type", "application/json");
    if (state.mode === "failing") {
      res.statusCode = 503;
      res.end("{}");
    } else if (req.url === "/v1/.well-known/openidconfiguration") {
      res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ["RS256"] }));
    } else if (req.url === "/v1/.well-known/keys") {
      res.end(JSON.stringify({ keys: [{ kty: "RSA", use: "sig", kid, n: jwk.n, e: jwk.e, endorsements: ["msteams"] }] }));
    } else {
      res.statusCode = 404;
      res.end("{}");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { url: `${base}/v1/.well-known/openidconfiguration`, server });
}

/** An authenticated bot (its store a stub) behind express, trusting the given OpenID endpoint; `saved` collects stored references. */
async function startAuthenticatedBot(openIdMetadataUrl: string, logs: Array<Record<string, unknown>> = []): Promise<{ url: string; http: Server; saved: string[] }> {
  const saved: string[] = [];
  const refs = {
    save: async (ref: { key: string }) => void saved.push(ref.key),
    get: async () => undefined,
    markUnreachable: async () => undefined,
  };
  const deps = { repos: { conversationRefs: refs } } as unknown as Parameters<typeof createTeamsBot>[0]["deps"];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const botDeps = { ...deps, clock: { now: () => new Date() }, ids: { newId: () => "id" } };
  const bot = createTeamsBot({
    teams: { mode: "authenticated", appId: APP_ID, appType: "SingleTenant", password: "not-a-real-secret", tenantId: TENANT },
    deps: botDeps,
    kernel: new Kernel(createRegistry(), botDeps),
    log: createLogger("debug", sink),
    storage: { connectionString: testConnectionString() },
    endpoints: { openIdMetadataUrl },
  });
  const server = express();
  server.post("/api/messages", jsonBody, (req, res) => bot.handle(req, res));
  const http = server.listen(0, "127.0.0.1");
  await new Promise((resolve) => http.once("listening", resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, http, saved };
}

function jwt(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "RS256", typ: "JWT", kid })}.${encode(claims)}`;
  const signature = createSign("RSA-SHA256").update(unsigned).sign(privateKey).toString("base64url");
  return `${unsigned}.${signature}`;
}

describe("Bot Framework token validation (signed tokens against a local OpenID endpoint)", () => {
  const kid = "test-signing-key";
  const signer = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const impostor = generateKeyPairSync("rsa", { modulusLength: 2048 });
  let openId: OpenIdServer;
  let http: Server;
  let url = "";
  const serviceUrl = "https://smba.trafficmanager.net/emea/";
  let saved: string[] = [];

  beforeAll(async () => {
    openId = await startOpenIdServer(signer.publicKey, kid);
    ({ url, http, saved } = await startAuthenticatedBot(openId.url));
  });
  afterAll(async () => {
    http?.close();
    openId?.server.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: APP_ID, serviceurl: serviceUrl, nbf: now() - 60, exp: now() + 3600, ...overrides });
  const send = (token: string) => post(url, installationUpdate(serviceUrl, "add"), { authorization: `Bearer ${token}` });

  it("accepts a channel token signed by the published key for this app id", async () => {
    const { status } = await send(jwt(signer.privateKey, kid, claims()));
    expect(status).toBe(200);
    expect(saved).toContain(`teams:${TENANT}:a:1personal-aad-0001-megan`);
  });

  it.each([
    ["another app's audience", () => jwt(signer.privateKey, kid, claims({ aud: "00000000-0000-4000-8000-000000000000" }))],
    ["another issuer", () => jwt(signer.privateKey, kid, claims({ iss: "https://sts.example.org" }))],
    ["a serviceUrl claim that does not match the activity", () => jwt(signer.privateKey, kid, claims({ serviceurl: "https://evil.example.org/" }))],
    ["an expired token", () => jwt(signer.privateKey, kid, claims({ exp: now() - 3600, nbf: now() - 7200 }))],
    ["a forged signature under the published key id", () => jwt(impostor.privateKey, kid, claims())],
    ["an unknown key id", () => jwt(signer.privateKey, "some-other-key", claims())],
  ])("refuses %s with 401", async (_why, token) => {
    const before = saved.length;
    const { status } = await send(token());
    expect(status).toBe(401);
    expect(saved.length).toBe(before);
  });
});

describe("Bot Framework token validation while Microsoft's signing keys cannot be fetched", () => {
  const kid = "outage-signing-key";
  const signer = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const impostor = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const serviceUrl = "https://smba.trafficmanager.net/emea/";
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: APP_ID, serviceurl: serviceUrl, nbf: now() - 60, exp: now() + 3 * 3600, ...overrides });
  const genuine = () => jwt(signer.privateKey, kid, claims());
  const forged = () => jwt(impostor.privateKey, kid, claims());
  const unknownKey = () => jwt(signer.privateKey, "some-other-key", claims());

  let openId: OpenIdServer;
  let bot: Awaited<ReturnType<typeof startAuthenticatedBot>>;
  const logs: Array<Record<string, unknown>> = [];
  const send = (token: string) => post(bot.url, installationUpdate(serviceUrl, "add"), { authorization: `Bearer ${token}` });
  const at = (level: number) => logs.filter((l) => l.level === level).map((l) => l.msg);

  beforeEach(async () => {
    logs.length = 0;
    openId = await startOpenIdServer(signer.publicKey, kid, "down");
    bot = await startAuthenticatedBot(openId.url, logs);
  });
  afterEach(() => {
    vi.useRealTimers();
    bot?.http.close();
    openId?.server.close();
  });

  it("answers 503 JSON with Retry-After, fetches the metadata once and logs the outage once, without a stack", async () => {
    for (const token of [forged(), genuine(), unknownKey(), forged(), genuine()]) {
      const response = await send(token);
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ error: "unavailable", message: expect.stringContaining("retry later") });
    }
    const raw = await fetch(`${bot.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${forged()}` },
      body: JSON.stringify(installationUpdate(serviceUrl, "add")),
    });
    expect(raw.status).toBe(503);
    expect(Number(raw.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // A token that is not a JWT needs no key: still a 401.
    expect((await send("not-a-jwt")).status).toBe(401);

    expect(openId.metadataFetches).toBe(1);
    expect(at(50)).toEqual(["Bot Framework signing keys cannot be fetched: Teams requests that need them get 503 until they can"]);
    expect(logs.filter((l) => Number(l.level) >= 40 && l.msg !== "Teams request refused: no valid Bot Framework token")).toHaveLength(1);
    expect(JSON.stringify(logs)).not.toMatch(/\bat .*\.js:\d+/);
    expect(bot.saved).toEqual([]);
  });

  it("fetches again only after Retry-After, serves again once the keys are back, and says so once at info", async () => {
    openId.mode = "failing";
    vi.useFakeTimers({ toFake: ["Date"] });
    const first = await fetch(`${bot.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${genuine()}` },
      body: JSON.stringify(installationUpdate(serviceUrl, "add")),
    });
    expect(first.status).toBe(503);
    const retryAfter = Number(first.headers.get("retry-after"));

    openId.mode = "up";
    expect((await send(genuine())).status).toBe(503); // too early: nothing fetched
    expect(openId.metadataFetches).toBe(1);

    vi.setSystemTime(Date.now() + retryAfter * 1000);
    expect((await send(genuine())).status).toBe(200);
    expect(openId.metadataFetches).toBe(2);
    expect(bot.saved).toContain(`teams:${TENANT}:a:1personal-aad-0001-megan`);
    expect((await send(forged())).status).toBe(401);
    expect((await send(genuine())).status).toBe(200);
    expect(openId.metadataFetches).toBe(2);
    expect(at(30)).toEqual(["Bot Framework signing keys can be fetched again"]);
    expect(at(50)).toHaveLength(1);
  });

  it("keeps serving tokens signed by a key that verified before while a stranger's key id cannot be looked up", async () => {
    openId.mode = "up";
    vi.useFakeTimers({ toFake: ["Date"] });
    expect((await send(genuine())).status).toBe(200);
    openId.mode = "down";
    // botbuilder looks up an unknown key id again at most hourly: two hours on, it tries and fails.
    vi.setSystemTime(Date.now() + 2 * 3600 * 1000);
    expect((await send(unknownKey())).status).toBe(503);
    expect((await send(unknownKey())).status).toBe(503);
    expect(openId.metadataFetches).toBe(2);
    expect((await send(genuine())).status).toBe(200);
    expect((await send(forged())).status).toBe(401);
  });
});
