import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { ADELE, MEGAN, TENANT, executeAction, installationUpdate, message, post } from "../support/teamsActivities.js";

/** What /api/messages lets through to botbuilder: a Teams activity with the fields every turn reads. */
describe("Teams endpoint: which activities are admitted", () => {
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
    app.logs.length = 0;
  });

  const adeleChat = `teams:${TENANT}:a:1personal-${ADELE.aadObjectId}`;
  const loud = () => app.logs.filter((l) => Number(l.level) >= 50 || l.msg === "Teams turn failed");

  it("refuses an adaptiveCard/action invoke as Microsoft's docs show it (no from, conversation or recipient) with 400 JSON naming what is missing", async () => {
    // learn.microsoft.com, "Universal Actions for Adaptive Cards": the invoke the bot receives, as documented.
    const documented = {
      type: "invoke",
      name: "adaptiveCard/action",
      serviceUrl: connector.serviceUrl,
      channelId: "msteams",
      value: { action: { type: "Action.Execute", id: "abc", verb: "community.setup", data: {} }, trigger: "manual" },
    };
    const { status, body } = await post(app.url, documented);
    expect(status).toBe(400);
    expect(body).toEqual({ error: "bad_request", message: expect.stringMatching(/from\.id.*conversation\.id.*recipient/) });
    expect(connector.calls).toEqual([]);
    expect(loud()).toEqual([]);
  });

  it.each([
    ["type", { type: undefined }],
    ["from.id", { from: { name: "Megan Bowen" } }],
    ["from.id", { from: "29:1megan-bowen" }],
    ["conversation.id", { conversation: undefined }],
    ["conversation.id", { conversation: { id: "" } }],
    ["recipient", { recipient: undefined }],
    ["serviceUrl", { serviceUrl: undefined }],
    ["channelId", { channelId: undefined }],
  ])("refuses an activity without a usable %s with 400 JSON, storing and sending nothing", async (field, change) => {
    const { status, body } = await post(app.url, { ...installationUpdate(connector.serviceUrl, "add", { user: ADELE }), ...change });
    expect(status).toBe(400);
    expect(body).toEqual({ error: "bad_request", message: expect.stringContaining(field) });
    expect(await app.deps.repos.conversationRefs.get(adeleChat)).toBeUndefined();
    expect(connector.calls).toEqual([]);
    expect(loud()).toEqual([]);
  });

  it.each(["emulator", "webchat", "directline", "agents", "slack", "MSTEAMS"])(
    "refuses an activity from channel %s with 400 JSON: its ids are not Teams ids",
    async (channelId) => {
      const { status, body } = await post(app.url, { ...installationUpdate(connector.serviceUrl, "add", { user: ADELE }), channelId });
      expect(status).toBe(400);
      expect(body).toEqual({ error: "bad_request", message: expect.stringContaining("msteams") });
      expect(await app.deps.repos.conversationRefs.get(adeleChat)).toBeUndefined();
      expect(connector.calls).toEqual([]);
    },
  );

  it("still serves Teams activities, invokes included", async () => {
    expect((await post(app.url, message(connector.serviceUrl, "help"))).status).toBe(200);
    const invoke = await post(app.url, executeAction(connector.serviceUrl, "help", {}));
    expect(invoke.status).toBe(200);
    // In the 1:1 chat the answer is a message of its own; the invoke response says it in a line.
    expect(invoke.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: expect.stringContaining("What CoP Companion can do here") });
    expect(connector.activitiesTo(`a:1personal-${MEGAN.aadObjectId}`).map((a) => a.summary)).toEqual([expect.stringContaining("What CoP Companion can do here"), expect.stringContaining("What CoP Companion can do here")]);
  });

  it("answers a turn that fails on an odd activity with the error notice, never a 500 from the error handler itself", async () => {
    // A sender name that is not text passes the minimal shape, then breaks the turn and, before the fix, its error handler.
    const odd = executeAction(connector.serviceUrl, "help", {}, { user: ADELE });
    const { status, body } = await post(app.url, { ...odd, from: { ...odd.from, name: 42 } });
    expect(status).toBe(200);
    expect(JSON.stringify(body)).toContain("Something went wrong");
    expect(app.logs.filter((l) => l.msg === "Teams turn failed")).toHaveLength(1);
    expect(app.logs.filter((l) => l.msg === "request failed")).toEqual([]);
  });
});
