/**
 * A 429 from chat.postMessage pauses posting for the whole installation, and a delivery already past its
 * own checks (opening a DM when the 429 came) looks again right before it posts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConversationRef } from "../../src/core/domain.js";
import type { ConversationRefs } from "../../src/core/ports.js";
import type { Card } from "../../src/core/kernel/card.js";
import { createLogger } from "../../src/log.js";
import { SlackMessenger } from "../../src/slack/messenger.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";

const HOME = FAKE_IDS.teamId;
const RETRY_AFTER_S = 30;
const notice: Card = { title: "", summary: "Please try again.", tone: "info", locale: "en", blocks: [{ type: "text", text: "Please try again.", style: "default", tone: "info" }] };

/** The messenger's port for stored refs, in memory. */
class MemoryRefs implements ConversationRefs {
  readonly rows = new Map<string, ConversationRef>();
  async save(ref: ConversationRef) {
    this.rows.set(ref.key, ref);
  }
  async get(key: string) {
    return this.rows.get(key);
  }
  recent = this.get;
  async markUnreachable(key: string) {
    const row = this.rows.get(key);
    if (row) this.rows.set(key, { ...row, unreachable: true });
  }
}

let fake: FakeSlack;
let refs: MemoryRefs;
let messenger: SlackMessenger;
beforeAll(async () => {
  fake = await startFakeSlack({ rateLimits: false });
});
afterAll(async () => {
  await fake?.stop();
});
beforeEach(() => {
  fake.reset();
  refs = new MemoryRefs();
  messenger = new SlackMessenger({ refs, tokens: { botToken: async () => fake.botToken }, log: createLogger("silent"), apiUrl: fake.apiUrl });
});

async function person(userId: string, teamId: string = HOME): Promise<{ kind: "person"; personKey: string }> {
  fake.setUser({ id: userId });
  const personKey = `slack:${teamId}:${userId}`;
  await refs.save({ key: personKey, platform: "slack", reference: { teamId, isEnterpriseInstall: false, userId }, unreachable: false, updatedAt: new Date().toISOString() });
  return { kind: "person", personKey };
}

async function space(channelId: string, teamId: string = HOME): Promise<{ kind: "space"; spaceKey: string }> {
  fake.setChannel({ id: channelId, members: [FAKE_IDS.botUserId] });
  const spaceKey = `slack:${teamId}:${channelId}`;
  await refs.save({ key: spaceKey, platform: "slack", reference: { teamId, isEnterpriseInstall: false, channelId }, unreachable: false, updatedAt: new Date().toISOString() });
  return { kind: "space", spaceKey };
}

/** chat.postMessage calls that reached Slack after the 429, inside its Retry-After. */
function postsInsideWindow(): unknown[] {
  const posts = fake.callsTo("chat.postMessage");
  const throttled = posts.find((c) => c.status === 429);
  expect(throttled).toBeDefined();
  return posts.filter((c) => c !== throttled && c.at >= throttled!.at && c.at < throttled!.at + RETRY_AFTER_S * 1000).map((c) => c.args.channel);
}

describe("Slack Messenger after a 429 on chat.postMessage", () => {
  it("does not post a DM opened while the 429 came back: the pause is checked again after conversations.open", async () => {
    const dm = await person("U0PAUSE01");
    const channel = await space("C0PAUSE01");
    const opening = fake.hold("conversations.open");
    const inFlight = messenger.deliver(dm, notice);
    await opening.arrived;

    fake.fail("chat.postMessage", { status: 429, retryAfterSeconds: RETRY_AFTER_S });
    expect(await messenger.deliver(channel, notice)).toEqual({ status: "throttled", retryAfterMs: RETRY_AFTER_S * 1000 });

    opening.release();
    const late = await inFlight;
    expect(late.status).toBe("throttled");
    expect(late.status === "throttled" && late.retryAfterMs).toBeGreaterThan((RETRY_AFTER_S - 5) * 1000);
    expect(fake.callsTo("conversations.open")).toHaveLength(1);
    expect(postsInsideWindow()).toEqual([]);
  });

  it("holds back every channel of the installation, not only the one that met the 429, and no other installation", async () => {
    const first = await space("C0PAUSE02");
    const other = await space("C0PAUSE03");
    const elsewhere = await space("C0PAUSE04", "T0ELSEWHERE");
    fake.fail("chat.postMessage", { status: 429, retryAfterSeconds: RETRY_AFTER_S });
    expect(await messenger.deliver(first, notice)).toMatchObject({ status: "throttled" });
    expect(await messenger.deliver(other, notice)).toMatchObject({ status: "throttled" });
    expect(await messenger.deliver(await person("U0PAUSE02"), notice)).toMatchObject({ status: "throttled" });
    expect(postsInsideWindow()).toEqual([]);
    expect(await messenger.deliver(elsewhere, notice)).toMatchObject({ status: "sent" });
    expect(fake.callsTo("chat.postMessage").map((c) => c.args.channel)).toEqual(["C0PAUSE02", "C0PAUSE04"]);
  });
});
