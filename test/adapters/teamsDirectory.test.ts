import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationRef } from "../../src/core/domain.js";
import type { ConversationRefs } from "../../src/core/ports.js";
import { createLogger } from "../../src/log.js";
import { TeamsDirectory } from "../../src/teams/directory.js";
import { HttpTeamsAdapter } from "../../src/teams/httpAdapter.js";
import { startFakeBotConnector, type ConnectorRosterMember, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { BOT, GENERAL, TENANT } from "../support/teamsActivities.js";

const CHAT = "19:group-chat-cop@thread.v2";
const channelKey = `teams:${TENANT}:${GENERAL.id}`;
const chatKey = `teams:${TENANT}:${CHAT}`;

// 1,100 people with an AAD identity, and among them a bot and a federated account without one.
const people: ConnectorRosterMember[] = Array.from({ length: 1100 }, (_, i) => ({ id: `29:1person-${i}`, name: `Person ${i}`, aadObjectId: `aad-${i}` }));
const roster: ConnectorRosterMember[] = [
  ...people.slice(0, 3),
  { id: "28:other-bot", name: "Polly", aadObjectId: "aad-bot", userRole: "bot" },
  { id: "29:1federated", name: "Federated Guest" },
  ...people.slice(3),
];

let connector: FakeBotConnector;
let refs: ConversationRefs & { rows: Map<string, ConversationRef> };
let logs: Array<Record<string, unknown>>;
let directory: TeamsDirectory;

function memoryRefs() {
  const rows = new Map<string, ConversationRef>();
  return {
    rows,
    save: async (ref: ConversationRef) => void rows.set(ref.key, ref),
    get: async (key: string) => rows.get(key),
    recent: async (key: string) => rows.get(key),
    markUnreachable: async (key: string) => void (rows.has(key) && rows.set(key, { ...rows.get(key)!, unreachable: true })),
  };
}

function storeRef(key: string, conversation: Record<string, unknown>) {
  const reference = { channelId: "msteams", serviceUrl: connector.serviceUrl, bot: BOT, conversation: { tenantId: TENANT, ...conversation } };
  return refs.save({ key, platform: "teams", reference, unreachable: false, updatedAt: new Date().toISOString() });
}

beforeEach(async () => {
  connector = await startFakeBotConnector({ roster, tenantId: TENANT });
  refs = memoryRefs();
  logs = [];
  const sink = new Writable({ write: (chunk, _enc, done) => void (logs.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
  // Local mode, as the app runs without an app id: the adapter calls the connector at the ref's serviceUrl.
  directory = new TeamsDirectory({ adapter: new HttpTeamsAdapter({}), appId: "", refs, log: createLogger("debug", sink) });
  await storeRef(channelKey, { id: GENERAL.id, conversationType: "channel", isGroup: true });
  await storeRef(chatKey, { id: CHAT, conversationType: "groupChat", isGroup: true });
});
afterEach(async () => {
  await connector.stop();
});

const pagedCalls = () => connector.calls.filter((c) => c.kind === "getPagedMembers");

describe("Teams Directory", () => {
  it("pages through a channel's team 500 at a time, keyed by AAD object id, bots and accounts without one left out", async () => {
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await directory.members(channelKey, cursor);
      pages.push(page);
      cursor = page.next;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.people.length)).toEqual([498, 500, 102]);
    expect(pages.map((p) => p.next === undefined)).toEqual([false, false, true]);
    const all = pages.flatMap((p) => p.people);
    expect(all[0]).toEqual({ personKey: `teams:${TENANT}:aad-0`, displayName: "Person 0" });
    expect(all.map((p) => p.personKey)).toEqual(people.map((p) => `teams:${TENANT}:${p.aadObjectId}`));
    expect(pagedCalls().map((c) => c.conversationId)).toEqual([GENERAL.id, GENERAL.id, GENERAL.id]);
  });

  it("lists a group chat whole (Teams does not page chats)", async () => {
    const page = await directory.members(chatKey);
    expect(page.next).toBeUndefined();
    expect(page.people).toHaveLength(1100);
    expect(pagedCalls().map((c) => c.conversationId)).toEqual([CHAT]);
  });

  it("answers an empty page for a space it has no reference for, and says so", async () => {
    expect(await directory.members(`teams:${TENANT}:19:unknown@thread.tacv2`)).toEqual({ people: [] });
    expect(connector.calls).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 30, msg: "no Teams members to list", reason: "no conversation reference" }));
  });

  it("ends the import with an empty page when Teams answers 403 (the app was removed), and throws on other failures", async () => {
    connector.fail({ status: 403, times: 1, kinds: ["getPagedMembers"], code: "BotNotInConversationRoster" });
    expect(await directory.members(channelKey)).toEqual({ people: [] });
    expect(logs).toContainEqual(expect.objectContaining({ level: 40, msg: "Teams refused to list the members" }));
    connector.fail({ status: 404, times: 1, kinds: ["getPagedMembers"] });
    await expect(directory.members(channelKey)).rejects.toMatchObject({ statusCode: 404 });
  });
});
