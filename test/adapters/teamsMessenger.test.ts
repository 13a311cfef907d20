import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import { createLogger } from "../../src/log.js";
import type { TeamsAdapterHandle } from "../../src/teams/index.js";
import type { Activity } from "botbuilder";
import { TeamsMessenger } from "../../src/teams/messenger.js";
import { BackgroundWork } from "../../src/work.js";
import { whereToFind } from "../../src/teams/references.js";
import { cardActivity } from "../../src/teams/render/index.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { ADELE, GENERAL, MEGAN, TENANT, membersAdded, message, post } from "../support/teamsActivities.js";

let app: TestApp;
let connector: FakeBotConnector;
let sleeps: number[];
let messenger: TeamsMessenger;
/** What the messenger sends after a turn (a private answer in a chat opened from it). */
let work: BackgroundWork;

const channel = { kind: "space", spaceKey: `teams:${TENANT}:${GENERAL.id}` } as const;
const megan = { kind: "person", personKey: `teams:${TENANT}:${MEGAN.aadObjectId}` } as const;
const adele = { kind: "person", personKey: `teams:${TENANT}:${ADELE.aadObjectId}` } as const;
/** A card as the core renders it for a space, in English. */
const noticeCard = (key: string, tone = "info"): Card => app.kernel.presentToAll({ presenter: "notice", data: { key, tone } }, { locale: "en", platform: "teams", personal: false });
let notice: Card;

beforeEach(async () => {
  connector = await startFakeBotConnector();
  app = await startTestApp();
  sleeps = [];
  notice = noticeCard("help.intro.none");
  work = new BackgroundWork();
  messenger = new TeamsMessenger({
    work,
    // The app's own adapter, with the turn error handler the app gives it: proactive turns run through it too.
    adapter: (app.adapters.find((a) => a.name === "teams") as TeamsAdapterHandle).bot.adapter,
    appId: "",
    refs: app.deps.repos.conversationRefs,
    clock: { now: () => new Date() },
    log: createLogger("silent"),
    // Recorded instead of waited, so backoff is asserted exactly and the test stays fast.
    retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
  });
  // The app learns the channel the way it does in Teams: someone talks to it there.
  await post(app.url, message(connector.serviceUrl, "help", { place: "channel", threadId: "1" }));
  connector.calls.length = 0;
});
afterEach(async () => {
  await app.stop();
  await connector.stop();
});

const statuses = () => connector.calls.map((c) => c.status);

describe("Teams Messenger: proactive delivery", () => {
  it("posts the card into the stored channel (not the thread it learnt it from)", async () => {
    const result = await messenger.deliver(channel, notice);
    expect(result).toEqual({ status: "sent", messageId: expect.stringMatching(/^\d+$/) });
    const [sent] = connector.activitiesTo(GENERAL.id);
    expect(sent!.summary).toBe("This space is not part of a community yet. Anyone can set one up here, or link it to an existing community with a code from its facilitator.");
    expect(sent!.attachments?.[0]?.contentType).toBe("application/vnd.microsoft.card.adaptive");
  });

  it("paces a burst into one channel to Teams' per-chat limits instead of collecting 429s", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => messenger.deliver(channel, notice)));
    expect(results.every((r) => r.status === "sent")).toBe(true);
    expect(statuses()).toEqual(Array(10).fill(201)); // the fake connector answers 429 past 7 per 1 s and 8 per 2 s
    const at = connector.calls.map((c) => c.at);
    expect(at[9]! - at[0]!).toBeGreaterThanOrEqual(1900);
  });

  it("retries 429 (honouring Retry-After), 502 and 412 until the message is delivered", async () => {
    connector.fail({ status: 429, retryAfterSeconds: 1, times: 1 });
    connector.fail({ status: 502, times: 1 });
    connector.fail({ status: 412, times: 1 });
    expect(await messenger.deliver(channel, notice)).toMatchObject({ status: "sent" });
    expect(statuses()).toEqual([429, 502, 412, 201]);
    const [throttled, gateway] = connector.calls;
    expect(gateway!.at - throttled!.at).toBeGreaterThanOrEqual(950); // botbuilder's pipeline waited out Retry-After
    expect(sleeps).toEqual([375]); // 412 is ours to retry: half to all of 500 ms, jittered (random = 0.5)
  });

  it("backs off exponentially with jitter on repeated 412 and 429 without Retry-After, then gives up", async () => {
    connector.fail({ status: 429, times: 1 });
    connector.fail({ status: 412, times: 10 });
    expect(await messenger.deliver(channel, notice)).toEqual({ status: "failed", reason: "PreconditionFailed", retryable: true });
    expect(statuses()).toEqual([429, 412, 412, 412]);
    expect(sleeps).toEqual([375, 750, 1500]);
  });

  it("does not multiply botbuilder's own retries of a persistent 504", async () => {
    connector.fail({ status: 504, times: 10 });
    expect(await messenger.deliver(channel, notice)).toEqual({ status: "failed", reason: "ServiceError", retryable: true });
    expect(statuses()).toEqual([504, 504, 504, 504]); // the first try and botbuilder's three retries
    expect(sleeps).toEqual([]);
  }, 20_000);

  it("marks a conversation unreachable on 403 and stops calling it", async () => {
    connector.fail({ status: 403, times: 1, code: "BotNotInConversationRoster" });
    expect(await messenger.deliver(channel, notice)).toEqual({ status: "unreachable", reason: "BotNotInConversationRoster" });
    expect(await app.deps.repos.conversationRefs.get(channel.spaceKey)).toMatchObject({ unreachable: true });
    expect(await messenger.deliver(channel, notice)).toMatchObject({ status: "unreachable" });
    expect(statuses()).toEqual([403]);
  });

  it("does not retry a 404 (the conversation is gone)", async () => {
    connector.fail({ status: 404, times: 1 });
    expect(await messenger.deliver(channel, notice)).toEqual({ status: "failed", reason: "ConversationNotFound", retryable: false });
    expect(statuses()).toEqual([404]);
  });

  it("marks a person's 1:1 chat unreachable on 403 (they blocked the app) instead of reporting it sent", async () => {
    await post(app.url, message(connector.serviceUrl, "help", { place: "personal" }));
    connector.calls.length = 0;
    connector.fail({ status: 403, times: 1 });
    expect(await messenger.deliver(megan, notice)).toEqual({ status: "unreachable", reason: "ConversationBlockedByUser" });
    expect(await app.deps.repos.conversationRefs.get(megan.personKey)).toMatchObject({ unreachable: true });
    expect(await messenger.deliver(megan, notice)).toEqual({ status: "unreachable", reason: "conversation marked unreachable" });
    expect(statuses()).toEqual([403]);
    expect(app.logs.filter((l) => l.msg === "Teams turn failed")).toEqual([]);
  });

  it.each([
    ["creating the chat", ["createConversation"]],
    // botbuilder posts a proactive message as a reply to the turn's (made-up) activity id.
    ["sending into the new chat", ["send", "reply"]],
  ] as const)("marks a person unreachable when Teams answers 403 to %s", async (_what, kinds) => {
    await post(app.url, membersAdded(connector.serviceUrl, [{ id: ADELE.id, aadObjectId: ADELE.aadObjectId }]));
    connector.calls.length = 0;
    connector.fail({ status: 403, times: 1, kinds: [...kinds], code: "BotNotInConversationRoster" });
    expect(await messenger.deliver(adele, notice)).toEqual({ status: "unreachable", reason: "BotNotInConversationRoster" });
    expect(await app.deps.repos.conversationRefs.get(adele.personKey)).toMatchObject({ unreachable: true });
    const last = connector.calls.at(-1)!;
    expect(last.status).toBe(403);
    expect(kinds).toContain(last.kind);
  });

  it("updates a delivered card in place, retrying a 412 as a send is retried", async () => {
    const sent = await messenger.deliver(channel, notice);
    const messageId = sent.status === "sent" ? sent.messageId : "";
    connector.fail({ status: 412, times: 1, kinds: ["update"] });
    const done = noticeCard("notice.tryAgain", "success");
    expect(await messenger.update(channel, messageId, done)).toEqual({ status: "updated" });
    expect(connector.calls.map((c) => `${c.kind} ${c.status}`)).toEqual(["reply 201", "update 412", "update 200"]);
    const [original, updated] = connector.activitiesTo(GENERAL.id);
    expect(updated!.id).toBe(original!.id);
    expect(updated!.summary).toBe("Someone else changed this at the same moment. Please try again.");
    expect(sleeps).toEqual([375]);
  });

  it("updates a channel's card ahead of a burst of private answers waiting their turn in the tenant", async () => {
    const sent = await messenger.deliver(channel, notice);
    const messageId = sent.status === "sent" ? sent.messageId : "";
    // 150 people who never chatted with the app pressed a button in the channel: each answer opens a 1:1 chat,
    // and the tenant takes 50 a second, so they go out over three seconds.
    for (let n = 0; n < 150; n++) {
      const user = { id: `29:voter-${n}`, name: `Voter ${n}`, aadObjectId: `aad-voter-${n}` };
      const turn = message(connector.serviceUrl, "vote", { place: "channel", threadId: "1", user }) as unknown as Activity;
      expect(await messenger.deliverToSender(`teams:${TENANT}:${user.aadObjectId}`, whereToFind(turn, turn.from), cardActivity(notice), notice.title)).toEqual({ status: "queued" });
    }
    // The poll's counts change meanwhile: the card everyone in the channel reads is updated within the next second's room.
    expect(await messenger.update(channel, messageId, noticeCard("notice.tryAgain", "success"))).toEqual({ status: "updated" });
    const opened = () => connector.calls.filter((c) => c.kind === "createConversation").length;
    expect(opened()).toBeLessThanOrEqual(100);
    expect(await work.drain(15_000)).toBe(true);
    expect(opened()).toBe(150);
    expect(connector.calls.filter((c) => c.status === 429)).toEqual([]);
  }, 30_000);

  it("turns a 403 on an update into `unreachable` and a 404 (the message is gone) into a final failure", async () => {
    connector.fail({ status: 404, times: 1, kinds: ["update"] });
    expect(await messenger.update(channel, "1700000000001", notice)).toEqual({ status: "failed", reason: "ConversationNotFound", retryable: false });
    connector.fail({ status: 403, times: 1, kinds: ["update"] });
    expect(await messenger.update(channel, "1700000000001", notice)).toEqual({ status: "unreachable", reason: "ConversationBlockedByUser" });
    expect(await app.deps.repos.conversationRefs.get(channel.spaceKey)).toMatchObject({ unreachable: true });
  });

  it("opens a 1:1 chat with a person who has none yet, then reuses it", async () => {
    await post(app.url, membersAdded(connector.serviceUrl, [{ id: ADELE.id, aadObjectId: ADELE.aadObjectId }]));
    expect(await messenger.deliver(adele, notice)).toMatchObject({ status: "sent" });
    const created = connector.calls.find((c) => c.kind === "createConversation");
    expect(created?.body).toMatchObject({ isGroup: false, members: [{ id: ADELE.id }], tenantId: TENANT });
    const chat = created!.conversationId!;
    expect(connector.activitiesTo(chat)).toHaveLength(1);
    expect(await app.deps.repos.conversationRefs.get(adele.personKey)).toMatchObject({ reference: { conversation: { id: chat, conversationType: "personal" } } });

    expect(await messenger.deliver(adele, notice)).toMatchObject({ status: "sent" });
    expect(connector.calls.filter((c) => c.kind === "createConversation")).toHaveLength(1);
    expect(connector.activitiesTo(chat)).toHaveLength(2);
  });

  it("opens a 1:1 chat from a turn for a person whose ref is not stored, after the turn, storing nothing, and marks nothing on 403", async () => {
    // Adele pressed a button in the channel; nothing about her is stored (an anonymous answer records nothing).
    const turn = message(connector.serviceUrl, "vote", { place: "channel", threadId: "1", user: ADELE }) as unknown as Activity;
    const seen = whereToFind(turn, turn.from);
    expect(await messenger.deliverToSender(adele.personKey, seen, cardActivity(notice), notice.title)).toEqual({ status: "queued" });
    expect(await work.drain(5_000)).toBe(true);
    const created = connector.calls.find((c) => c.kind === "createConversation");
    expect(created?.body).toMatchObject({ isGroup: false, members: [{ id: ADELE.id }], tenantId: TENANT });
    expect(connector.activitiesTo(created!.conversationId!)).toHaveLength(1);
    expect(await app.deps.repos.conversationRefs.get(adele.personKey)).toBeUndefined();

    connector.fail({ status: 403, times: 1, kinds: ["createConversation"], code: "BotNotInConversationRoster" });
    expect(await messenger.deliverToSender(adele.personKey, seen, cardActivity(notice), notice.title)).toEqual({ status: "queued" });
    expect(await work.drain(5_000)).toBe(true);
    expect(connector.calls.at(-1)).toMatchObject({ kind: "createConversation", status: 403 });
    expect(await app.deps.repos.conversationRefs.get(adele.personKey)).toBeUndefined();
  });

  it("delivers to the sender's stored chat when there is one, and not to a person marked unreachable", async () => {
    await post(app.url, message(connector.serviceUrl, "help", { place: "personal" }));
    connector.calls.length = 0;
    const turn = message(connector.serviceUrl, "vote", { place: "channel", threadId: "1" }) as unknown as Activity;
    expect(await messenger.deliverToSender(megan.personKey, whereToFind(turn, turn.from), cardActivity(notice), notice.title)).toMatchObject({ status: "sent" });
    expect(connector.calls.map((c) => c.kind)).not.toContain("createConversation");
    await app.deps.repos.conversationRefs.markUnreachable(megan.personKey);
    connector.calls.length = 0;
    expect(await messenger.deliverToSender(megan.personKey, whereToFind(turn, turn.from), cardActivity(notice), notice.title)).toEqual({ status: "unreachable", reason: "conversation marked unreachable" });
    expect(connector.calls).toEqual([]);
  });

  it("reports a space it never saw as unreachable without calling Teams", async () => {
    expect(await messenger.deliver({ kind: "space", spaceKey: `teams:${TENANT}:19:unknown@thread.v2` }, notice)).toMatchObject({ status: "unreachable" });
    expect(connector.calls).toEqual([]);
  });
});
