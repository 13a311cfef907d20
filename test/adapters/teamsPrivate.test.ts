import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type ConnectorCall, type FakeBotConnector } from "../support/fakeBotConnector.js";
import {
  ADELE,
  BOT,
  GENERAL,
  MEGAN,
  TEAM,
  TENANT,
  cardOf,
  cardText,
  executeAction,
  message,
  post,
  setUpInChannel,
  submitAction,
  thread,
  type Card,
} from "../support/teamsActivities.js";

let app: TestApp;
let connector: FakeBotConnector;

beforeEach(async () => {
  // Teams knows every member of the team; the mention entities it sends carry no AAD object id.
  connector = await startFakeBotConnector({ maxMessageBytes: 28 * 1024, members: [MEGAN, ADELE] });
  app = await startTestApp();
});
afterEach(async () => {
  await app.stop();
  await connector.stop();
});

const CODE = /\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b/;
const spaceKey = `teams:${TENANT}:${GENERAL.id}`;
const textOf = (activity: { attachments?: Array<{ contentType?: string; content?: unknown }> } | undefined) => cardText(cardOf(activity).body);
const showsCode = (call: ConnectorCall) => CODE.test(JSON.stringify(call.body));
const pointer = (person: { name: string }) => `<at>${person.name}</at>, I answered you in our private chat, where only you can read it.`;

/** The 1:1 chat the app opened with a person in this test, if any. */
const privateChatWith = (userId: string) => connector.calls.find((c) => c.kind === "createConversation" && c.status === 201 && JSON.stringify(c.body).includes(userId))?.conversationId;

/**
 * Megan sets a community up in the General channel; the app tells her privately, opening her 1:1 chat, and
 * imports the channel's people (Adele among them) in the background: the calls recorded start after that.
 */
async function setUpCommunity(): Promise<{ communityId: string; meganChat: string }> {
  await setUpInChannel(app.url, connector, "1");
  const meganChat = privateChatWith(MEGAN.id)!;
  const communityId = (await app.deps.repos.spaces.find(spaceKey))!.communityId;
  await expect.poll(() => app.deps.repos.members.get(communityId, `teams:${TENANT}:${ADELE.aadObjectId}`), { timeout: 15_000 }).toMatchObject({ role: "member" });
  connector.calls.length = 0;
  return { communityId, meganChat };
}

describe("Teams secret replies (link codes) go only where nobody else can read them", () => {
  it("sends the code asked for in a channel to the person's 1:1 chat; the thread gets only a pointer", async () => {
    const { meganChat } = await setUpCommunity();
    expect((await post(app.url, message(connector.serviceUrl, "link", { place: "channel", threadId: "20" }))).status).toBe(200);

    const [secret] = connector.activitiesTo(meganChat);
    expect(textOf(secret)).toMatch(CODE);
    const [note, ...more] = connector.activitiesTo(thread("20"));
    expect(more).toEqual([]);
    expect(note!.text).toBe(pointer(MEGAN));
    expect(note!.attachments).toBeUndefined();
    // Nothing but the 1:1 chat ever carried the code: not the thread, not the channel, not a summary.
    expect(connector.calls.filter((c) => c.conversationId !== meganChat).filter(showsCode)).toEqual([]);
    const megan = await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${MEGAN.aadObjectId}`);
    expect(megan?.reference).toMatchObject({ conversation: { id: meganChat, conversationType: "personal" } });
  });

  it("does the same for a button: Action.Submit answers in the 1:1 chat, an older card's Action.Execute in the clicker's own card", async () => {
    const { meganChat } = await setUpCommunity();
    await post(app.url, submitAction(connector.serviceUrl, { verb: "space.link.start" }, { place: "channel", threadId: "31" }));
    expect(connector.activitiesTo(meganChat).map(textOf)).toEqual([expect.stringMatching(CODE)]);
    expect(connector.activitiesTo(thread("31"))).toEqual([]); // a press, not typed: not even a pointer

    const { status, body } = await post(app.url, executeAction(connector.serviceUrl, "space.link.start", {}, { place: "channel", threadId: "30" }));
    expect(status).toBe(200);
    // The invoke response replaces the card for the person who pressed it only.
    expect(body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(cardText((body as { value: Card }).value.body)).toMatch(CODE);
    expect(connector.activitiesTo(thread("30"))).toEqual([]);
    expect(connector.activitiesTo(meganChat)).toHaveLength(1);
    expect(connector.calls.filter((c) => c.conversationId !== meganChat).filter(showsCode)).toEqual([]);
  });

  it("says in the thread that it could not answer privately, and how to fix it, when the 1:1 chat refuses (403)", async () => {
    const { meganChat } = await setUpCommunity();
    // Megan blocked the app in her chat with it.
    connector.fail({ status: 403, times: 1, conversationId: meganChat, code: "ConversationBlockedByUser" });
    await post(app.url, message(connector.serviceUrl, "link", { place: "channel", threadId: "40" }));

    const [note, ...more] = connector.activitiesTo(thread("40"));
    expect(more).toEqual([]);
    expect(note!.text).toBe(
      `<at>${MEGAN.name}</at>, I could not answer you privately, so the answer is not shown here. Open a chat with CoP Companion (search for it in Teams chat, or select it under Apps), send it a message, then ask again.`,
    );
    expect(connector.calls.filter((c) => c.status < 300).filter(showsCode)).toEqual([]);
    expect(connector.calls.map((c) => `${c.kind} ${c.status}`)).toEqual(["reply 403", "reply 201"]);
    expect(await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${MEGAN.aadObjectId}`)).toMatchObject({ unreachable: true });
  });

  it("says the same when Teams will not open a 1:1 chat with someone who never wrote to the app", async () => {
    await setUpCommunity();
    connector.fail({ status: 403, times: 1, kinds: ["createConversation"], code: "BotNotInConversationRoster" });
    await post(app.url, message(connector.serviceUrl, "roles", { place: "channel", threadId: "41", user: ADELE }));
    expect(connector.activitiesTo(thread("41")).map((a) => a.text)).toEqual([expect.stringMatching(/^<at>Adele Vance<\/at>, I could not answer you privately, so the answer is not shown here\./)]);
    expect(connector.calls.map((c) => `${c.kind} ${c.status}`)).toEqual(["createConversation 403", "reply 201"]);
  });
});

/** A message in the General channel @mentioning the bot and one person, as Teams sends it (no AAD id in the mention). */
function mentioning(text: string, person: { id: string; name: string; aadObjectId?: string }, options: { threadId?: string } = {}) {
  const activity = message(connector.serviceUrl, "", { place: "channel", ...options });
  const bot = `<at>${BOT.name}</at>`;
  const them = `<at>${person.name}</at>`;
  return {
    ...activity,
    text: `${bot} ${text} ${them}`,
    entities: [...activity.entities, { type: "mention", text: them, mentioned: person }],
  };
}

describe("Teams mentions: a role goes to the identity the person's own messages carry", () => {
  it("looks the mentioned person up and keys them by their AAD object id", async () => {
    const { communityId } = await setUpCommunity();
    await post(app.url, mentioning("assign co-facilitator", { id: ADELE.id, name: ADELE.name }, { threadId: "50" }));

    expect(connector.calls[0]).toMatchObject({ method: "GET", kind: "getMember", path: `/v3/conversations/${encodeURIComponent(TEAM.id)}/members/${encodeURIComponent(ADELE.id)}`, status: 200 });
    // Announced to everyone in the thread.
    const [announced, ...more] = connector.activitiesTo(thread("50"));
    expect(more).toEqual([]);
    expect(textOf(announced)).toBe("✅ Adele Vance is now Co-facilitator of **Data Stewards CoP**.");
    expect(await app.deps.repos.members.get(communityId, `teams:${TENANT}:${ADELE.aadObjectId}`)).toMatchObject({ role: "co-facilitator" });
  });

  it("assigns nothing when the lookup fails, and tells the facilitator privately to try again", async () => {
    const { communityId, meganChat } = await setUpCommunity();
    connector.fail({ status: 403, times: 1, kinds: ["getMember"] });
    await post(app.url, mentioning("assign co-facilitator", { id: ADELE.id, name: ADELE.name }, { threadId: "51" }));

    expect(connector.activitiesTo(thread("51")).map((a) => a.text)).toEqual([pointer(MEGAN)]);
    expect(textOf(connector.activitiesTo(meganChat)[0])).toMatch(/^⚠️ I could not identify .+ just now, so nothing was changed\. Please try again in a moment\.$/);
    // Nobody was keyed by the id the mention carried, and Adele, on the roster from the channel, is still a member.
    expect(await app.deps.repos.members.get(communityId, `teams:${TENANT}:${ADELE.id}`)).toBeUndefined();
    expect(await app.deps.repos.members.get(communityId, `teams:${TENANT}:${ADELE.aadObjectId}`)).toMatchObject({ role: "member" });
  });

  it("clips a mention name longer than the core allows instead of failing the request", async () => {
    const { communityId } = await setUpCommunity();
    const name = `Adele ${"Vance".repeat(60)}`;
    await post(app.url, mentioning("assign co-facilitator", { ...ADELE, name }, { threadId: "52" }));
    expect(textOf(connector.activitiesTo(thread("52"))[0])).toContain("is now Co-facilitator of **Data Stewards CoP**.");
    const adele = await app.deps.repos.members.get(communityId, `teams:${TENANT}:${ADELE.aadObjectId}`);
    expect(adele?.displayName).toBe(name.slice(0, 120));
  });
});

describe("Teams requests with values the core does not take get a clear answer, not an error", () => {
  it("answers a message with an overlong time zone normally, leaving the zone out", async () => {
    await post(app.url, { ...message(connector.serviceUrl, "help"), localTimezone: `Europe/${"x".repeat(100)}` });
    const [reply] = connector.activitiesTo(`a:1personal-${MEGAN.aadObjectId}`);
    expect(textOf(reply)).toContain("CoP Companion: what I can do");
    expect(app.logs.filter((l) => l.msg === "Teams turn failed")).toEqual([]);
  });

  it("answers a request that does not fit the core's schema with the bad-request notice, privately", async () => {
    const base = message(connector.serviceUrl, "help", { place: "channel", threadId: "60" });
    // No tenant: the person's key cannot be made.
    const activity = { ...base, conversation: { ...base.conversation, tenantId: "" }, channelData: { ...base.channelData, tenant: { id: "" } } };
    expect((await post(app.url, activity)).status).toBe(200);
    expect(connector.activitiesTo(thread("60")).map((a) => a.text)).toEqual([pointer(MEGAN)]);
    const chat = privateChatWith(MEGAN.id)!;
    expect(textOf(connector.activitiesTo(chat)[0])).toMatch(/^⛔ That request was not understood, so nothing was changed: actor\.personKey: a person key/);
    expect(app.logs.filter((l) => l.msg === "Teams turn failed")).toEqual([]);
  });

  it("answers a card action the same way", async () => {
    const base = executeAction(connector.serviceUrl, "community.charter.show", {}, { place: "channel" });
    const activity = { ...base, conversation: { ...base.conversation, tenantId: "" }, channelData: { ...base.channelData, tenant: { id: "" } } };
    const { body } = await post(app.url, activity);
    expect(cardText((body as { value: Card }).value.body)).toMatch(/^⛔ That request was not understood/);
  });
});
