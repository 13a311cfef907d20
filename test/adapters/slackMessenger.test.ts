import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Adapter } from "../../src/adapters.js";
import { decodeSlackMessageId } from "../../src/slack/messageIds.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { startSlackApp, type SlackTestApp } from "../support/slackApp.js";

let s: SlackTestApp;
let messenger: NonNullable<Adapter["messenger"]>;
let notice: Card;
beforeAll(async () => {
  // Strict per-channel pacing (1 a second, no burst): a messenger that did not pace itself would meet 429s.
  s = await startSlackApp({ fake: { rateLimits: { postMessagePerChannel: { perSecond: 1, burst: 1 } } } });
  messenger = s.app.adapters.find((a) => a.name === "slack")!.messenger!;
  notice = noticeCard("notice.tryAgain");
});
afterAll(async () => {
  await s?.stop();
});
beforeEach(() => s.fake.reset());

const HOME = FAKE_IDS.teamId;
/** A one-line notice as the core renders it for a Slack reader, in English. */
const noticeCard = (key: string): Card => s.app.kernel.presentToAll({ presenter: "notice", data: { key, tone: "info" } }, { locale: "en", platform: "slack", personal: false });

async function channelRef(channelId: string) {
  const key = `slack:${HOME}:${channelId}`;
  await s.app.deps.repos.conversationRefs.save({
    key, platform: "slack", reference: { teamId: HOME, isEnterpriseInstall: false, channelId }, unreachable: false, updatedAt: new Date().toISOString(),
  });
  return key;
}

describe("Slack Messenger (proactive delivery)", () => {
  it("posts a rendered card to a space, with blocks and a text fallback", async () => {
    const spaceKey = await channelRef("C0MSG0001");
    s.fake.setChannel({ id: "C0MSG0001", members: [FAKE_IDS.botUserId] });
    const result = await messenger.deliver({ kind: "space", spaceKey }, notice);
    const call = s.fake.callsTo("chat.postMessage")[0]!;
    expect(result.status === "sent" && decodeSlackMessageId(result.messageId)).toEqual({ channel: "C0MSG0001", ts: call.response.ts });
    expect(call.args.text).toContain("Someone else changed this");
    expect(call.args.blocks).toHaveLength(1);
  });

  it("opens the DM once to reach a person", async () => {
    const personKey = `slack:${HOME}:${FAKE_IDS.member}`;
    await s.app.deps.repos.conversationRefs.save({
      key: personKey, platform: "slack", reference: { teamId: HOME, isEnterpriseInstall: false, userId: FAKE_IDS.member }, unreachable: false, updatedAt: new Date().toISOString(),
    });
    expect(await messenger.deliver({ kind: "person", personKey }, notice)).toMatchObject({ status: "sent" });
    expect(await messenger.deliver({ kind: "person", personKey }, notice)).toMatchObject({ status: "sent" });
    expect(s.fake.callsTo("conversations.open")).toHaveLength(1);
    const dm = s.fake.callsTo("conversations.open")[0]!.response as { channel: { id: string } };
    expect(s.fake.callsTo("chat.postMessage").map((c) => c.args.channel)).toEqual([dm.channel.id, dm.channel.id]);
  });

  it("updates a message in place: in the channel, or in the DM a person's message went to", async () => {
    const spaceKey = await channelRef("C0UPDATE1");
    s.fake.setChannel({ id: "C0UPDATE1", members: [FAKE_IDS.botUserId] });
    const personKey = `slack:${HOME}:${FAKE_IDS.member}`;
    await s.app.deps.repos.conversationRefs.save({
      key: personKey, platform: "slack", reference: { teamId: HOME, isEnterpriseInstall: false, userId: FAKE_IDS.member }, unreachable: false, updatedAt: new Date().toISOString(),
    });
    const done = noticeCard("notice.internalError");
    for (const target of [{ kind: "space", spaceKey }, { kind: "person", personKey }] as const) {
      const sent = await messenger.deliver(target, notice);
      expect(await messenger.update(target, sent.status === "sent" ? sent.messageId : "", done)).toEqual({ status: "updated" });
    }
    const posts = s.fake.callsTo("chat.postMessage").map((c) => `${String(c.args.channel)} ${String(c.response.ts)}`);
    const updates = s.fake.callsTo("chat.update");
    expect(updates.map((c) => `${String(c.args.channel)} ${String(c.args.ts)}`)).toEqual(posts);
    expect(updates.map((c) => c.ok)).toEqual([true, true]);
    const dm = String(updates[1]!.args.channel);
    expect(s.fake.state.channels.get(dm)).toMatchObject({ is_im: true, user: FAKE_IDS.member });
    expect(s.fake.state.messages.get(`${dm}:${String(updates[1]!.args.ts)}`)?.text).toContain("Something went wrong on our side");
  });

  it("turns a 429 on an update into `throttled`, and refuses a message id it did not make", async () => {
    const spaceKey = await channelRef("C0UPDATE2");
    s.fake.setChannel({ id: "C0UPDATE2", members: [FAKE_IDS.botUserId] });
    const sent = await messenger.deliver({ kind: "space", spaceKey }, notice);
    const messageId = sent.status === "sent" ? sent.messageId : "";
    s.fake.fail("chat.update", { status: 429, retryAfterSeconds: 3 });
    expect(await messenger.update({ kind: "space", spaceKey }, messageId, notice)).toEqual({ status: "throttled", retryAfterMs: 3_000 });
    expect(await messenger.update({ kind: "space", spaceKey }, messageId, notice)).toMatchObject({ status: "throttled" });
    expect(s.fake.callsTo("chat.update")).toHaveLength(1);
    expect(await messenger.update({ kind: "space", spaceKey }, "1700000000001", notice)).toEqual({ status: "failed", reason: "not_a_slack_message_id", retryable: false });
  });

  it("paces messages into one channel to Slack's 1 per second instead of meeting 429s", async () => {
    const spaceKey = await channelRef("C0PACED01");
    s.fake.setChannel({ id: "C0PACED01", members: [FAKE_IDS.botUserId] });
    const started = Date.now();
    const results = await Promise.all([1, 2, 3].map(() => messenger.deliver({ kind: "space", spaceKey }, notice)));
    expect(results.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    expect(s.fake.callsTo("chat.postMessage").map((c) => c.status)).toEqual([200, 200, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  });

  it("turns a 429 into `throttled` with Slack's Retry-After, and holds the installation's posts back until then", async () => {
    // A workspace of its own: the pause holds every channel of the installation, which later tests post to.
    const team = "T0THROTTLD";
    const refFor = async (channelId: string) => {
      const key = `slack:${team}:${channelId}`;
      s.fake.setChannel({ id: channelId, members: [FAKE_IDS.botUserId] });
      await s.app.deps.repos.conversationRefs.save({ key, platform: "slack", reference: { teamId: team, isEnterpriseInstall: false, channelId }, unreachable: false, updatedAt: new Date().toISOString() });
      return key;
    };
    const spaceKey = await refFor("C0LIMITED");
    s.fake.fail("chat.postMessage", { status: 429, retryAfterSeconds: 7 });
    expect(await messenger.deliver({ kind: "space", spaceKey }, notice)).toEqual({ status: "throttled", retryAfterMs: 7_000 });
    for (const key of [spaceKey, await refFor("C0LIMITED2")]) {
      const again = await messenger.deliver({ kind: "space", spaceKey: key }, notice);
      expect(again.status).toBe("throttled");
      expect(again.status === "throttled" && again.retryAfterMs).toBeGreaterThan(5_000);
    }
    expect(s.fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it.each(["not_in_channel", "channel_not_found", "account_inactive", "token_revoked"])("turns %s into `unreachable` and marks the ref", async (error) => {
    const channel = `C0${error.replace(/_/g, "").toUpperCase().slice(0, 7)}`;
    const spaceKey = await channelRef(channel);
    s.fake.setChannel({ id: channel, members: [FAKE_IDS.botUserId] });
    s.fake.fail("chat.postMessage", { error });
    expect(await messenger.deliver({ kind: "space", spaceKey }, notice)).toEqual({ status: "unreachable", reason: error });
    expect(await s.app.deps.repos.conversationRefs.get(spaceKey)).toMatchObject({ unreachable: true });
    expect(await messenger.deliver({ kind: "space", spaceKey }, notice)).toEqual({ status: "unreachable", reason: "marked_unreachable" });
    expect(s.fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("reports a Slack outage as a retryable failure and an unknown target as unreachable", async () => {
    const spaceKey = await channelRef("C0OUTAGE1");
    s.fake.setChannel({ id: "C0OUTAGE1", members: [FAKE_IDS.botUserId] });
    s.fake.fail("chat.postMessage", { status: 503 });
    expect(await messenger.deliver({ kind: "space", spaceKey }, notice)).toMatchObject({ status: "failed", retryable: true });
    expect(await messenger.deliver({ kind: "space", spaceKey: `slack:${HOME}:C0NEVERSEEN` }, notice)).toEqual({ status: "unreachable", reason: "no_conversation_ref" });
  });
});
