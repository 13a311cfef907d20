import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import {
  ADELE,
  BOT,
  GENERAL,
  GOOD_FORM,
  MEGAN,
  TENANT,
  cardOf,
  cardText,
  executeAction,
  installationUpdate,
  membersAdded,
  message,
  post,
  submitAction,
  type Card,
} from "../support/teamsActivities.js";

let app: TestApp;
let connector: FakeBotConnector;

beforeEach(async () => {
  // Teams' strictest documented message size, so an oversize card fails here before it fails in Teams.
  connector = await startFakeBotConnector({ maxMessageBytes: 28 * 1024 });
  app = await startTestApp();
});
afterEach(async () => {
  await app.stop();
  await connector.stop();
});

const buttons = (card: Card) => (card.actions ?? []).map((a) => a.title);
const sentTo = (conversationId: string) => connector.activitiesTo(conversationId);
const personalChat = `a:1personal-${MEGAN.aadObjectId}`;
const spaceKey = `teams:${TENANT}:${GENERAL.id}`;

async function setUpCommunity(): Promise<void> {
  const created = await post(app.url, executeAction(connector.serviceUrl, "community.setup", GOOD_FORM, { place: "channel", threadId: "1" }));
  expect(created.status).toBe(200);
}

describe("Teams adapter: activities at the real /api/messages", () => {
  it("answers `help` in a personal chat with the help card and stores both conversation references", async () => {
    const { status } = await post(app.url, message(connector.serviceUrl, "help", { locale: "en-GB" }));
    expect(status).toBe(200);

    const [reply] = sentTo(personalChat);
    const card = cardOf(reply);
    expect(cardText(card.body)).toContain("CoP Companion: what I can do");
    expect(cardText(card.body)).toContain("This space is not part of a community yet.");
    expect(buttons(card)).toEqual(["Set up a community"]);
    expect(card.fallbackText).toMatch(/CoP Companion: what I can do/);
    expect(reply!.summary).toBe(card.fallbackText);
    expect(reply!.text).toBeUndefined(); // no @mention in a 1:1 chat

    const space = await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${personalChat}`);
    expect(space?.reference).toMatchObject({ serviceUrl: connector.serviceUrl, conversation: { id: personalChat }, bot: { id: BOT.id } });
    const person = await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${MEGAN.aadObjectId}`);
    expect(person?.reference).toMatchObject({ conversation: { id: personalChat, conversationType: "personal" }, user: { id: MEGAN.id } });
    expect(person?.reference).not.toHaveProperty("activityId");
  });

  it("strips the @mention in a channel and answers in the thread, mentioning the person", async () => {
    await post(app.url, message(connector.serviceUrl, "setup", { place: "channel", threadId: "100" }));

    const [reply] = sentTo(`${GENERAL.id};messageid=100`);
    expect(reply!.text).toBe(`For <at>${MEGAN.name}</at>:`);
    expect(reply!.entities).toEqual([{ type: "mention", text: `<at>${MEGAN.name}</at>`, mentioned: { id: MEGAN.id, name: MEGAN.name } }]);
    const card = cardOf(reply);
    expect(cardText(card.body)).toContain("Set up a community of practice");
    expect(cardText(card.body)).toContain("Domain (the shared area of practice)");
    expect(card.actions).toMatchObject([{ type: "Action.Execute", verb: "community.setup", title: "Create community" }]);
    const channelRef = await app.deps.repos.conversationRefs.get(spaceKey);
    expect(channelRef?.reference).toMatchObject({ conversation: { id: GENERAL.id } }); // the channel, not the thread
  });

  it("sets a community up through Action.Execute: the card turns into a confirmation and the charter is posted", async () => {
    const { status, body } = await post(app.url, executeAction(connector.serviceUrl, "community.setup", GOOD_FORM, { place: "channel", threadId: "7" }));
    expect(status).toBe(200);
    const response = body as { statusCode: number; type: string; value: Card };
    expect(response).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(cardText(response.value.body)).toContain("✅ **Data Stewards CoP** is set up in this space, and you are its facilitator.");

    const [charter] = sentTo(`${GENERAL.id};messageid=7`);
    expect(charter!.text).toBeUndefined(); // for everyone: no mention
    const text = cardText(cardOf(charter).body);
    for (const expected of ["Data Stewards CoP", "Pilot", "Research data management", "Learning and developing practice", "Write a common checklist", "Megan Bowen", "1 member"]) {
      expect(text).toContain(expected);
    }
    expect(buttons(cardOf(charter))).toEqual(["Edit charter", "Roles"]);

    const space = await app.deps.repos.spaces.find(spaceKey);
    const community = await app.deps.repos.communities.get(space!.communityId);
    expect(community?.value.charter).toMatchObject({ name: "Data Stewards CoP", purposes: ["learning", "knowledge"], goals: ["Share practice", "Write a common checklist"] });
    const facilitator = await app.deps.repos.members.get(space!.communityId, `teams:${TENANT}:${MEGAN.aadObjectId}`);
    expect(facilitator).toMatchObject({ role: "facilitator", displayName: MEGAN.name, profile: { timezone: "Europe/Berlin" } });
  });

  it("posts a charter whose text people typed without the markdown in it: no live links", async () => {
    const phish = "[Re-authenticate](https://phish.example)";
    const form = { ...GOOD_FORM, name: "Data **Stewards**", goals: `${phish}\nShare practice`, participation: `_${phish}_` };
    await post(app.url, executeAction(connector.serviceUrl, "community.setup", form, { place: "channel", threadId: "8" }));
    const [charter] = sentTo(`${GENERAL.id};messageid=8`);
    const text = cardText(cardOf(charter).body);
    expect(text).toContain(String.raw`• \[Re-authenticate\](https://phish.example)`);
    expect(text).toContain(String.raw`Data \*\*Stewards\*\*`);
    expect(text).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
    expect(charter!.summary).toContain("Data **Stewards**"); // the notification text is plain: shown as typed
  });

  it("returns the same form with the field errors when a card submit has bad fields, storing nothing", async () => {
    const bad = { ...GOOD_FORM, name: "", purposes: "", audience: "x".repeat(250) };
    const { body } = await post(app.url, executeAction(connector.serviceUrl, "community.setup", bad, { place: "channel" }));
    const card = (body as { value: Card }).value;
    const text = cardText(card.body);
    expect(text).toContain("Set up a community of practice");
    expect(text).toContain("⚠ Please correct the highlighted fields.");
    expect(text).toContain("⚠ Required.");
    expect(text).toContain("⚠ Choose at least one purpose.");
    expect(text).toContain("⚠ At most 200 characters.");
    expect(text).toContain("Research data management"); // what the person typed is kept
    expect(card.actions).toMatchObject([{ verb: "community.setup" }]);
    expect(await app.deps.repos.spaces.find(spaceKey)).toBeUndefined();
    expect(sentTo(GENERAL.id)).toEqual([]);
  });

  it("gives a non-facilitator the core's polite refusal naming who can act", async () => {
    await setUpCommunity();
    const { body } = await post(app.url, executeAction(connector.serviceUrl, "community.charter.edit", {}, { place: "channel", user: ADELE }));
    const text = cardText((body as { value: Card }).value.body);
    expect(text).toBe("⛔ Only the facilitators of **Data Stewards CoP** can do that. Ask Megan Bowen.");
  });

  it("handles the Action.Submit fallback as a message carrying the verb", async () => {
    await setUpCommunity();
    const { status } = await post(app.url, submitAction(connector.serviceUrl, { verb: "community.charter.show" }, { place: "channel", user: ADELE, threadId: "9" }));
    expect(status).toBe(200);
    const [reply] = sentTo(`${GENERAL.id};messageid=9`);
    expect(reply!.text).toBe(`For <at>${ADELE.name}</at>:`);
    expect(cardText(cardOf(reply).body)).toContain("Research data management");
    expect(buttons(cardOf(reply))).toEqual(["Roles"]); // not a facilitator: no edit button
  });

  it("answers a card with an unknown verb with help, not an error", async () => {
    const { status, body } = await post(app.url, executeAction(connector.serviceUrl, "community.explode", {}, { place: "channel" }));
    expect(status).toBe(200);
    expect(cardText((body as { value: Card }).value.body)).toContain('Sorry, I did not understand "community.explode"');
    expect(await app.deps.repos.spaces.find(spaceKey)).toBeUndefined();
  });

  it("gives back the form with the wrongly typed fields marked, keeping what could be read, storing nothing", async () => {
    const { status, body } = await post(app.url, executeAction(connector.serviceUrl, "community.setup", { ...GOOD_FORM, name: { nested: true } }, { place: "channel" }));
    expect(status).toBe(200);
    const card = (body as { value: Card }).value;
    const text = cardText(card.body);
    expect(text).toContain("Set up a community of practice");
    expect(text).toContain("⚠ Please correct the highlighted fields.");
    expect(text).toContain("⚠ This could not be read. Please enter it again.");
    expect(text).toContain("Research data management");
    expect(text).not.toContain("Sorry, I did not understand");
    expect(card.actions).toMatchObject([{ verb: "community.setup" }]);
    expect(await app.deps.repos.spaces.find(spaceKey)).toBeUndefined();
  });

  it("answers other card actions with fields of the wrong shape with a clear private notice", async () => {
    await setUpCommunity();
    const { body } = await post(app.url, executeAction(connector.serviceUrl, "community.status.set", { status: ["launched"] }, { place: "channel" }));
    expect(cardText((body as { value: Card }).value.body)).toMatch(/^⛔ That request was not understood: status: /);
    expect(app.logs.filter((l) => l.msg === "Teams turn failed")).toEqual([]);
  });

  it("links a group chat to the channel's community with the code `link` gives the facilitator", async () => {
    await setUpCommunity();
    await post(app.url, message(connector.serviceUrl, "link", { place: "channel", threadId: "20" }));
    const chat = connector.calls.find((c) => c.kind === "createConversation")!.conversationId!;
    const offer = cardText(cardOf(sentTo(chat)[0]).body);
    const code = /in Teams: `link ([^`]+)`/.exec(offer)?.[1];
    expect(code, offer).toBeTruthy();

    await post(app.url, message(connector.serviceUrl, `link ${code}`, { place: "groupChat", user: ADELE }));
    const [linked] = sentTo("19:group-chat-cop@thread.v2");
    expect(cardText(cardOf(linked).body)).toContain("This space is now part of **Data Stewards CoP**");
    expect(await app.deps.repos.spaces.find(`teams:${TENANT}:19:group-chat-cop@thread.v2`)).toMatchObject({ platform: "teams" });
  });

  it("answers an unknown text command with the help card", async () => {
    await post(app.url, message(connector.serviceUrl, "make coffee"));
    const text = cardText(cardOf(sentTo(personalChat)[0]).body);
    expect(text).toContain('Sorry, I did not understand "make coffee". Here is what I can do.');
  });

  it("welcomes the team when the bot is added and remembers members added later", async () => {
    const { status } = await post(app.url, membersAdded(connector.serviceUrl, [{ id: BOT.id }]));
    expect(status).toBe(200);
    const [welcome] = sentTo(GENERAL.id);
    expect(cardText(cardOf(welcome).body)).toContain("Thanks for adding me!");
    expect(welcome!.text).toBeUndefined();
    expect(await app.deps.repos.conversationRefs.get(spaceKey)).toMatchObject({ platform: "teams", unreachable: false });

    await post(app.url, membersAdded(connector.serviceUrl, [{ id: ADELE.id, aadObjectId: ADELE.aadObjectId }]));
    const adele = await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${ADELE.aadObjectId}`);
    // No 1:1 chat yet: who she is and where, so the Messenger can open one.
    expect(adele?.reference).toMatchObject({ user: { id: ADELE.id }, serviceUrl: connector.serviceUrl, conversation: { id: "", conversationType: "personal", tenantId: TENANT } });
    expect(sentTo(GENERAL.id)).toHaveLength(1); // members get no message from this workflows
  });

  it("stores references on installationUpdate add and marks them unreachable on remove", async () => {
    expect((await post(app.url, installationUpdate(connector.serviceUrl, "add"))).status).toBe(200);
    const key = `teams:${TENANT}:${personalChat}`;
    expect(await app.deps.repos.conversationRefs.get(key)).toMatchObject({ unreachable: false });
    expect((await post(app.url, installationUpdate(connector.serviceUrl, "remove"))).status).toBe(200);
    expect(await app.deps.repos.conversationRefs.get(key)).toMatchObject({ unreachable: true });
    expect(await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${MEGAN.aadObjectId}`)).toMatchObject({ unreachable: true });
    expect(connector.calls.filter((c) => c.kind !== "token")).toEqual([]);
  });

  it("answers activities it does not handle with 200 and does nothing", async () => {
    const base = message(connector.serviceUrl, "hi");
    for (const activity of [
      { ...base, type: "messageReaction", reactionsAdded: [{ type: "like" }], text: undefined },
      { ...base, type: "typing", text: undefined },
      { ...base, type: "invoke", name: "composeExtension/query", value: { commandId: "search" }, text: undefined },
      { ...base, type: "event", name: "application/vnd.microsoft.meetingStart", text: undefined },
    ]) {
      const { status } = await post(app.url, activity);
      expect(status, activity.type).toBe(200);
    }
    expect(connector.calls).toEqual([]);
  });

  it("refuses a body that is not an activity", async () => {
    expect((await post(app.url, { hello: "world" })).status).toBe(400);
    expect(connector.calls).toEqual([]);
  });
});
