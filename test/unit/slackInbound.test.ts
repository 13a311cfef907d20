import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { createLogger } from "../../src/log.js";
import { SlackDirectory, TtlCache } from "../../src/slack/directory.js";
import { deliveryFailure } from "../../src/slack/errors.js";
import { actorOf, mentionsIn, spaceOf, type Inbound } from "../../src/slack/identity.js";
import { commandFromAction } from "../../src/slack/interactions.js";
import { charterModal, decodeFormContext, encodeFormContext, readCharterForm } from "../../src/slack/render/charterModal.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";

const log = createLogger("silent");
let fake: FakeSlack;
let client: webApi.WebClient;
beforeAll(async () => {
  fake = await startFakeSlack({ rateLimits: false });
  client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await fake?.stop();
});

const inbound = (over: Partial<Inbound> = {}): Inbound => ({
  client, workspace: { teamId: FAKE_IDS.teamId, isEnterpriseInstall: false }, userId: FAKE_IDS.facilitator, channelId: FAKE_IDS.general, ...over,
});

describe("who and where a Slack request comes from", () => {
  it("maps users.info: own team, real name, locale and time zone", async () => {
    const actor = await actorOf(new SlackDirectory(log), inbound({ userId: FAKE_IDS.member }));
    expect(actor).toEqual({ personKey: `slack:${FAKE_IDS.teamId}:${FAKE_IDS.member}`, displayName: "Luc Member", locale: "fr-FR", timezone: "Europe/Paris" });
  });

  it("keeps a Slack Connect guest's own team and puts the channel under its host", async () => {
    const dir = new SlackDirectory(log);
    const at = inbound({ userId: FAKE_IDS.guest, channelId: FAKE_IDS.shared });
    expect((await actorOf(dir, at)).personKey).toBe(`slack:${FAKE_IDS.partnerTeamId}:${FAKE_IDS.guest}`);
    expect(await spaceOf(dir, at)).toEqual({ spaceKey: `slack:${FAKE_IDS.teamId}:${FAKE_IDS.shared}`, platform: "slack", displayName: "#cop-partners", personal: false });
  });

  it("falls back to the payload when Slack will not say, with English as the locale", async () => {
    fake.fail("users.info", { error: "user_not_found" });
    const actor = await actorOf(new SlackDirectory(log), inbound({ userId: "U0GONE", userTeamHint: "T0HINT" }));
    expect(actor).toEqual({ personKey: "slack:T0HINT:U0GONE", displayName: "", locale: "en" });
  });

  it("treats a DM or the App Home as the person's own space", async () => {
    const dir = new SlackDirectory(log);
    expect(await spaceOf(dir, inbound({ channelId: "D0DM" }))).toMatchObject({ personal: true, spaceKey: `slack:${FAKE_IDS.teamId}:D0DM` });
    expect(await spaceOf(dir, inbound({ channelId: undefined }))).toMatchObject({ personal: true });
  });

  it("caches users.info briefly", async () => {
    const dir = new SlackDirectory(log);
    fake.reset();
    await actorOf(dir, inbound());
    await actorOf(dir, inbound());
    expect(fake.callsTo("users.info")).toHaveLength(1);
  });

  it("resolves mentions into people and keeps their names out of the command words", async () => {
    const { text, mentions } = await mentionsIn(new SlackDirectory(log), inbound(), `assign sponsor <@${FAKE_IDS.member}|luc>`);
    expect(text).toBe(`assign sponsor @${FAKE_IDS.member}`);
    expect(mentions).toEqual([{ personKey: `slack:${FAKE_IDS.teamId}:${FAKE_IDS.member}`, displayName: "Luc Member" }]);
  });
});

describe("buttons and modals", () => {
  it("turns a button's verb and JSON value into a command, and anything else into `unknown`", () => {
    expect(commandFromAction("community.charter.show", "")).toEqual({ type: "community.charter.show" });
    expect(commandFromAction("community.status.set", JSON.stringify({ status: "launched" }))).toEqual({ type: "community.status.set", status: "launched" });
    expect(commandFromAction("community.status.set", JSON.stringify({ status: "exploded" }))).toEqual({ type: "unknown", text: "community.status.set" });
    expect(commandFromAction("community.nope", "x")).toEqual({ type: "unknown", text: "community.nope" });
  });

  it("reads a submitted modal back into the form it showed", () => {
    const values = { name: "Data CoP", domain: "RDM", audience: "Stewards", purposes: ["learning", "tasks"], goals: "a\nb", outcomes: "", participation: "p", contribution: "", conflictResolution: "" };
    const modal = charterModal({ kind: "charterForm", locale: "en", mode: "create", values, errors: {} });
    // Slack sends each input's value back under block_id -> action_id, checkboxes as selected_options.
    const state: Record<string, Record<string, { value?: string | null; selected_options?: Array<{ value: string }> }>> = {};
    for (const block of modal.blocks as Array<{ block_id?: string; element?: { action_id: string; initial_value?: string; initial_options?: Array<{ value: string }> } }>) {
      if (!block.block_id || !block.element) continue;
      state[block.block_id] = { [block.element.action_id]: block.element.initial_options ? { selected_options: block.element.initial_options } : { value: block.element.initial_value ?? null } };
    }
    expect(readCharterForm(state)).toEqual(values);
  });

  it("round-trips the form context and refuses metadata it did not write", () => {
    const ctx = { spaceKey: "slack:T1:C1", channelId: "C1", displayName: "#x", personal: false, communityId: "c1" };
    expect(decodeFormContext(encodeFormContext(ctx))).toEqual(ctx);
    expect(decodeFormContext("not json")).toBeUndefined();
    expect(decodeFormContext(JSON.stringify({ channelId: "C1" }))).toBeUndefined();
  });
});

describe("delivery failures", () => {
  it("maps Slack's answers onto delivery results", () => {
    expect(deliveryFailure(new webApi.WebAPIRateLimitedError(30))).toEqual({ status: "throttled", retryAfterMs: 30_000 });
    expect(deliveryFailure(new webApi.WebAPIPlatformError({ ok: false, error: "not_in_channel" }))).toEqual({ status: "unreachable", reason: "not_in_channel" });
    expect(deliveryFailure(new webApi.WebAPIPlatformError({ ok: false, error: "invalid_blocks" }))).toEqual({ status: "failed", reason: "invalid_blocks", retryable: false });
    expect(deliveryFailure(new webApi.WebAPIHTTPError(503, "Service Unavailable", {}))).toEqual({ status: "failed", reason: "http_503", retryable: true });
  });

  it("expires cached entries and drops the oldest beyond its size", () => {
    let now = 0;
    const cache = new TtlCache<string, number>(1_000, 2, () => now);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, 2, 3]);
    now = 1_000;
    expect(cache.get("b")).toBeUndefined();
  });
});
