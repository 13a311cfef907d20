import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { ADELE, TENANT, installationUpdate, message, post, postWithHost } from "../support/teamsActivities.js";

/** Local mode (no MICROSOFT_APP_ID): no authentication, so only this machine may talk to the bot, and the bot only to it. */
describe("Teams endpoint in local mode", () => {
  let app: TestApp;
  let connector: FakeBotConnector;
  beforeAll(async () => {
    connector = await startFakeBotConnector();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
  });
  beforeEach(() => {
    connector.calls.length = 0;
  });

  const port = () => new URL(app.url).port;
  const personalChat = `teams:${TENANT}:a:1personal-aad-0001-megan`;

  it("refuses a request addressed to another name (DNS rebinding) with 403, doing nothing", async () => {
    for (const host of ["evil.example", `evil.example:${port()}`, `127.0.0.1.nip.io:${port()}`, "localhost.evil.example", `[::2]:${port()}`]) {
      const { status, body } = await postWithHost(app.url, message(connector.serviceUrl, "help"), host);
      expect(status, host).toBe(403);
      expect(body).toEqual({ error: "forbidden", message: expect.stringContaining("localhost, 127.0.0.1 or [::1]") });
    }
    expect(connector.calls).toEqual([]);
    expect(await app.deps.repos.conversationRefs.get(personalChat)).toBeUndefined();
  });

  it("serves requests addressed to a loopback name, with or without a port", async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, "localhost", `[::1]:${port()}`, "LOCALHOST"]) {
      const { status } = await postWithHost(app.url, message(connector.serviceUrl, "help"), host);
      expect(status, host).toBe(200);
    }
    expect(connector.calls.filter((c) => c.kind === "reply")).toHaveLength(5);
  });

  it("refuses an activity whose serviceUrl is not a loopback http(s) URL with 400, storing and sending nothing", async () => {
    const outside = [
      "https://smba.trafficmanager.net/emea/",
      "http://127.0.0.1.evil.example/",
      "http://evil.example@127.0.0.1/",
      "ftp://127.0.0.1/",
      "not a url",
      undefined,
    ];
    for (const serviceUrl of outside) {
      const { status, body } = await post(app.url, { ...installationUpdate(connector.serviceUrl, "add", { user: ADELE }), serviceUrl });
      expect(status, String(serviceUrl)).toBe(400);
      expect(body).toMatchObject({ error: "bad_request", message: expect.stringContaining("serviceUrl") });
    }
    expect(await app.deps.repos.conversationRefs.get(`teams:${TENANT}:a:1personal-${ADELE.aadObjectId}`)).toBeUndefined();
    expect(connector.calls).toEqual([]);
  });

  it("accepts the Agents Playground's serviceUrl (localhost or 127.0.0.1)", async () => {
    for (const serviceUrl of ["http://localhost:56150/_connector", "http://127.0.0.1:56150/_connector", "http://[::1]:56150/_connector"]) {
      expect((await post(app.url, { ...installationUpdate(connector.serviceUrl, "add"), serviceUrl })).status, serviceUrl).toBe(200);
      expect(await app.deps.repos.conversationRefs.get(personalChat)).toMatchObject({ reference: { serviceUrl } });
    }
  });
});
