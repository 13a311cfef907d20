import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type ConnectorActivity, type FakeBotConnector } from "../support/fakeBotConnector.js";
import {
  ADELE,
  GENERAL,
  GOOD_FORM,
  MEGAN,
  TENANT,
  buttonsOf,
  cardOf,
  cardText,
  executeAction,
  inputsOf,
  message,
  post,
  press,
  setUpInChannel,
  shownNow,
  thread,
  type Card,
} from "../support/teamsActivities.js";

let app: TestApp;
let connector: FakeBotConnector;

beforeEach(async () => {
  // Teams' strictest documented message size, so an oversize card fails here before it fails in Teams.
  connector = await startFakeBotConnector({ maxMessageBytes: 28 * 1024, members: [MEGAN, ADELE] });
  app = await startTestApp();
});
afterEach(async () => {
  await app.stop();
  await connector.stop();
});

const spaceKey = `teams:${TENANT}:${GENERAL.id}`;
const meganChat = `a:1personal-${MEGAN.aadObjectId}`;
const textOf = (activity: ConnectorActivity | undefined) => cardText(cardOf(activity).body);
const titles = (card: Card) => buttonsOf(card).map((b) => b.title);
/** What a conversation shows now, each message as last updated. */
const shown = (conversationId: string) => shownNow(connector.activitiesTo(conversationId));
const community = async () => {
  const space = await app.deps.repos.spaces.find(spaceKey);
  return (await app.deps.repos.communities.get(space!.communityId))!.value;
};
const pointer = (person: { name: string }) => `<at>${person.name}</at>, I answered you in our private chat, where only you can read it.`;

/** The 1:1 chat the app opened with a person in this test. */
const chatOpenedWith = (user: { id: string }) =>
  connector.calls.find((c) => c.kind === "createConversation" && c.status === 201 && JSON.stringify(c.body).includes(user.id))?.conversationId ?? "(none)";

/** Megan has a 1:1 chat with the app (she opened it once), so her private answers go there. */
async function meganOpensHerChat(): Promise<void> {
  await post(app.url, message(connector.serviceUrl, "help"));
  connector.calls.length = 0;
}

describe("Teams: running a community through real Bot Framework activities", () => {
  it("sets a community up from a card, shows the charter, refuses a stale edit and changes the status", async () => {
    await meganOpensHerChat();

    // setup: the form is posted in the thread it was asked in, sealed, its inputs named by field.
    await post(app.url, message(connector.serviceUrl, "setup", { place: "channel", threadId: "1" }));
    const [form, ...more] = connector.activitiesTo(thread("1"));
    expect(more).toEqual([]);
    expect(form!.text).toBeUndefined();
    const formCard = cardOf(form);
    expect(cardText(formCard.body)).toContain("Describe the community so members and sponsors know what it is for.");
    expect(Object.keys(inputsOf(formCard))).toEqual(["name", "domain", "audience", "purposes", "goals", "outcomes", "participation", "contribution", "conflictResolution"]);
    expect(buttonsOf(formCard)).toEqual([expect.objectContaining({ type: "Action.Submit", title: "Create community", data: { verb: "community.setup", formToken: expect.any(String) } })]);

    // Create: the form becomes a line saying so, the charter is posted in the thread, the facilitator is told privately.
    await post(app.url, press(connector.serviceUrl, form!, "Create community", { place: "channel", threadId: "1", values: GOOD_FORM }));
    const [submitted, charter] = shown(thread("1"));
    expect(submitted!.id).toBe(form!.id);
    expect(textOf(submitted)).toBe('✅ Data Stewards CoP\nMegan Bowen submitted "Data Stewards CoP".');
    expect(buttonsOf(cardOf(submitted))).toEqual([]);
    expect(charter!.text).toBeUndefined(); // for everyone: nobody is @mentioned
    for (const expected of ["Pilot", "Research data management", "Learning and developing practice", "Write a common checklist", "Megan Bowen", "1 member"]) {
      expect(textOf(charter)).toContain(expected);
    }
    expect(titles(cardOf(charter))).toEqual(["Roles"]); // no steward button on a card everyone sees
    expect(shown(meganChat).map(textOf)).toEqual([
      "✅ **Data Stewards CoP** is set up in this space, and you are its facilitator. Type “@CoP Companion charter” to see it, or “@CoP Companion help” for what comes next.",
    ]);
    expect(await community()).toMatchObject({ status: "pilot", charter: { name: "Data Stewards CoP", purposes: ["learning", "knowledge"] } });

    // charter, typed: the answer goes to Megan's chat (with her steward buttons), the thread gets a pointer.
    await post(app.url, message(connector.serviceUrl, "charter", { place: "channel", threadId: "2" }));
    const privateCharter = shown(meganChat).at(-1);
    expect(textOf(privateCharter)).toContain("Research data management");
    expect(titles(cardOf(privateCharter))).toEqual(["Edit charter", "Roles"]);
    expect(shown(thread("2")).map((a) => [a.text, a.attachments])).toEqual([[pointer(MEGAN), undefined]]);

    // Two edit forms open at once; the later one is saved first (from Teams on Android: the same Action.Submit).
    await post(app.url, message(connector.serviceUrl, "edit", { place: "channel", threadId: "3" }));
    await post(app.url, message(connector.serviceUrl, "edit", { place: "channel", threadId: "4" }));
    const [early] = shown(thread("3"));
    const [late] = shown(thread("4"));
    expect(inputsOf(cardOf(early))).toMatchObject({ name: "Data Stewards CoP", domain: "Research data management", purposes: "learning,knowledge" });
    await post(app.url, press(connector.serviceUrl, late!, "Save", { place: "channel", threadId: "4", client: "Android", values: { name: "Data Stewards Network" } }));
    const [saved, updatedCharter] = shown(thread("4"));
    expect(textOf(saved)).toBe('✅ Data Stewards Network\nMegan Bowen submitted "Data Stewards Network".');
    expect(textOf(updatedCharter)).toMatch(/^Data Stewards Network\n/);
    expect(textOf(shown(meganChat).at(-1))).toBe("✅ The charter of **Data Stewards Network** was updated.");

    // The stale form is refused in place: nothing saved, Megan's entry kept, what someone else changed marked
    // and taken over (Megan had not touched the name).
    await post(app.url, press(connector.serviceUrl, early!, "Save", { place: "channel", threadId: "3", values: { domain: "Research software" } }));
    const [refused, ...alsoPosted] = shown(thread("3"));
    expect(alsoPosted).toEqual([]);
    expect(refused!.id).toBe(early!.id);
    const refusedText = textOf(refused);
    expect(refusedText).toContain("⚠ **Data Stewards Network** was changed by someone else after you opened this form, so nothing was saved.");
    expect(refusedText).toContain("⚠ Changed meanwhile by someone else to: Data Stewards Network");
    expect(inputsOf(cardOf(refused))).toMatchObject({ name: "Data Stewards Network", domain: "Research software" });
    expect((await community()).charter).toMatchObject({ name: "Data Stewards Network", domain: "Research data management" });

    // Submitted again, now at the current version, both changes are kept.
    await post(app.url, press(connector.serviceUrl, refused!, "Save", { place: "channel", threadId: "3" }));
    expect(textOf(shown(thread("3"))[0])).toBe('✅ Data Stewards Network\nMegan Bowen submitted "Data Stewards Network".');
    expect((await community()).charter).toMatchObject({ name: "Data Stewards Network", domain: "Research software" });

    // status: the new stage is announced to everyone in the thread.
    await post(app.url, message(connector.serviceUrl, "status launched", { place: "channel", threadId: "5" }));
    const [announced, ...others] = shown(thread("5"));
    expect(others).toEqual([]);
    expect(announced!.text).toBeUndefined();
    expect(textOf(announced)).toBe("✅ **Data Stewards Network** is now at the Launched stage.");
    expect((await community()).status).toBe("launched");
    expect(app.logs.filter((l) => l.msg === "Teams turn failed")).toEqual([]);
  });

  it("keeps a form to the person who opened it: someone else's submission changes nothing", async () => {
    await setUpInChannel(app.url, connector, "1");
    await post(app.url, message(connector.serviceUrl, "edit", { place: "channel", threadId: "2" }));
    const [form] = shown(thread("2"));
    await post(app.url, press(connector.serviceUrl, form!, "Save", { place: "channel", threadId: "2", user: ADELE, values: { name: "Hijacked" } }));
    expect((await community()).charter.name).toBe("Data Stewards CoP");
    // The form stays as it was for Megan; Adele is told privately why nothing happened.
    expect(shown(thread("2"))).toHaveLength(1);
    expect(inputsOf(cardOf(shown(thread("2"))[0]))).toMatchObject({ name: "Data Stewards CoP" });
    const adeleChat = chatOpenedWith(ADELE);
    expect(shown(adeleChat).map(textOf)).toEqual(["⚠️ This form was opened by someone else. Open your own to make changes."]);
  });
  it("runs a button pressed on a card in the 1:1 chat for the channel it is about, announcing in the channel", async () => {
    await setUpInChannel(app.url, connector, "1");
    await post(app.url, message(connector.serviceUrl, "status launched", { place: "channel", threadId: "5" }));
    await post(app.url, message(connector.serviceUrl, "status closed", { place: "channel", threadId: "6" }));
    const confirm = shown(chatOpenedWith(MEGAN)).at(-1);
    expect(titles(cardOf(confirm))).toEqual(["Close the community", "Cancel"]);
    // Pressed where the card was delivered, the person's own chat with the app.
    await post(app.url, press(connector.serviceUrl, confirm!, "Close the community", { place: "personal", user: MEGAN }));
    expect((await community()).status).toBe("closed");
    await expect.poll(() => connector.activitiesTo(GENERAL.id).map(textOf).join("\n")).toContain("**Data Stewards CoP** is now at the Closed stage.");
    expect(shown(chatOpenedWith(MEGAN)).map(textOf).join("\n")).not.toContain("is now at the Closed stage");
  });
});

describe("Teams mobile: every button is an Action.Submit, and both ways of pressing one work", () => {
  it("sends no Action.Execute on any card, from help to the charter", async () => {
    await post(app.url, message(connector.serviceUrl, "help", { place: "channel", threadId: "1" }));
    const { charter } = await setUpInChannel(app.url, connector, "2");
    await post(app.url, message(connector.serviceUrl, "charter", { place: "channel", threadId: "3" }));
    const cards = connector.calls.flatMap((c) => (c.activity?.attachments ? [cardOf(c.activity)] : []));
    expect(cards.length).toBeGreaterThanOrEqual(5);
    expect(cards.flatMap(buttonsOf).map((b) => b.type)).toEqual(expect.arrayContaining(["Action.Submit"]));
    expect(cards.flatMap(buttonsOf).filter((b) => b.type !== "Action.Submit")).toEqual([]);
    expect(titles(cardOf(charter))).toEqual(["Roles"]);
  });

  it("answers a button pressed on Teams iOS (a message whose value carries the verb) in the person's 1:1 chat", async () => {
    const { charter } = await setUpInChannel(app.url, connector, "1");
    const before = connector.calls.length;
    const { status } = await post(app.url, press(connector.serviceUrl, charter!, "Roles", { place: "channel", threadId: "1", user: ADELE, client: "iOS" }));
    expect(status).toBe(200);
    const adeleChat = chatOpenedWith(ADELE);
    const [roles] = shown(adeleChat);
    expect(textOf(roles)).toContain("Roles in Data Stewards CoP");
    expect(textOf(roles)).toMatch(/Megan Bowen\nFacilitator/);
    expect(textOf(roles)).toMatch(/Adele Vance\nMember/);
    // A press is not typed: the thread gets nothing, not even a pointer; the charter stays as it was.
    expect(shown(thread("1"))).toHaveLength(2);
    expect(connector.calls.slice(before).map((c) => `${c.kind} ${c.conversationId}`)).toEqual([`createConversation ${adeleChat}`, `reply ${adeleChat}`]);
  });

  it("answers an adaptiveCard/action invoke from a card of an older version with the clicker's own card", async () => {
    await setUpInChannel(app.url, connector, "1");
    connector.calls.length = 0;
    const { status, body } = await post(app.url, executeAction(connector.serviceUrl, "community.roles.show", {}, { place: "channel", threadId: "1", user: ADELE }));
    expect(status).toBe(200);
    const response = body as { statusCode: number; type: string; value: Card };
    expect(response).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(cardText(response.value.body)).toMatch(/Megan Bowen\nFacilitator/);
    expect(titles(response.value)).toEqual(["Show charter"]);
    // The invoke's answer is the card itself: nothing is sent to the thread or to a chat.
    expect(connector.calls.filter((c) => c.kind !== "token")).toEqual([]);
  });
});

describe("Teams: a channel command's private answer goes to the person's 1:1 chat", () => {
  it("opens the chat for someone who never wrote to the app, and leaves only a pointer in the thread", async () => {
    await setUpInChannel(app.url, connector, "1");
    connector.calls.length = 0;
    await post(app.url, message(connector.serviceUrl, "roles", { place: "channel", threadId: "7", user: ADELE }));

    const created = connector.calls.filter((c) => c.kind === "createConversation");
    expect(created).toHaveLength(1);
    expect(created[0]!.body).toMatchObject({ isGroup: false, members: [{ id: ADELE.id }], tenantId: TENANT });
    const chat = created[0]!.conversationId!;
    expect(textOf(shown(chat)[0])).toContain("Roles in Data Stewards CoP");

    const [note, ...more] = shown(thread("7"));
    expect(more).toEqual([]);
    expect(note!.text).toBe(pointer(ADELE));
    expect(note!.entities).toEqual([{ type: "mention", text: `<at>${ADELE.name}</at>`, mentioned: { id: ADELE.id, name: ADELE.name } }]);
    expect(note!.attachments).toBeUndefined();
    // The answer's content was sent to the chat alone.
    expect(connector.calls.filter((c) => c.conversationId !== chat && JSON.stringify(c.body ?? "").includes("Roles in"))).toEqual([]);
    expect(await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${ADELE.aadObjectId}`)).toMatchObject({ reference: { conversation: { id: chat, conversationType: "personal" } } });

    // The next answer reuses that chat.
    await post(app.url, message(connector.serviceUrl, "charter", { place: "channel", threadId: "8", user: ADELE }));
    expect(connector.calls.filter((c) => c.kind === "createConversation")).toHaveLength(1);
    expect(shown(chat)).toHaveLength(2);
    expect(shown(thread("8")).map((a) => a.text)).toEqual([pointer(ADELE)]);
  });

  it("answers in the 1:1 chat itself, without a pointer, when asked there", async () => {
    await post(app.url, message(connector.serviceUrl, "make coffee"));
    const [answer, ...more] = shown(meganChat);
    expect(more).toEqual([]);
    expect(answer!.text).toBeUndefined();
    expect(textOf(answer)).toBe('ℹ️ I did not understand "make coffee". Type “help” to see what I can do.');
  });
});
