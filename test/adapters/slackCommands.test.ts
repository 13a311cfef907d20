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

const ephemeralsTo = (user: string) => s.fake.ephemerals().filter((c) => c.args.user === user);
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

    const invalid = await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: formState({ ...FORM, name: "", purposes: [] }) } }));
    expect(invalid.status).toBe(200);
    expect(await invalid.json()).toEqual({ response_action: "errors", errors: { name: "Required.", purposes: "Choose at least one." } });
    expect(await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`)).toBeUndefined();

    const valid = await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: formState(FORM) } }));
    expect(valid.status).toBe(200);
    expect(await valid.text()).toBe("");
    await expect.poll(() => s.fake.callsTo("chat.postMessage").length).toBe(1);
    const charter = s.fake.callsTo("chat.postMessage")[0]!;
    // A view_submission names no channel: the one sealed into private_metadata when the modal opened is used.
    expect(charter).toMatchObject({ ok: true, args: { channel: FAKE_IDS.general } });
    expect(blocksText(charter.args.blocks)).toContain("Data Stewards CoP");
    expect(String(charter.args.text)).toContain("Data Stewards CoP");
    // The confirmation is for the person who submitted: ephemeral in the form's channel, not posted.
    const confirmation = await lastEphemeral(FAKE_IDS.facilitator);
    expect(confirmation.args.channel).toBe(FAKE_IDS.general);
    expect(String(confirmation.args.text)).toContain("Data Stewards CoP is set up in this space, and you are its facilitator.");
    expect(blocksText(confirmation.args.blocks)).toContain("*Data Stewards CoP* is set up");
    expect(s.fake.callsTo("chat.postMessage")).toHaveLength(1);

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
    expect(String(refusal.args.text)).toContain("Only the facilitators of Data Stewards CoP can do that. Ask Ana Facilitator.");
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
    expect(String((await lastEphemeral(FAKE_IDS.facilitator)).args.text)).toContain("The charter of Data Stewards Network was updated.");
  });

  it("refuses a modal whose private_metadata was changed to point at another channel, and changes nothing", async () => {
    s.fake.setChannel({ id: "C01TARGET", name: "cop-target", members: [FAKE_IDS.botUserId, FAKE_IDS.facilitator] });
    const modal = await openSetupModal(FAKE_IDS.shared);
    // The sealed context names the channel the form was opened in; someone rewrites it to another one.
    const [body, mac] = modal.private_metadata.split(".");
    const sealed = JSON.parse(Buffer.from(body!, "base64url").toString()) as { space: { spaceKey: string; displayName: string } };
    expect(sealed.space.spaceKey).toBe(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.shared}`);
    const forged = { ...sealed, space: { ...sealed.space, spaceKey: `slack:${FAKE_IDS.teamId}:C01TARGET`, displayName: "#cop-target" } };
    const tampered = `${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${mac!}`;

    const res = await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: tampered, blocks: modal.blocks, state: formState({ ...FORM, name: "Hijacked CoP" }) } }));
    expect(res.status).toBe(200);
    // The person is told, privately, that the form could not be checked; neither channel gets anything.
    const told = () => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === FAKE_IDS.facilitator);
    await expect.poll(() => told().length).toBe(1);
    expect(String(told()[0]!.args.text)).toContain("This form could not be checked");
    expect(s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel !== FAKE_IDS.facilitator)).toEqual([]);
    expect(s.fake.ephemerals()).toEqual([]);
    expect(await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:C01TARGET`)).toBeUndefined();
    expect(await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.shared}`)).toBeUndefined();
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

  it("keeps a slowly saved modal open with what was typed, within the budget, then posts the charter", async () => {
    s.fake.setUser({ id: "U01LATE", name: "lee", real_name: "Lee Late" });
    s.fake.setChannel({ id: "C01SLOW", name: "cop-slow", members: [FAKE_IDS.botUserId, "U01SLOWPOKE", "U01LATE"] });
    // users.info fails while Lee opens the form (a failed lookup is not cached), then is slow when Lee submits it.
    s.fake.fail("users.info", { error: "fatal_error", when: (args) => args.user === "U01LATE" });
    await s.send(slashCommand({ text: "setup", channel_id: "C01SLOW", user_id: "U01LATE", user_name: "lee" }));
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(1);
    const modal = s.fake.callsTo("views.open")[0]!.args.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    const viewId = (s.fake.callsTo("views.open")[0]!.response as { view?: { id?: string } }).view?.id;
    s.fake.slow("users.info", 3_500);
    const started = Date.now();
    const res = await s.send(viewSubmission({
      // Slack sends the view as it was opened, with what was typed in state.values.
      view: { id: viewId, callback_id: modal.callback_id, private_metadata: modal.private_metadata, blocks: modal.blocks, state: formState({ ...FORM, name: "Slow CoP" }) },
      user: { id: "U01LATE", username: "lee", name: "lee", team_id: FAKE_IDS.teamId },
    }));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    // The modal stays open, says so, and holds what was typed.
    const kept = (await res.json()) as { response_action: string; view: { blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> } };
    expect(kept.response_action).toBe("update");
    expect(blocksText(kept.view.blocks)).toContain("Saving is taking longer than it should. Your entries are kept below");
    expect(kept.view.blocks.find((b) => b.block_id === "name")?.element?.initial_value).toBe("Slow CoP");
    expect(kept.view.blocks.find((b) => b.block_id === "goals")?.element?.initial_value).toBe(FORM.goals);
    // It went through after all: the channel sees the charter, and Lee is told privately.
    await expect.poll(() => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "C01SLOW").length, { timeout: 10_000 }).toBe(1);
    expect(blocksText(s.fake.callsTo("chat.postMessage").at(-1)!.args.blocks)).toContain("Slow CoP");
    await expect.poll(() => ephemeralsTo("U01LATE").length).toBe(1);
    expect(String(ephemeralsTo("U01LATE")[0]!.args.text)).toContain("Slow CoP is set up");
    // The modal, still open, no longer asks Lee to submit again.
    const update = s.fake.callsTo("views.update").find((c) => c.args.view_id === viewId);
    expect(update?.ok).toBe(true);
    expect(blocksText((update!.args.view as { blocks: unknown }).blocks)).toContain("Saved after all: there is no need to submit again");
  });

  it("lists its Slack endpoint in the start-up log", () => {
    expect(s.app.describe().join("\n")).toContain(`POST ${s.app.url}/slack/events: Slack events, the /cop command and interactivity (single-workspace)`);
  });
});
