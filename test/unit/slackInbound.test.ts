import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import type { FormBlock } from "../../src/core/kernel/card.js";
import { createLogger } from "../../src/log.js";
import { askFromAction, askFromText, keepTyped, valuesOf, type ViewStateValues } from "../../src/slack/asks.js";
import { SlackDirectory, TtlCache } from "../../src/slack/directory.js";
import { deliveryFailure } from "../../src/slack/errors.js";
import { actorOf, personOf, spaceOf, type Inbound } from "../../src/slack/identity.js";
import { renderModal } from "../../src/slack/render/card/modal.js";
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
});

describe("what was typed", () => {
  it("numbers the people mentioned (@1, @2) and hands their ids over separately, to be looked up on the server", async () => {
    const ask = askFromText(`assign sponsor <@${FAKE_IDS.member}|luc>`);
    expect(ask).toEqual({ kind: "text", text: "assign sponsor @1", mentions: [{ id: FAKE_IDS.member, name: "luc" }] });
    // Only the id counts: it is looked up in the asker's installation.
    const person = await personOf(new SlackDirectory(log), inbound(), ask.mentions[0]!.id);
    expect(person).toMatchObject({ key: `slack:${FAKE_IDS.teamId}:${FAKE_IDS.member}`, displayName: "Luc Member" });
  });

  it("never lets a display name read as a command word", () => {
    expect(askFromText(`<@${FAKE_IDS.member}|Luc Member>`).text).toBe("@1");
    expect(askFromText(`assign co-facilitator <@${FAKE_IDS.member}|status closed>`)).toMatchObject({ text: "assign co-facilitator @1", mentions: [{ id: FAKE_IDS.member }] });
    expect(askFromText(`<@${FAKE_IDS.member}|leave>`).text).not.toMatch(/leave/);
  });

  it("gives the same number to the same person, a new one to each other person, and keeps mentions without a name", () => {
    const ask = askFromText(`<@U1AAA|ana> and <@W2BBB> then <@U1AAA|ana>`);
    expect(ask.text).toBe("@1 and @2 then @1");
    expect(ask.mentions).toEqual([{ id: "U1AAA", name: "ana" }, { id: "W2BBB", name: "W2BBB" }]);
  });

  it("decodes Slack's entities, collapses white space, and reads nothing typed as help", () => {
    expect(askFromText("  link   &lt;ABCD-EFGH&gt;\n&amp; more ").text).toBe("link <ABCD-EFGH> & more");
    expect(askFromText("   ").text).toBe("help");
    expect(askFromText("").text).toBe("help");
  });

  it("keeps within the request's limits: 4,000 characters and 20 people", () => {
    const many = Array.from({ length: 25 }, (_, i) => `<@U${String(i).padStart(4, "0")}X>`).join(" ");
    const ask = askFromText(`${many} ${"x".repeat(5_000)}`);
    expect(ask.text).toHaveLength(4_000);
    expect(ask.mentions).toHaveLength(20);
  });
});

describe("buttons", () => {
  it("reads the verb from the action id, without the #n that keeps repeated buttons apart", () => {
    expect(askFromAction("community.status.set#2", JSON.stringify({ status: "closed", confirm: true }))).toEqual({
      kind: "action", verb: "community.status.set", input: { status: "closed", confirm: true },
    });
    expect(askFromAction("community.status.set", JSON.stringify({ cancel: true }))).toEqual({ kind: "action", verb: "community.status.set", input: { cancel: true } });
    expect(askFromAction("a#b#12", "{}")).toMatchObject({ verb: "a#b" });
  });

  it("takes only a JSON object as arguments: anything else carries none", () => {
    expect(askFromAction("community.roles.show", "")).toEqual({ kind: "action", verb: "community.roles.show", input: {} });
    expect(askFromAction("community.roles.show", undefined)).toMatchObject({ input: {} });
    for (const value of ["x", "[1,2]", '"launched"', "null", "{broken"]) expect(askFromAction("community.status.set", value)).toMatchObject({ input: {} });
  });
});

describe("modals", () => {
  const form: FormBlock = {
    type: "form",
    verb: "community.setup",
    title: "Set up a community",
    submitLabel: "Create community",
    cancelLabel: "Cancel",
    token: "sealed.token",
    error: "",
    fields: [
      { name: "name", kind: "shortText", label: "Name", hint: "", placeholder: "", required: true, choices: [], value: "Data CoP", zone: "", error: "" },
      { name: "goals", kind: "longText", label: "Goals", hint: "", placeholder: "", required: false, choices: [], value: "a\nb", zone: "", error: "" },
      {
        name: "purposes", kind: "multiChoice", label: "Purpose", hint: "", placeholder: "", required: true, zone: "", error: "",
        choices: [{ value: "learning", label: "Learning" }, { value: "tasks", label: "Tasks" }, { value: "knowledge", label: "Knowledge" }], value: ["learning", "tasks"],
      },
      { name: "size", kind: "choice", label: "Size", hint: "", placeholder: "", required: false, zone: "", error: "", choices: [{ value: "s", label: "Small" }, { value: "l", label: "Large" }], value: "l" },
      { name: "day", kind: "date", label: "Day", hint: "", placeholder: "", required: false, choices: [], value: "2026-12-01", zone: "", error: "" },
      { name: "host", kind: "person", label: "Host", hint: "", placeholder: "", required: false, choices: [], value: "U01MEMBER", zone: "", error: "" },
    ],
  };
  type Input = { type: string; block_id?: string; element?: Record<string, unknown> & { type: string; action_id: string } };

  /** view.state.values as Slack sends them for a modal whose inputs still hold their initial values. */
  function stateOf(blocks: Input[]): ViewStateValues {
    const state: ViewStateValues = {};
    for (const block of blocks) {
      if (block.type !== "input" || !block.block_id || !block.element) continue;
      const e = block.element;
      const value =
        e.type === "checkboxes" ? { selected_options: e.initial_options as Array<{ value: string }> }
        : e.type === "static_select" ? { selected_option: e.initial_option as { value: string } }
        : e.type === "datepicker" ? { selected_date: e.initial_date as string }
        : e.type === "users_select" ? { selected_user: e.initial_user as string }
        : { value: (e.initial_value as string | undefined) ?? null };
      state[block.block_id] = { [e.action_id]: { type: e.type, ...value } };
    }
    return state;
  }

  it("reads a submitted modal back into the values its fields held, by field name", () => {
    const modal = renderModal(form);
    expect(modal).toMatchObject({ callback_id: "community.setup", private_metadata: "sealed.token" });
    expect(valuesOf(stateOf(modal.blocks as Input[]))).toEqual({ name: "Data CoP", goals: "a\nb", purposes: ["learning", "tasks"], size: "l", day: "2026-12-01", host: "U01MEMBER" });
  });

  it("reads a cleared field as empty and an unticked list as no choices", () => {
    const state: ViewStateValues = {
      name: { value: { type: "plain_text_input", value: null } },
      purposes: { value: { type: "checkboxes", selected_options: [] } },
      size: { value: { type: "static_select", selected_option: null } },
    };
    expect(valuesOf(state)).toEqual({ name: "", purposes: [], size: "" });
  });

  it("shows the modal again with what was typed as each input's initial value, replacing what it held", () => {
    const modal = renderModal(form);
    const typed: ViewStateValues = {
      ...stateOf(modal.blocks as Input[]),
      name: { value: { type: "plain_text_input", value: "Renamed CoP" } },
      goals: { value: { type: "plain_text_input", value: null } },
      purposes: { value: { type: "checkboxes", selected_options: [{ value: "knowledge" }] } },
      size: { value: { type: "static_select", selected_option: { value: "s" } } },
    };
    const kept = keepTyped(modal, typed);
    const element = (id: string) => (kept.blocks as Input[]).find((b) => b.block_id === id)!.element!;
    expect(element("name").initial_value).toBe("Renamed CoP");
    // Cleared by the person: it stays cleared, not back to what it held.
    expect(element("goals")).not.toHaveProperty("initial_value");
    expect(element("purposes").initial_options).toEqual([{ text: { type: "plain_text", text: "Knowledge", emoji: true }, value: "knowledge" }]);
    expect(element("size").initial_option).toEqual({ text: { type: "plain_text", text: "Small", emoji: true }, value: "s" });
    expect(element("day").initial_date).toBe("2026-12-01");
    expect(element("host").initial_user).toBe("U01MEMBER");
    // The rest of the modal is untouched: the same form, sealed the same way.
    expect(kept).toMatchObject({ callback_id: modal.callback_id, private_metadata: modal.private_metadata, title: modal.title, submit: modal.submit });
    expect(valuesOf(stateOf(kept.blocks as Input[]))).toEqual({ name: "Renamed CoP", goals: "", purposes: ["knowledge"], size: "s", day: "2026-12-01", host: "U01MEMBER" });
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
