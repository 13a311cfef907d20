import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type ConnectorCall, type FakeBotConnector } from "../support/fakeBotConnector.js";
import {
  ADELE,
  BOT,
  GENERAL,
  GOOD_FORM,
  MEGAN,
  TEAM,
  TENANT,
  cardOf,
  cardText,
  executeAction,
  message,
  post,
  submitAction,
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
const thread = (id: string) => `${GENERAL.id};messageid=${id}`;
const textOf = (activity: { attachments?: Array<{ contentType?: string; content?: unknown }> } | undefined) => cardText(cardOf(activity).body);
const showsCode = (call: ConnectorCall) => CODE.test(JSON.stringify(call.body));

async function setUpCommunity(): Promise<string> {
  const created = await post(app.url, executeAction(connector.serviceUrl, "community.setup", GOOD_FORM, { place: "channel", threadId: "1" }));
  expect(created.status).toBe(200);
  connector.calls.length = 0;
  return (await app.deps.repos.spaces.find(spaceKey))!.communityId;
}

/** The 1:1 chat the app opened with a person for this test, if any. */
const privateChatWith = (userId: string) => connector.calls.find((c) => c.kind === "createConversation" && c.status === 201 && JSON.stringify(c.body).includes(userId))?.conversationId;

describe("Teams secret replies (link codes) go only where nobody else can read them", () => {
  it("sends the code asked for in a channel to the person's 1:1 chat; the thread gets only a note", async () => {
    await setUpCommunity();
    expect((await post(app.url, message(connector.serviceUrl, "link", { place: "channel", threadId: "20" }))).status).toBe(200);

    const chat = privateChatWith(MEGAN.id);
    expect(chat).toBeDefined();
    const [secret] = connector.activitiesTo(chat!);
    expect(textOf(secret)).toMatch(CODE);
    const [note, ...more] = connector.activitiesTo(thread("20"));
    expect(more).toEqual([]);
    expect(note!.text).toBe(`For <at>${MEGAN.name}</at>:`);
    expect(textOf(note)).toBe("ℹ️ I sent you the answer in a private chat with CoP Companion, where only you can read it.");
    // Nothing but the 1:1 chat ever carried the code: not the thread, not the channel, not a summary.
    expect(connector.calls.filter((c) => c.conversationId !== chat).filter(showsCode)).toEqual([]);
    const megan = await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${MEGAN.aadObjectId}`);
    expect(megan?.reference).toMatchObject({ conversation: { id: chat, conversationType: "personal" } });
  });

  it("does the same for a card action: the invoke response and the thread get the note, the 1:1 chat the code", async () => {
    await setUpCommunity();
    const { status, body } = await post(app.url, executeAction(connector.serviceUrl, "space.link.start", {}, { place: "channel", threadId: "30" }));
    expect(status).toBe(200);
    expect(body).toEqual({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "I sent you the answer in a private chat with CoP Companion, where only you can read it." });
    const chat = privateChatWith(MEGAN.id)!;
    expect(textOf(connector.activitiesTo(chat)[0])).toMatch(CODE);
    expect(connector.activitiesTo(thread("30")).map(textOf)).toEqual(["ℹ️ I sent you the answer in a private chat with CoP Companion, where only you can read it."]);

    await post(app.url, submitAction(connector.serviceUrl, { verb: "space.link.start" }, { place: "channel", threadId: "31" }));
    expect(connector.activitiesTo(chat)).toHaveLength(2); // the chat opened before is reused
    expect(connector.activitiesTo(thread("31")).map(textOf)).toEqual(["ℹ️ I sent you the answer in a private chat with CoP Companion, where only you can read it."]);
    expect(connector.calls.filter((c) => c.conversationId !== chat).filter(showsCode)).toEqual([]);
  });

  it("says in the thread that it could not send privately, and how to fix it, when the 1:1 chat is refused (403)", async () => {
    await setUpCommunity();
    connector.fail({ status: 403, times: 1, kinds: ["createConversation"], code: "BotNotInConversationRoster" });
    await post(app.url, message(connector.serviceUrl, "link", { place: "channel", threadId: "40" }));

    const [note, ...more] = connector.activitiesTo(thread("40"));
    expect(more).toEqual([]);
    expect(textOf(note)).toBe(
      "⚠️ I could not send you the answer privately, so it is not shown here. Open a chat with CoP Companion (search for it in Teams chat, or select it under Apps), send it a message, then ask again.",
    );
    expect(connector.calls.filter(showsCode)).toEqual([]);
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
    const communityId = await setUpCommunity();
    await post(app.url, mentioning("assign co-facilitator", { id: ADELE.id, name: ADELE.name }, { threadId: "50" }));

    expect(connector.calls[0]).toMatchObject({ method: "GET", kind: "getMember", path: `/v3/conversations/${encodeURIComponent(TEAM.id)}/members/${encodeURIComponent(ADELE.id)}`, status: 200 });
    expect(textOf(connector.activitiesTo(thread("50"))[0])).toContain("Adele Vance is now Co-facilitator of **Data Stewards CoP**.");
    expect(await app.deps.repos.members.get(communityId, `teams:${TENANT}:${ADELE.aadObjectId}`)).toMatchObject({ role: "co-facilitator" });
  });

  it("assigns nothing when the lookup fails, and tells the facilitator to try again", async () => {
    const communityId = await setUpCommunity();
    connector.fail({ status: 403, times: 1, kinds: ["getMember"] });
    await post(app.url, mentioning("assign co-facilitator", { id: ADELE.id, name: ADELE.name }, { threadId: "51" }));

    const [answer] = connector.activitiesTo(thread("51"));
    expect(answer!.text).toBe(`For <at>${MEGAN.name}</at>:`);
    expect(textOf(answer)).toBe("⚠️ I could not identify Adele Vance just now, so nothing was changed. Please try again in a moment.");
    expect(await app.deps.repos.members.get(communityId, `teams:${TENANT}:${ADELE.id}`)).toBeUndefined();
    expect(await app.deps.repos.members.get(communityId, `teams:${TENANT}:${ADELE.aadObjectId}`)).toBeUndefined();
  });

  it("clips a mention name longer than the core allows instead of failing the request", async () => {
    const communityId = await setUpCommunity();
    const name = `Adele ${"Vance".repeat(60)}`;
    await post(app.url, mentioning("assign member", { ...ADELE, name }, { threadId: "52" }));
    expect(textOf(connector.activitiesTo(thread("52"))[0])).toContain("is now Member of **Data Stewards CoP**.");
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
    const [reply] = connector.activitiesTo(thread("60"));
    expect(reply!.text).toBe(`For <at>${MEGAN.name}</at>:`);
    expect(textOf(reply)).toMatch(/^⛔ That request was not understood: actor\.personKey: a person key/);
    expect(app.logs.filter((l) => l.msg === "Teams turn failed")).toEqual([]);
  });

  it("answers a card action the same way", async () => {
    const base = executeAction(connector.serviceUrl, "community.charter.show", {}, { place: "channel" });
    const activity = { ...base, conversation: { ...base.conversation, tenantId: "" }, channelData: { ...base.channelData, tenant: { id: "" } } };
    const { body } = await post(app.url, activity);
    expect(cardText((body as { value: Card }).value.body)).toMatch(/^⛔ That request was not understood/);
  });
});
