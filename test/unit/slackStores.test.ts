import { beforeAll, describe, expect, it } from "vitest";
import type { Installation } from "@slack/bolt";
import { createLogger } from "../../src/log.js";
import { openStore } from "../../src/store/index.js";
import { TableInstallationStore, installationKey } from "../../src/slack/installationStore.js";
import { EventDedupe, WorkspaceRefs, openSlackTables } from "../../src/slack/slackTables.js";
import { STATE_LIFETIME_SECONDS, TableStateStore } from "../../src/slack/oauthState.js";
import { testConnectionString, uniquePrefix } from "../support/storage.js";

const log = createLogger("silent");
const account = () => ({ connectionString: testConnectionString(), tablePrefix: uniquePrefix() });

let tables: ReturnType<typeof openSlackTables>;
beforeAll(async () => {
  tables = openSlackTables(account());
  await Promise.all(Object.values(tables).map((t) => t.createTable()));
});

const teamInstall = (teamId: string, token: string, enterpriseId?: string): Installation => ({
  team: { id: teamId, name: "Team" }, enterprise: enterpriseId ? { id: enterpriseId } : undefined, isEnterpriseInstall: false,
  user: { id: "U1", token: undefined, scopes: undefined }, bot: { token, id: "B1", userId: "UBOT", scopes: ["chat:write"] }, appId: "A1", authVersion: "v2",
});

describe("Slack installation store on Table Storage", () => {
  it("stores workspace and org-wide installs under their own keys and finds them back", async () => {
    const store = new TableInstallationStore(tables.installations, log);
    await store.storeInstallation(teamInstall("T1", "xoxb-team"));
    const org: Installation = { ...teamInstall("ignored", "xoxb-org"), team: undefined, enterprise: { id: "E1", name: "Org" }, isEnterpriseInstall: true };
    await store.storeInstallation(org);
    expect((await store.fetchInstallation({ teamId: "T1", enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe("xoxb-team");
    expect((await store.fetchInstallation({ teamId: "T7", enterpriseId: "E1", isEnterpriseInstall: true })).bot?.token).toBe("xoxb-org");
    // A workspace of the org without its own install is served by the org-wide one.
    expect((await store.find({ teamId: "T8", enterpriseId: "E1", isEnterpriseInstall: false }))?.bot?.token).toBe("xoxb-org");
    await expect(store.fetchInstallation({ teamId: "T9", enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/no Slack installation/);
    await store.deleteInstallation({ teamId: undefined, enterpriseId: "E1", isEnterpriseInstall: true });
    expect(await store.find({ teamId: "T8", enterpriseId: "E1", isEnterpriseInstall: false })).toBeUndefined();
    expect(installationKey({ teamId: "T1", enterpriseId: "E1", isEnterpriseInstall: true })).toBe("e:E1");
  });
});

describe("Slack OAuth states on Table Storage", () => {
  const options = { scopes: ["chat:write", "commands"], metadata: "from the install page" };
  const at = (t0: Date, seconds: number) => new Date(t0.getTime() + seconds * 1000);

  it("gives back the install options once, within the state's lifetime, and refuses it after", async () => {
    const store = new TableStateStore(tables.oauthStates, log);
    const t0 = new Date("2026-03-01T23:59:30Z"); // the redirect comes back on the next day
    const state = await store.generateStateParam(options, t0);
    expect(await store.verifyStateParam(at(t0, STATE_LIFETIME_SECONDS - 1), state)).toEqual(options);
    await expect(store.verifyStateParam(at(t0, STATE_LIFETIME_SECONDS - 1), state)).rejects.toMatchObject({ code: "slack_oauth_invalid_state" });
  });

  it("refuses an expired state, and a forged or malformed one", async () => {
    const store = new TableStateStore(tables.oauthStates, log);
    const t0 = new Date();
    const state = await store.generateStateParam(options, t0);
    await expect(store.verifyStateParam(at(t0, STATE_LIFETIME_SECONDS + 1), state)).rejects.toThrow(/expired/);
    await expect(store.verifyStateParam(t0, state)).rejects.toThrow(/already used/); // an expired try used it up too
    const forged = `${state.split(".")[0]}.${"A".repeat(32)}`;
    for (const bad of [forged, "forged", "", `${state}x`]) await expect(store.verifyStateParam(t0, bad), bad).rejects.toMatchObject({ code: "slack_oauth_invalid_state" });
  });

  it("lets exactly one of two simultaneous redirects with the same state through", async () => {
    const store = new TableStateStore(tables.oauthStates, log);
    const t0 = new Date();
    const state = await store.generateStateParam(options, t0);
    const results = await Promise.allSettled([store.verifyStateParam(t0, state), store.verifyStateParam(t0, state), store.verifyStateParam(t0, state)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});

describe("Slack event dedupe", () => {
  it("lets the first delivery of an event through, then no retry, until a failed one is released", async () => {
    const dedupe = new EventDedupe(tables.events);
    expect(await dedupe.claim("Ev1", 1_700_000_000)).toBe(true);
    expect(await dedupe.claim("Ev1", 1_700_000_000)).toBe(false);
    await dedupe.release("Ev1", 1_700_000_000);
    expect(await dedupe.claim("Ev1", 1_700_000_000)).toBe(true);
  });
});

describe("conversation refs by installation", () => {
  it("marks every ref reached through an installation unreachable, and only those", async () => {
    const store = openStore(account(), log);
    await store.prepare();
    const index = new WorkspaceRefs(tables.workspaceRefs, log);
    const now = new Date().toISOString();
    for (const key of ["slack:T1:C1", "slack:T1:U1", "slack:T2:C9"]) {
      await store.repos.conversationRefs.save({ key, platform: "slack", reference: {}, unreachable: false, updatedAt: now });
      await index.remember(key.startsWith("slack:T1") ? "t:T1" : "t:T2", key);
    }
    expect(await index.markUnreachable("t:T1", store.repos.conversationRefs)).toBe(2);
    expect((await store.repos.conversationRefs.get("slack:T1:C1"))?.unreachable).toBe(true);
    expect((await store.repos.conversationRefs.get("slack:T1:U1"))?.unreachable).toBe(true);
    expect((await store.repos.conversationRefs.get("slack:T2:C9"))?.unreachable).toBe(false);
  });

  it("indexes a workspace's many first contacts at once in a few transactions, the same person's two at once too", async () => {
    const store = openStore(account(), log);
    await store.prepare();
    const table = openSlackTables(account()).workspaceRefs;
    await table.createTable();
    let requests = 0;
    for (const method of ["upsertEntity", "submitTransaction"] as const) {
      const original = table[method].bind(table) as (...args: unknown[]) => Promise<unknown>;
      table[method] = ((...args: unknown[]) => ((requests += 1), original(...args))) as never;
    }
    const index = new WorkspaceRefs(table, log);
    const keys = Array.from({ length: 250 }, (_, n) => `slack:T3:U${n}`);
    const now = new Date().toISOString();
    await Promise.all(keys.map((key) => store.repos.conversationRefs.save({ key, platform: "slack", reference: {}, unreachable: false, updatedAt: now })));
    await Promise.all([...keys, keys[0]!].map((key) => index.remember("t:T3", key)));
    expect(requests).toBeLessThan(20);
    expect(await index.markUnreachable("t:T3", store.repos.conversationRefs)).toBe(250);
  });
});
