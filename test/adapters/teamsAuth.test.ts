import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { jsonBody } from "../../src/server.js";
import { createTeamsBot } from "../../src/teams/bot.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { TENANT, installationUpdate, message, post } from "../support/teamsActivities.js";

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

/** A stand-in for login.botframework.com: OpenID metadata and the key that signs channel tokens. */
async function startOpenIdServer(publicKey: KeyObject, kid: string): Promise<{ url: string; server: Server }> {
  const jwk = publicKey.export({ format: "jwk" });
  let base = "";
  const server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/v1/.well-known/openidconfiguration") {
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
  return { url: `${base}/v1/.well-known/openidconfiguration`, server };
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
  let openId: { url: string; server: Server };
  let http: Server;
  let url = "";
  const serviceUrl = "https://smba.trafficmanager.net/emea/";
  const saved: string[] = [];

  beforeAll(async () => {
    openId = await startOpenIdServer(signer.publicKey, kid);
    const refs = {
      save: async (ref: { key: string }) => void saved.push(ref.key),
      get: async () => undefined,
      markUnreachable: async () => undefined,
    };
    const deps = { repos: { conversationRefs: refs } } as unknown as Parameters<typeof createTeamsBot>[0]["deps"];
    const bot = createTeamsBot({
      teams: { mode: "authenticated", appId: APP_ID, appType: "SingleTenant", password: "not-a-real-secret", tenantId: TENANT },
      deps: { ...deps, clock: { now: () => new Date() }, ids: { newId: () => "id" } },
      log: createLogger("silent"),
      endpoints: { openIdMetadataUrl: openId.url },
    });
    const server = express();
    server.post("/api/messages", jsonBody, (req, res) => bot.handle(req, res));
    http = server.listen(0, "127.0.0.1");
    await new Promise((resolve) => http.once("listening", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
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
