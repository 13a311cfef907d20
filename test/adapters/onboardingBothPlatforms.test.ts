import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { linkTeamsAndSlack } from "../support/linked.js";
import { FAST } from "../support/scheduling.js";
import { blocksText, slackButton, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction, eventCallback, events, slashCommand, viewSubmission } from "../support/slackRequests.js";
import { ADELE, TENANT, cardOf, cardText, inputsOf, membersAdded, message, post, press, thread, type TeamsUser } from "../support/teamsActivities.js";

/**
 * The welcome and the expertise finder through the real adapters, in a community linked across Teams and Slack:
 * a join delivered twice gives one direct message on each platform, and `who knows` typed in Slack finds a Teams
 * member (named, with their platform) and a Slack member (as a mention).
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
let communityId: string;
beforeAll(async () => {
  connector = await startFakeBotConnector();
  s = await startSlackApp({ options: { scheduling: FAST } });
  communityId = await linkTeamsAndSlack(s, connector);
});
afterAll(async () => {
  await s?.stop();
  await connector?.stop();
});

const LUC = `slack:${FAKE_IDS.teamId}:${FAKE_IDS.member}`;
const ADELE_KEY = `teams:${TENANT}:${ADELE.aadObjectId}`;

describe("onboarding across Teams and Slack", () => {
  it("welcomes a Slack member who joins the channel with one direct message, though Slack delivered the join twice; its button opens the profile form", async () => {
    for (let i = 0; i < 2; i++) expect((await s.send(eventCallback(events.memberJoinedChannel({ user: FAKE_IDS.member, channel: FAKE_IDS.general })))).status).toBe(200);
    const dmChannels = () => new Map(s.fake.callsTo("conversations.open").map((c) => [(c.response as { channel: { id: string } }).channel.id, String(c.args.users)]));
    const welcomes = () => s.fake.callsTo("chat.postMessage").filter((c) => c.ok && dmChannels().get(String(c.args.channel)) === FAKE_IDS.member && blocksText(c.args.blocks).includes("Welcome to"));
    await expect.poll(() => welcomes().length, { timeout: 20_000 }).toBe(1);
    const text = blocksText(welcomes()[0]!.args.blocks);
    expect(text).toContain("Facilitated by");
    expect(text).toContain("/cop profile");
    expect(text).toContain("Write my intro profile");
    await expect.poll(async () => (await s.app.deps.repos.members.get(communityId, LUC)) !== undefined).toBe(true);
    expect(welcomes()).toHaveLength(1);

    // The button in the DM opens the profile form (a modal) for the community, and saving it shares the profile.
    const dm = String(welcomes()[0]!.args.channel);
    const button = slackButton(welcomes()[0]!.args.blocks, "Write my intro profile");
    const luc = { id: FAKE_IDS.member, username: "luc", name: "luc", team_id: FAKE_IDS.teamId };
    const modals = s.fake.callsTo("views.open").length;
    const pressed = blockActions({ user: luc, channel: { id: dm, name: "directmessage" }, container: { type: "message", message_ts: "1700000000.000100", channel_id: dm, is_ephemeral: false }, actions: [buttonAction(button.action_id!, button.value!)] });
    expect((await s.send(pressed)).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(modals + 1);
    const modal = s.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string; blocks: ModalBlock[] };
    expect(blocksText(modal.blocks)).toContain("Time zone");
    const state = modalState(modal.blocks, { organisation: "Université de Lyon", expertise: "Curation workflows", timezone: "Europe/Paris", visible: "yes", introduce: "no" });
    expect((await s.send(viewSubmission({ user: luc, view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state } }))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.members.get(communityId, LUC))?.profile).toMatchObject({ organisation: "Université de Lyon", expertise: ["Curation workflows"], visible: true });
  });

  it("welcomes a Teams member added to the channel with one message in their 1:1 chat, though the update came twice; its button opens the profile form there", async () => {
    for (let i = 0; i < 2; i++) expect((await post(s.app.url, membersAdded(connector.serviceUrl, [{ id: ADELE.id, aadObjectId: ADELE.aadObjectId }]))).status).toBe(200);
    const chatsOf = (user: TeamsUser) => connector.calls.filter((c) => c.kind === "createConversation" && c.status < 300 && JSON.stringify(c.body).includes(user.id)).map((c) => c.conversationId!);
    const welcomes = () => [...new Set(chatsOf(ADELE))].flatMap((id) => connector.activitiesTo(id)).filter((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Welcome to"));
    await expect.poll(() => welcomes().length, { timeout: 20_000 }).toBe(1);
    const card = cardOf(welcomes()[0]);
    expect(cardText(card.body)).toContain("@CoP Companion profile");
    expect(card.actions?.map((a) => a.title)).toContain("Write my intro profile");
    await expect.poll(async () => (await s.app.deps.repos.members.get(communityId, ADELE_KEY)) !== undefined).toBe(true);
    expect(welcomes()).toHaveLength(1);

    // Its button opens the profile form right there, in her own chat (Action.Submit: Teams mobile too).
    expect((await post(s.app.url, press(connector.serviceUrl, welcomes()[0]!, "Write my intro profile", { place: "personal", user: ADELE }))).status).toBe(200);
    await expect.poll(() => connector.activitiesTo(`a:1personal-${ADELE.aadObjectId}`).some((a) => a.attachments?.length && "expertise" in inputsOf(cardOf(a)))).toBe(true);
  });

  it("finds, from Slack, a Teams member and a Slack member by their shared expertise, each with how to reach them", async () => {
    // Adele writes her profile in Teams: `profile` in the channel puts a button in her own chat (no form in the
    // channel, where everyone would read it); the form opens there.
    const where = { place: "channel" as const, threadId: "5", user: ADELE };
    expect((await post(s.app.url, message(connector.serviceUrl, "profile", where))).status).toBe(200);
    const prompt = () => connector.activitiesTo(`a:1personal-${ADELE.aadObjectId}`).find((a) => a.attachments?.length && cardText(cardOf(a).body).includes("goes in a form only you see"));
    await expect.poll(prompt).toBeTruthy();
    const personal = { place: "personal" as const, user: ADELE };
    expect((await post(s.app.url, press(connector.serviceUrl, prompt()!, "Open my profile form", personal))).status).toBe(200);
    const forms = () => connector.activitiesTo(`a:1personal-${ADELE.aadObjectId}`).filter((a) => a.attachments?.length && "expertise" in inputsOf(cardOf(a)));
    await expect.poll(() => forms().length).toBe(2);
    const form = () => forms().at(-1);
    expect(connector.activitiesTo(thread("5")).some((a) => a.attachments?.length && "expertise" in inputsOf(cardOf(a)))).toBe(false);
    const values = { expertise: "Data curation\nOntologies", timezone: "Europe/Paris", visible: "yes", introduce: "no" };
    expect((await post(s.app.url, press(connector.serviceUrl, form()!, "Save", { ...personal, values }))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.members.get(communityId, ADELE_KEY))?.profile.expertise).toEqual(["Data curation", "Ontologies"]);
    // Luc shared his from Slack, through the welcome's button (above).
    expect((await s.send(slashCommand({ text: "who knows data curation", user_id: FAKE_IDS.facilitator }))).status).toBe(200);
    const answer = () => s.fake.ephemerals().find((c) => c.args.user === FAKE_IDS.facilitator && blocksText(c.args.blocks).includes("Who knows about data curation"));
    await expect.poll(answer, { timeout: 10_000 }).toBeTruthy();
    const text = blocksText(answer()!.args.blocks);
    expect(text).toContain("*Adele Vance* on Microsoft Teams");
    expect(text).toContain(`<@${FAKE_IDS.member}> on Slack`);
    // Adele matches the whole topic, Luc one word of it: she comes first.
    expect(text.indexOf("Adele Vance")).toBeLessThan(text.indexOf(`<@${FAKE_IDS.member}>`));
  });
});

type ModalBlock = { block_id?: string; element?: { type?: string } };
/** The state Slack sends for a submitted modal: each field's element type with the values a person picked or typed. */
function modalState(blocks: ModalBlock[], values: Record<string, string>) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of blocks) {
    if (!block.block_id || !block.element?.type) continue;
    const { type } = block.element;
    const value = values[block.block_id];
    const selected = value === undefined ? null : { value, text: { type: "plain_text", text: value } };
    state[block.block_id] = { value: type === "static_select" || type === "radio_buttons" ? { type, selected_option: selected } : { type, value: value ?? null } };
  }
  return { values: state };
}
