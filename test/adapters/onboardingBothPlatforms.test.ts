import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Profile } from "../../src/core/domain.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { linkTeamsAndSlack } from "../support/linked.js";
import { FAST } from "../support/scheduling.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { eventCallback, events, slashCommand } from "../support/slackRequests.js";
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
  it("welcomes a Slack member who joins the channel with one direct message, though Slack delivered the join twice", async () => {
    for (let i = 0; i < 2; i++) expect((await s.send(eventCallback(events.memberJoinedChannel({ user: FAKE_IDS.member, channel: FAKE_IDS.general })))).status).toBe(200);
    const dmChannels = () => new Map(s.fake.callsTo("conversations.open").map((c) => [(c.response as { channel: { id: string } }).channel.id, String(c.args.users)]));
    const welcomes = () => s.fake.callsTo("chat.postMessage").filter((c) => c.ok && dmChannels().get(String(c.args.channel)) === FAKE_IDS.member && blocksText(c.args.blocks).includes("Welcome to"));
    await expect.poll(() => welcomes().length, { timeout: 20_000 }).toBe(1);
    const text = blocksText(welcomes()[0]!.args.blocks);
    expect(text).toContain("Facilitated by");
    expect(text).toContain("/cop profile");
    expect(text).toContain("Write my intro profile");
    // Nothing more arrives once the scheduler has nothing left to deliver.
    await expect.poll(async () => (await s.app.deps.repos.members.get(communityId, LUC)) !== undefined).toBe(true);
    expect(welcomes()).toHaveLength(1);
  });

  it("welcomes a Teams member added to the channel with one message in their 1:1 chat, though the update came twice", async () => {
    for (let i = 0; i < 2; i++) expect((await post(s.app.url, membersAdded(connector.serviceUrl, [{ id: ADELE.id, aadObjectId: ADELE.aadObjectId }]))).status).toBe(200);
    const chatsOf = (user: TeamsUser) => connector.calls.filter((c) => c.kind === "createConversation" && c.status < 300 && JSON.stringify(c.body).includes(user.id)).map((c) => c.conversationId!);
    const welcomes = () => [...new Set(chatsOf(ADELE))].flatMap((id) => connector.activitiesTo(id)).filter((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Welcome to"));
    await expect.poll(() => welcomes().length, { timeout: 20_000 }).toBe(1);
    const card = cardOf(welcomes()[0]);
    expect(cardText(card.body)).toContain("@CoP Companion profile");
    expect(card.actions?.map((a) => a.title)).toContain("Write my intro profile");
    await expect.poll(async () => (await s.app.deps.repos.members.get(communityId, ADELE_KEY)) !== undefined).toBe(true);
    expect(welcomes()).toHaveLength(1);
  });

  it("finds, from Slack, a Teams member and a Slack member by their shared expertise, each with how to reach them", async () => {
    // Adele writes her profile in Teams: `profile` in the channel, the form, Save.
    const where = { place: "channel" as const, threadId: "5", user: ADELE };
    expect((await post(s.app.url, message(connector.serviceUrl, "profile", where))).status).toBe(200);
    const form = () => connector.activitiesTo(thread("5")).find((a) => a.attachments?.length && "expertise" in inputsOf(cardOf(a)));
    await expect.poll(form).toBeTruthy();
    const values = { expertise: "Data curation\nOntologies", timezone: "Europe/Paris", visible: "yes", introduce: "no" };
    expect((await post(s.app.url, press(connector.serviceUrl, form()!, "Save", { ...where, values }))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.members.get(communityId, ADELE_KEY))?.profile.expertise).toEqual(["Data curation", "Ontologies"]);
    // Luc's profile is already shared (written in Slack: the form's path there is the integration tests').
    const luc = (await s.app.deps.repos.members.get(communityId, LUC))!;
    await s.app.deps.repos.members.save({ ...luc, profile: Profile.parse({ expertise: ["Curation workflows"], visible: true }) });
    expect((await s.send(slashCommand({ text: "who knows data curation", user_id: FAKE_IDS.facilitator }))).status).toBe(200);
    const answer = () => s.fake.callsTo("chat.postEphemeral").find((c) => c.args.user === FAKE_IDS.facilitator && blocksText(c.args.blocks).includes("Who knows about data curation"));
    await expect.poll(answer, { timeout: 10_000 }).toBeTruthy();
    const text = blocksText(answer()!.args.blocks);
    expect(text).toContain("*Adele Vance* on Microsoft Teams");
    expect(text).toContain(`<@${FAKE_IDS.member}> on Slack`);
    // Adele matches the whole topic, Luc one word of it: she comes first.
    expect(text.indexOf("Adele Vance")).toBeLessThan(text.indexOf(`<@${FAKE_IDS.member}>`));
  });
});
