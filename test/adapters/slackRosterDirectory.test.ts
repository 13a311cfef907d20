import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConversationRef } from "../../src/core/domain.js";
import { createLogger } from "../../src/log.js";
import { RateGate } from "../../src/slack/rateGate.js";
import { SlackRosterDirectory } from "../../src/slack/rosterDirectory.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";

const HOME = FAKE_IDS.teamId;
const PARTNER = FAKE_IDS.partnerTeamId;
const BIG = "C0BIGROOM";

let fake: FakeSlack;
let rows: Map<string, ConversationRef>;
let logs: Array<Record<string, unknown>>;

const refs = {
  save: async (ref: ConversationRef) => void rows.set(ref.key, ref),
  get: async (key: string) => rows.get(key),
  recent: async (key: string) => rows.get(key),
  markUnreachable: async (key: string) => void (rows.has(key) && rows.set(key, { ...rows.get(key)!, unreachable: true })),
};

/** A gate on a clock that moves only when it waits, so pacing is counted rather than waited for. */
function virtualTime() {
  let now = 0;
  const waits: number[] = [];
  const sleep = async (ms: number) => void (waits.push(ms), (now += ms));
  return { waits, sleep, gate: new RateGate(() => now, sleep) };
}

function directory(options: { gate?: RateGate; sleep?: (ms: number) => Promise<void> } = {}) {
  const sink = new Writable({ write: (chunk, _enc, done) => void (logs.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
  const tokens = { botToken: async () => fake.botToken };
  return new SlackRosterDirectory({ refs, tokens, apiUrl: fake.apiUrl, log: createLogger("debug", sink), ...options });
}

function channelRef(channelId: string): string {
  const key = `slack:${HOME}:${channelId}`;
  rows.set(key, { key, platform: "slack", reference: { teamId: HOME, isEnterpriseInstall: false, channelId }, unreachable: false, updatedAt: new Date().toISOString() });
  return key;
}

async function everyone(dir: SlackRosterDirectory, spaceKey: string) {
  const pages = [];
  let cursor: string | undefined;
  do {
    const page = await dir.members(spaceKey, cursor);
    pages.push(page);
    cursor = page.next;
  } while (cursor && pages.length < 10);
  return pages;
}

beforeAll(async () => {
  // users.info is Tier 4 (100 a minute): the paging test reads 260 people, so the fake's pacing is lifted here
  // and exercised on its own below.
  fake = await startFakeSlack({ rateLimits: { perMinute: { "users.info": 100_000 } } });
  const ids = Array.from({ length: 250 }, (_, i) => `U0P${String(i).padStart(5, "0")}`);
  for (const [i, id] of ids.entries()) fake.setUser({ id, real_name: `Person ${i}` });
  fake.setUser({ id: "U0GONE", real_name: "Gone Person", deleted: true });
  fake.setUser({ id: "U0OTHERBOT", real_name: "Polly", is_bot: true });
  fake.setChannel({ id: BIG, members: [FAKE_IDS.botUserId, ...ids.slice(0, 100), "U0GONE", "U0OTHERBOT", ...ids.slice(100)] });
});
afterAll(async () => {
  await fake?.stop();
});
beforeEach(() => {
  fake.reset();
  rows = new Map();
  logs = [];
});

describe("Slack roster directory", () => {
  it("pages through conversations.members 200 at a time, leaving out bots and deactivated accounts", async () => {
    const time = virtualTime();
    const pages = await everyone(directory(time), channelRef(BIG));
    expect(pages.map((p) => [p.people.length, p.next === undefined])).toEqual([[197, false], [53, true]]);
    const people = pages.flatMap((p) => p.people);
    expect(people).toHaveLength(250);
    expect(people[0]).toEqual({ personKey: `slack:${HOME}:U0P00000`, displayName: "Person 0", locale: "en-US" });
    expect(people.map((p) => p.personKey)).not.toContain(`slack:${HOME}:U0GONE`);
    expect(fake.callsTo("conversations.members").map((c) => c.args.limit)).toEqual(["200", "200"]);
    expect(fake.callsTo("users.info")).toHaveLength(253);
    // 90 a minute (a tenth under Tier 4) after the first 90: the rest waited about a minute and three quarters.
    const waited = time.waits.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(100_000);
    expect(waited).toBeLessThan(115_000);
  });

  it("keys a Slack Connect guest by their own team, not the channel's", async () => {
    const [page] = await everyone(directory(), channelRef(FAKE_IDS.shared));
    expect(page!.people).toEqual([
      { personKey: `slack:${HOME}:${FAKE_IDS.facilitator}`, displayName: "Ana Facilitator", locale: "en-GB" },
      { personKey: `slack:${HOME}:${FAKE_IDS.member}`, displayName: "Luc Member", locale: "fr-FR" },
      { personKey: `slack:${PARTNER}:${FAKE_IDS.guest}`, displayName: "Sofia Partner", locale: "es-ES" },
    ]);
  });

  it("answers an empty page for a space it has no reference for, and says so", async () => {
    expect(await directory().members(`slack:${HOME}:C0UNKNOWN`)).toEqual({ people: [] });
    expect(fake.calls).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 30, msg: "no Slack members to list", reason: "no_conversation_ref" }));
  });

  it("ends the import with an empty page when the channel is out of reach, and throws on other failures", async () => {
    fake.setChannel({ id: "G0LEFT", is_private: true, is_member: false, members: [FAKE_IDS.member] });
    expect(await directory().members(channelRef("G0LEFT"))).toEqual({ people: [] });
    expect(logs).toContainEqual(expect.objectContaining({ level: 40, msg: "Slack refused to list the members", code: "channel_not_found" }));
    fake.fail("users.info", { error: "internal_error" });
    await expect(directory().members(channelRef(FAKE_IDS.general))).rejects.toThrow(/internal_error/);
  });

  it("waits out a 429 on users.info and carries on", async () => {
    const time = virtualTime();
    fake.fail("users.info", { status: 429, retryAfterSeconds: 7, times: 1 });
    const [page] = await everyone(directory(time), channelRef(FAKE_IDS.general));
    expect(page!.people.map((p) => p.displayName)).toEqual(["Ana Facilitator", "Luc Member"]);
    expect(time.waits).toContain(7000);
  });
});
