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
  buttonsOf,
  cardOf,
  cardText,
  executeAction,
  inputsOf,
  installationUpdate,
  membersAdded,
  message,
  post,
  press,
  setUpInChannel,
  shownNow,
  submitAction,
  thread,
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

const buttons = (card: Card) => buttonsOf(card).map((a) => a.title);
const sentTo = (conversationId: string) => connector.activitiesTo(conversationId);
/** What a conversation shows now, each message as last updated. */
const shown = (conversationId: string) => shownNow(connector.activitiesTo(conversationId));
const textOf = (activity: { attachments?: Array<{ contentType?: string; content?: unknown }> } | undefined) => cardText(cardOf(activity).body);
const personalChat = `a:1personal-${MEGAN.aadObjectId}`;
const spaceKey = `teams:${TENANT}:${GENERAL.id}`;
/** The 1:1 chat the app opened with a person in this test. */
const chatOpenedWith = (user: { id: string }) =>
  connector.calls.find((c) => c.kind === "createConversation" && c.status === 201 && JSON.stringify(c.body).includes(user.id))?.conversationId ?? "(none)";

/** The setup form the app posts in a channel thread when `setup` is typed there. */
async function setupForm(threadId: string) {
  await post(app.url, message(connector.serviceUrl, "setup", { place: "channel", threadId }));
  return shown(thread(threadId))[0]!;
}

describe("Teams adapter: activities at the real /api/messages", () => {
  it("answers `help` in a personal chat with the help card, offering no setup there, and stores both conversation references", async () => {
    const { status } = await post(app.url, message(connector.serviceUrl, "help", { locale: "en-GB" }));
    expect(status).toBe(200);

    const [reply] = sentTo(personalChat);
    const card = cardOf(reply);
    expect(cardText(card.body)).toContain("CoP Companion: what I can do");
    expect(cardText(card.body)).toContain("This is your private chat with me. Communities live in channels and group chats: add me to one and type “@CoP Companion setup” there");
    expect(buttons(card)).toEqual([]); // setting up happens in a channel
    expect(card.fallbackText).toBe("What CoP Companion can do here: help and my events.");
    expect(reply!.summary).toBe(card.fallbackText);
    expect(reply!.text).toBeUndefined(); // no @mention in a 1:1 chat

    const space = await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${personalChat}`);
    expect(space?.reference).toMatchObject({ serviceUrl: connector.serviceUrl, conversation: { id: personalChat }, bot: { id: BOT.id } });
    const person = await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${MEGAN.aadObjectId}`);
    expect(person?.reference).toMatchObject({ conversation: { id: personalChat, conversationType: "personal" }, user: { id: MEGAN.id } });
    expect(person?.reference).not.toHaveProperty("activityId");
  });

  it("offers setup in a channel that has no community yet, with a button that opens the form", async () => {
    await post(app.url, message(connector.serviceUrl, "help", { place: "channel", threadId: "90" }));
    const chat = chatOpenedWith(MEGAN);
    const help = cardOf(shown(chat)[0]);
    expect(cardText(help.body)).toContain("This space is not part of a community yet.");
    expect(buttons(help)).toEqual(["Set up a community"]);
    expect(shown(thread("90")).map((a) => a.text)).toEqual([`<at>${MEGAN.name}</at>, I answered you in our private chat, where only you can read it.`]);
  });

  it("strips the @mention in a channel and posts the setup form in the thread, sealed and named by field", async () => {
    await post(app.url, message(connector.serviceUrl, "setup", { place: "channel", threadId: "100" }));

    const [form, ...more] = sentTo(thread("100"));
    expect(more).toEqual([]);
    expect(form!.text).toBeUndefined();
    const card = cardOf(form);
    expect(cardText(card.body)).toContain("Set up a community");
    expect(cardText(card.body)).toContain("Domain (the shared area of practice)");
    expect(Object.keys(inputsOf(card))).toContain("domain");
    expect(buttonsOf(card)).toEqual([expect.objectContaining({ type: "Action.Submit", title: "Create community", data: { verb: "community.setup", formToken: expect.any(String) } })]);
    const channelRef = await app.deps.repos.conversationRefs.get(spaceKey);
    expect(channelRef?.reference).toMatchObject({ conversation: { id: GENERAL.id } }); // the channel, not the thread
  });

  it("sets a community up through the form's Action.Submit: the form says it was submitted and the charter is posted", async () => {
    const form = await setupForm("7");
    const { status } = await post(app.url, press(connector.serviceUrl, form, "Create community", { place: "channel", threadId: "7", values: GOOD_FORM }));
    expect(status).toBe(200);

    const [submitted, charter] = shown(thread("7"));
    expect(textOf(submitted)).toBe('✅ Data Stewards CoP\nMegan Bowen submitted "Data Stewards CoP".');
    expect(charter!.text).toBeUndefined(); // for everyone: no mention
    const text = textOf(charter);
    for (const expected of ["Data Stewards CoP", "Pilot", "Research data management", "Learning and developing practice", "Write a common checklist", "Megan Bowen", "1 member"]) {
      expect(text).toContain(expected);
    }
    expect(buttons(cardOf(charter))).toEqual(["Roles"]);
    expect(textOf(shown(chatOpenedWith(MEGAN))[0])).toContain("✅ **Data Stewards CoP** is set up in this space, and you are its facilitator.");

    const space = await app.deps.repos.spaces.find(spaceKey);
    const community = await app.deps.repos.communities.get(space!.communityId);
    expect(community?.value.charter).toMatchObject({ name: "Data Stewards CoP", purposes: ["learning", "knowledge"], goals: ["Share practice", "Write a common checklist"] });
    const facilitator = await app.deps.repos.members.get(space!.communityId, `teams:${TENANT}:${MEGAN.aadObjectId}`);
    expect(facilitator).toMatchObject({ role: "facilitator", displayName: MEGAN.name, profile: { timezone: "Europe/Berlin" } });
  });

  it("posts a charter whose text people typed without the markdown in it: no live links", async () => {
    const phish = "[Re-authenticate](https://phish.example)";
    const form = { ...GOOD_FORM, name: "Data **Stewards**", goals: `${phish}\nShare practice`, participation: `_${phish}_` };
    const { charter } = await setUpInChannel(app.url, connector, "8", form);
    const text = textOf(charter);
    expect(text).toContain(String.raw`• \[Re-authenticate\](https://phish.example)`);
    expect(text).toContain(String.raw`Data \*\*Stewards\*\*`);
    expect(text).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
    expect(charter!.summary).toContain("Data **Stewards**"); // the notification text is plain: shown as typed
    // The note that replaced the form shows the name as typed too.
    expect(textOf(shown(thread("8"))[0])).toContain(String.raw`submitted "Data \*\*Stewards\*\*".`);
  });

  it("shows the same form again, in place, with the field errors and what was typed, storing nothing", async () => {
    const form = await setupForm("9");
    const bad = { ...GOOD_FORM, name: "", purposes: "", audience: "x".repeat(250) };
    await post(app.url, press(connector.serviceUrl, form, "Create community", { place: "channel", threadId: "9", values: bad }));
    const [again, ...more] = shown(thread("9"));
    expect(more).toEqual([]);
    expect(again!.id).toBe(form.id);
    const card = cardOf(again);
    const text = cardText(card.body);
    expect(text).toContain("⚠ Please correct the fields marked below. Nothing was saved yet.");
    expect(text).toContain("⚠ Required.");
    expect(text).toContain("⚠ Choose at least one.");
    expect(text).toContain("⚠ Too long: 250 characters, at most 200.");
    expect(inputsOf(card)).toMatchObject({ domain: "Research data management", audience: "x".repeat(250) }); // what was typed is kept
    expect(buttonsOf(card)).toEqual([expect.objectContaining({ title: "Create community", data: { verb: "community.setup", formToken: expect.any(String) } })]);
    expect(await app.deps.repos.spaces.find(spaceKey)).toBeUndefined();
    expect(connector.calls.filter((c) => c.kind === "createConversation")).toEqual([]);
  });

  it("gives a non-facilitator the core's polite refusal naming who can act, privately", async () => {
    await setUpInChannel(app.url, connector, "1");
    await post(app.url, message(connector.serviceUrl, "edit", { place: "channel", user: ADELE, threadId: "10" }));
    expect(shown(chatOpenedWith(ADELE)).map(textOf)).toEqual(["⛔ Only the facilitators of **Data Stewards CoP** can do that. Ask Megan Bowen."]);
    expect(shown(thread("10")).map((a) => a.text)).toEqual([`<at>${ADELE.name}</at>, I answered you in our private chat, where only you can read it.`]);
  });

  it("handles an Action.Submit button as a message carrying the verb, answering in the person's 1:1 chat", async () => {
    await setUpInChannel(app.url, connector, "1");
    const { status } = await post(app.url, submitAction(connector.serviceUrl, { verb: "community.charter.show" }, { place: "channel", user: ADELE, threadId: "9" }));
    expect(status).toBe(200);
    const [reply] = shown(chatOpenedWith(ADELE));
    expect(textOf(reply)).toContain("Research data management");
    expect(buttons(cardOf(reply))).toEqual(["Roles"]); // not a facilitator: no edit button
    expect(sentTo(thread("9"))).toEqual([]); // a press, not typed: no pointer in the thread
  });

  it("answers a card with an unknown verb with a notice saying so, storing nothing", async () => {
    const { status, body } = await post(app.url, executeAction(connector.serviceUrl, "community.explode", {}, { place: "channel" }));
    expect(status).toBe(200);
    expect(cardText((body as { value: Card }).value.body)).toContain("That button or form is not one I know (it may be from an older version of the app). Type “@CoP Companion help” to see what I can do.");
    expect(await app.deps.repos.spaces.find(spaceKey)).toBeUndefined();
  });

  it("refuses a form submission with a field that is not text, saying which, keeping the form and storing nothing", async () => {
    const form = await setupForm("11");
    const pressed = press(connector.serviceUrl, form, "Create community", { place: "channel", threadId: "11", values: GOOD_FORM });
    const { status } = await post(app.url, { ...pressed, value: { ...pressed.value, name: { nested: true } } });
    expect(status).toBe(200);
    expect(shown(chatOpenedWith(MEGAN)).map(textOf)).toEqual(["⛔ That request was not understood, so nothing was changed: name: not text"]);
    expect(shown(thread("11"))).toEqual([form]); // the form is still there to fill in
    expect(await app.deps.repos.spaces.find(spaceKey)).toBeUndefined();
    expect(app.logs.filter((l) => l.msg === "Teams turn failed")).toEqual([]);
  });

  it("answers other card actions with fields of the wrong shape with a clear private notice", async () => {
    await setUpInChannel(app.url, connector, "1");
    const { body } = await post(app.url, executeAction(connector.serviceUrl, "community.status.set", { status: ["launched"] }, { place: "channel" }));
    expect(cardText((body as { value: Card }).value.body)).toMatch(/^⚠️ That request was not understood, so nothing was changed: status: Expected string, received array/);
    expect(app.logs.filter((l) => l.msg === "Teams turn failed")).toEqual([]);
  });

  it("links a group chat to the channel's community with the code `link` gives the facilitator", async () => {
    await setUpInChannel(app.url, connector, "1");
    await post(app.url, message(connector.serviceUrl, "link", { place: "channel", threadId: "20" }));
    const offer = textOf(shown(chatOpenedWith(MEGAN)).at(-1));
    const code = /“@CoP Companion link ([^”]+)” in that Teams channel/.exec(offer)?.[1];
    expect(code, offer).toBeTruthy();

    await post(app.url, message(connector.serviceUrl, `link ${code}`, { place: "groupChat", user: ADELE }));
    const group = "19:group-chat-cop@thread.v2";
    const [linked, note, charter, ...more] = shown(group);
    expect(more).toEqual([]);
    expect(textOf(linked)).toBe("✅ **Data Stewards CoP** now meets in Microsoft Teams: Data Stewards / General and a Microsoft Teams channel. Events, surveys, digests and totals cover all of them.");
    expect(note!.text).toBe(`<at>${ADELE.name}</at>, I answered you in our private chat, where only you can read it.`);
    expect(textOf(charter)).toMatch(/^Data Stewards CoP\n/);
    expect(textOf(shown(chatOpenedWith(ADELE))[0])).toBe("✅ You can manage **Data Stewards CoP** from here as its Co-facilitator.");
    expect(await app.deps.repos.spaces.find(`teams:${TENANT}:${group}`)).toMatchObject({ platform: "teams" });
  });

  it("answers an unknown text command saying how to get help", async () => {
    await post(app.url, message(connector.serviceUrl, "make coffee"));
    expect(textOf(sentTo(personalChat)[0])).toBe('ℹ️ I did not understand "make coffee". Type “help” to see what I can do.');
  });

  it("welcomes the team when the bot is added and remembers members added later", async () => {
    const { status } = await post(app.url, membersAdded(connector.serviceUrl, [{ id: BOT.id }]));
    expect(status).toBe(200);
    const [welcome] = sentTo(GENERAL.id);
    expect(textOf(welcome)).toContain("Thanks for adding me! I help run a community of practice here.");
    expect(buttons(cardOf(welcome))).toEqual(["Set up a community"]);
    expect(welcome!.text).toBeUndefined();
    expect(await app.deps.repos.conversationRefs.get(spaceKey)).toMatchObject({ platform: "teams", unreachable: false });

    await post(app.url, membersAdded(connector.serviceUrl, [{ id: ADELE.id, aadObjectId: ADELE.aadObjectId }]));
    const adele = await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${ADELE.aadObjectId}`);
    // No 1:1 chat yet: who she is and where, so the Messenger can open one.
    expect(adele?.reference).toMatchObject({ user: { id: ADELE.id }, serviceUrl: connector.serviceUrl, conversation: { id: "", conversationType: "personal", tenantId: TENANT } });
    expect(sentTo(GENERAL.id)).toHaveLength(1); // joining a space with no community sends nothing
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
