import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { buttonAction, blockActions, newTriggerId, slashCommand, viewSubmission } from "../support/slackRequests.js";

let s: SlackTestApp;
beforeAll(async () => {
  s = await startSlackApp();
});
afterAll(async () => {
  await s?.stop();
});
beforeEach(() => s.fake.reset());

const ephemeralsTo = (user: string) => s.fake.callsTo("chat.postEphemeral").filter((c) => c.args.user === user);
const lastEphemeral = async (user: string, count = 1) => {
  await expect.poll(() => ephemeralsTo(user).length).toBeGreaterThanOrEqual(count);
  return ephemeralsTo(user).at(-1)!;
};

const FORM = {
  name: "Data Stewards CoP",
  domain: "research data management",
  audience: "data stewards in partner universities",
  purposes: ["learning", "relationships"],
  goals: "Share practice\nAgree on templates",
};

/** The state.values Slack sends for the setup modal, block_id = field, action_id = "value". */
function formState(form: Partial<typeof FORM>) {
  const text = (value: string | undefined) => ({ value: { type: "plain_text_input", value: value ?? null } });
  return {
    values: {
      name: text(form.name),
      domain: text(form.domain),
      audience: text(form.audience),
      purposes: { value: { type: "checkboxes", selected_options: (form.purposes ?? []).map((p) => ({ value: p, text: { type: "plain_text", text: p } })) } },
      goals: text(form.goals),
      outcomes: text(undefined),
      participation: text(undefined),
      contribution: text(undefined),
      conflictResolution: text(undefined),
    },
  };
}

async function openSetupModal(channel: string) {
  const trigger = newTriggerId();
  const res = await s.send(slashCommand({ text: "setup", channel_id: channel, trigger_id: trigger }));
  expect(res.status).toBe(200);
  await expect.poll(() => s.fake.callsTo("views.open").length).toBe(1);
  const open = s.fake.callsTo("views.open")[0]!;
  expect(open.ok).toBe(true);
  expect(open.args.trigger_id).toBe(trigger);
  return open.args.view as { callback_id: string; private_metadata: string; blocks: Array<{ block_id?: string }> };
}

async function setUpCommunity(channel: string, form = FORM) {
  const modal = await openSetupModal(channel);
  const res = await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: formState(form) } }));
  expect(res.status).toBe(200);
  await expect.poll(() => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === channel).length).toBe(1);
  s.fake.reset();
}

describe("/cop over real signed requests", () => {
  it("answers /cop help privately with the help, acknowledging at once", async () => {
    const started = Date.now();
    const res = await s.send(slashCommand({ text: "help" }));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    const reply = await lastEphemeral(FAKE_IDS.facilitator);
    expect(reply.ok).toBe(true);
    expect(reply.args.channel).toBe(FAKE_IDS.general);
    expect(String(reply.args.text)).toContain("CoP Companion");
    expect(blocksText(reply.args.blocks)).toContain("/cop setup");
    expect(s.fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("answers an unknown sub-command with help that says what was not understood", async () => {
    await s.send(slashCommand({ text: "frobnicate" }));
    const reply = await lastEphemeral(FAKE_IDS.facilitator);
    expect(blocksText(reply.args.blocks)).toContain('did not understand "frobnicate"');
    expect(blocksText(reply.args.blocks)).toContain("/cop help");
  });

  it("opens the setup modal, shows field errors, then creates the community and posts its charter", async () => {
    const modal = await openSetupModal(FAKE_IDS.general);
    expect(modal.callback_id).toBe("community.setup");
    expect(modal.blocks.map((b) => b.block_id).filter(Boolean)).toEqual([
      "name", "domain", "audience", "purposes", "goals", "outcomes", "participation", "contribution", "conflictResolution",
    ]);
    expect(JSON.parse(modal.private_metadata)).toMatchObject({ spaceKey: `slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`, channelId: FAKE_IDS.general });

    const invalid = await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: formState({ ...FORM, name: "", purposes: [] }) } }));
    expect(invalid.status).toBe(200);
    expect(await invalid.json()).toEqual({ response_action: "errors", errors: { name: "Required.", purposes: "Choose at least one purpose." } });
    expect(await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`)).toBeUndefined();

    const valid = await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: formState(FORM) } }));
    expect(valid.status).toBe(200);
    expect(await valid.text()).toBe("");
    await expect.poll(() => s.fake.callsTo("chat.postMessage").length).toBe(1);
    const charter = s.fake.callsTo("chat.postMessage")[0]!;
    expect(charter).toMatchObject({ ok: true, args: { channel: FAKE_IDS.general } });
    expect(blocksText(charter.args.blocks)).toContain("Data Stewards CoP");
    expect(String(charter.args.text)).toContain("Data Stewards CoP");
    const confirmation = await lastEphemeral(FAKE_IDS.facilitator);
    expect(String(confirmation.args.text)).toContain("*Data Stewards CoP* is set up");

    const space = await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`);
    expect(space).toMatchObject({ platform: "slack", displayName: "#cop-general" });
    const member = await s.app.deps.repos.members.get(space!.communityId, `slack:${FAKE_IDS.teamId}:${FAKE_IDS.facilitator}`);
    expect(member).toMatchObject({ role: "facilitator", displayName: "Ana Facilitator" });
  });

  it("shows the charter with /cop charter and refuses a member's edit privately", async () => {
    await setUpCommunity(FAKE_IDS.private);
    await s.send(slashCommand({ text: "charter", channel_id: FAKE_IDS.private, user_id: FAKE_IDS.facilitator }));
    const charter = await lastEphemeral(FAKE_IDS.facilitator);
    expect(blocksText(charter.args.blocks)).toContain("research data management");
    expect(blocksText(charter.args.blocks)).toContain("Learning and developing practice");

    s.fake.setChannel({ id: FAKE_IDS.private, members: [FAKE_IDS.botUserId, FAKE_IDS.facilitator, FAKE_IDS.member] });
    await s.send(slashCommand({ text: "edit", channel_id: FAKE_IDS.private, user_id: FAKE_IDS.member, user_name: "luc" }));
    const refusal = await lastEphemeral(FAKE_IDS.member);
    expect(String(refusal.args.text)).toContain("Only the facilitators of *Data Stewards CoP* can do that");
    expect(s.fake.callsTo("views.open")).toHaveLength(0);
  });

  it("edits the charter in a modal pre-filled with the stored charter", async () => {
    await s.send(slashCommand({ text: "edit", channel_id: FAKE_IDS.private }));
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(1);
    const modal = s.fake.callsTo("views.open")[0]!.args.view as { callback_id: string; private_metadata: string; blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> };
    expect(modal.callback_id).toBe("community.charter.update");
    expect(modal.blocks.find((b) => b.block_id === "name")?.element?.initial_value).toBe("Data Stewards CoP");
    const res = await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: formState({ ...FORM, name: "Data Stewards Network" }) } }));
    expect(res.status).toBe(200);
    await expect.poll(() => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === FAKE_IDS.private).length).toBe(1);
    expect(blocksText(s.fake.callsTo("chat.postMessage")[0]!.args.blocks)).toContain("Data Stewards Network");
    expect(String((await lastEphemeral(FAKE_IDS.facilitator)).args.text)).toContain("The charter of *Data Stewards Network* was updated.");
  });

  it("runs a button's verb (block_actions) like the same command typed", async () => {
    const res = await s.send(blockActions({ actions: [buttonAction("community.roles.show", "")], channel: { id: FAKE_IDS.private, name: "cop-core-team" } }));
    expect(res.status).toBe(200);
    const roles = await lastEphemeral(FAKE_IDS.facilitator);
    expect(blocksText(roles.args.blocks)).toContain("Roles in Data Stewards Network");
    expect(blocksText(roles.args.blocks)).toContain("Ana Facilitator");
  });

  it("asks users.info for the locale and remembers how to reach the person", async () => {
    s.fake.setUser({ id: "U01NEWBIE", name: "rui", real_name: "Rui Newcomer", locale: "pt-BR" });
    s.fake.setChannel({ id: FAKE_IDS.general, members: [FAKE_IDS.botUserId, FAKE_IDS.facilitator, FAKE_IDS.member, "U01NEWBIE"] });
    await s.send(slashCommand({ text: "help", user_id: "U01NEWBIE", user_name: "rui" }));
    await lastEphemeral("U01NEWBIE");
    const info = s.fake.callsTo("users.info").find((c) => c.args.user === "U01NEWBIE");
    expect(String(info?.args.include_locale)).toBe("true");
    const ref = await s.app.deps.repos.conversationRefs.get(`slack:${FAKE_IDS.teamId}:U01NEWBIE`);
    expect(ref).toMatchObject({ platform: "slack", unreachable: false, reference: { userId: "U01NEWBIE", teamId: FAKE_IDS.teamId } });
    const space = await s.app.deps.repos.conversationRefs.get(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`);
    expect(space).toMatchObject({ reference: { channelId: FAKE_IDS.general } });
  });

  it("acknowledges within Slack's 3 seconds when its Web API is slow, and answers afterwards", async () => {
    s.fake.setUser({ id: "U01SLOWPOKE", name: "sam", real_name: "Sam Slow" });
    s.fake.setChannel({ id: "C01SLOW", name: "cop-slow", members: [FAKE_IDS.botUserId, "U01SLOWPOKE"] });
    s.fake.slow("users.info", 3_500);
    const started = Date.now();
    const res = await s.send(slashCommand({ text: "help", user_id: "U01SLOWPOKE", channel_id: "C01SLOW" }));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(ephemeralsTo("U01SLOWPOKE")).toHaveLength(0);
    await expect.poll(() => ephemeralsTo("U01SLOWPOKE").length, { timeout: 10_000 }).toBe(1);
  });

  it("closes a submitted modal within the budget when the answer is slow, then posts it", async () => {
    const modal = await openSetupModal("C01SLOW");
    s.fake.setUser({ id: "U01LATE", name: "lee", real_name: "Lee Late" });
    s.fake.slow("users.info", 3_500);
    const started = Date.now();
    const res = await s.send(viewSubmission({
      view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: formState({ ...FORM, name: "Slow CoP" }) },
      user: { id: "U01LATE", username: "lee", name: "lee", team_id: FAKE_IDS.teamId },
    }));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect.poll(() => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "C01SLOW").length, { timeout: 10_000 }).toBe(1);
    expect(blocksText(s.fake.callsTo("chat.postMessage").at(-1)!.args.blocks)).toContain("Slow CoP");
  });

  it("lists its Slack endpoint in the start-up log", () => {
    expect(s.app.describe().join("\n")).toContain(`POST ${s.app.url}/slack/events: Slack events, the /cop command and interactivity (single-workspace)`);
  });
});
