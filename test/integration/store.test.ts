import { TableClient } from "@azure/data-tables";
import { beforeAll, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { ConcurrencyError } from "../../src/core/errors.js";
import type { Community, Member } from "../../src/core/domain.js";
import { createLogger } from "../../src/log.js";
import { openStore, type Store } from "../../src/store/index.js";
import { testConnectionString, uniquePrefix } from "../support/storage.js";

const community: Community = {
  id: "c-1",
  charter: { name: "Data Stewards", domain: "rdm", audience: "stewards", purposes: ["learning"], goals: [], outcomes: [], guidelines: { participation: "", contribution: "", conflictResolution: "" } },
  status: "pilot",
  createdAt: "2026-11-23T09:00:00.000Z",
  createdBy: "teams:t:ana",
  updatedAt: "2026-11-23T09:00:00.000Z",
};
const member = (i: number, communityId = "c-1"): Member => ({
  communityId,
  personKey: `slack:T1:U${String(i).padStart(4, "0")}`,
  displayName: `Person ${i}`,
  role: "member",
  profile: { organisation: "", role: "", expertise: [], interests: [], offers: "", wantsToLearn: "", timezone: "" },
  joinedAt: "2026-11-23T09:00:00.000Z",
  lastActiveAt: "2026-11-23T09:00:00.000Z",
});

describe("the Table Storage repositories", () => {
  let store: Store;
  let prefix: string;
  const warnings: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    prefix = uniquePrefix();
    const sink = new Writable({ write: (chunk, _e, done) => (warnings.push(JSON.parse(String(chunk))), done()) });
    const opened = openStore({ connectionString: testConnectionString(), tablePrefix: prefix }, createLogger("warn", sink));
    await opened.prepare();
    await opened.prepare(); // idempotent, as on every start-up
    store = opened;
  });

  it("stores a community once and refuses a second with the same id", async () => {
    expect(await store.repos.communities.create(community)).toBe("created");
    expect(await store.repos.communities.create(community)).toBe("duplicate");
    expect((await store.repos.communities.get("c-1"))?.value).toEqual(community);
    expect(await store.repos.communities.get("nope")).toBeUndefined();
  });

  it("rejects an update made against a stale ETag with a ConcurrencyError", async () => {
    await store.repos.communities.create({ ...community, id: "c-race" });
    const read = (await store.repos.communities.get("c-race"))!;
    await store.repos.communities.update({ ...read.value, status: "launched" }, read.etag);
    await expect(store.repos.communities.update({ ...read.value, status: "closed" }, read.etag)).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await store.repos.communities.get("c-race"))?.value.status).toBe("launched");
  });

  it("gives a space one owner, and finds the community from the space", async () => {
    const space = { communityId: "c-1", spaceKey: "teams:t:19:abc@thread.tacv2;messageid=1/x#y?z", platform: "teams" as const, displayName: "General", boundAt: community.createdAt, boundBy: "teams:t:ana" };
    expect(await store.repos.spaces.bind(space)).toEqual({ result: "bound" });
    expect(await store.repos.spaces.bind(space)).toEqual({ result: "bound" });
    expect(await store.repos.spaces.bind({ ...space, communityId: "c-other" })).toEqual({ result: "taken", communityId: "c-1" });
    expect(await store.repos.spaces.find(space.spaceKey)).toEqual(space);
    expect(await store.repos.spaces.listForCommunity("c-1")).toEqual([space]);
  });

  it("saves 250 members in batches and pages through them with continuation tokens", async () => {
    const members = Array.from({ length: 250 }, (_, i) => member(i, "c-big"));
    await store.repos.members.saveMany(members);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await store.repos.members.list("c-big", { pageSize: 100, continuationToken: token });
      expect(page.items.length).toBeLessThanOrEqual(100);
      seen.push(...page.items.map((m) => m.personKey));
      token = page.continuationToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(250);
    expect(await store.repos.members.count("c-big")).toBe(250);
    expect(await store.repos.members.communitiesOf(members[7]!.personKey)).toEqual(["c-big"]);
  });

  it("skips a stored row that no longer parses, and logs its keys", async () => {
    await store.repos.members.saveMany([member(1, "c-bad"), member(2, "c-bad")]);
    const raw = TableClient.fromConnectionString(testConnectionString(), `${prefix}Communities`, { allowInsecureConnection: true });
    await raw.upsertEntity({ partitionKey: "c:c-bad", rowKey: "m:broken", kind: "member", v: 1, json: '{"role":"wizard"}' });
    const page = await store.repos.members.list("c-bad");
    expect(page.items.map((m) => m.displayName)).toEqual(["Person 1", "Person 2"]);
    expect(warnings).toContainEqual(expect.objectContaining({ partitionKey: "c:c-bad", rowKey: "m:broken", msg: "skipping a stored row that does not parse" }));
  });

  it("hands a link code out exactly once, even to concurrent takers", async () => {
    const code = { code: "ABCD2345", communityId: "c-1", createdBy: "teams:t:ana", createdIn: "teams:t:19:x", createdAt: community.createdAt, expiresAt: community.createdAt };
    expect(await store.repos.linkCodes.create(code)).toBe("created");
    expect(await store.repos.linkCodes.create(code)).toBe("duplicate");
    const takers = await Promise.all(Array.from({ length: 5 }, () => store.repos.linkCodes.take("ABCD2345")));
    expect(takers.filter((t) => t !== "missing")).toEqual([code]);
  });

  it("keeps a conversation reference and marks it unreachable", async () => {
    const ref = { key: "slack:T1:C1", platform: "slack" as const, reference: { channel: "C1" }, unreachable: false, updatedAt: community.createdAt };
    await store.repos.conversationRefs.save(ref);
    await store.repos.conversationRefs.markUnreachable(ref.key);
    expect(await store.repos.conversationRefs.get(ref.key)).toEqual({ ...ref, unreachable: true });
  });

  it("answers `recent` from what this instance last wrote, and from storage once it marked the ref unreachable itself", async () => {
    const ref = { key: "teams:t:19:recent", platform: "teams" as const, reference: { conversation: { id: "19:recent" } }, unreachable: false, updatedAt: community.createdAt };
    const other = openStore({ connectionString: testConnectionString(), tablePrefix: prefix }, createLogger("warn", new Writable({ write: (_c, _e, done) => done() })));
    await store.repos.conversationRefs.save(ref);
    // Another instance marks it: this one still knows it as written (for a minute at most), which `get` does not.
    await other.repos.conversationRefs.markUnreachable(ref.key);
    expect(await store.repos.conversationRefs.recent(ref.key)).toEqual(ref);
    expect(await store.repos.conversationRefs.get(ref.key)).toEqual({ ...ref, unreachable: true });
    // What `get` read is what this instance knows now; and its own mark is seen at once.
    expect(await store.repos.conversationRefs.recent(ref.key)).toEqual({ ...ref, unreachable: true });
    await store.repos.conversationRefs.save(ref);
    await store.repos.conversationRefs.markUnreachable(ref.key);
    expect(await store.repos.conversationRefs.recent(ref.key)).toEqual({ ...ref, unreachable: true });
  });

  it("keeps each kind of row in a community's partition apart: mutes, settings and surveys are neither members nor spaces", async () => {
    const space = { communityId: "c-rows", spaceKey: "slack:T1:C0ROWS", platform: "slack" as const, displayName: "#rows", boundAt: community.createdAt, boundBy: "teams:t:ana" };
    await store.repos.spaces.bind(space);
    await store.repos.members.saveMany([member(1, "c-rows"), member(2, "c-rows")]);
    const before = warnings.length;
    const at = new Date("2026-11-30T10:00:00Z");
    await store.repos.events.setMuted("c-rows", member(1).personKey, true, at);
    await store.repos.surveys.setMuted("c-rows", member(2).personKey, true, at);
    await store.repos.events.saveBeforeSettings("c-rows", { reminders: ["P1D"], guideBefore: "P7D" });

    expect(await store.repos.members.count("c-rows")).toBe(2);
    expect((await store.repos.members.list("c-rows")).items.map((m) => m.personKey)).toEqual([member(1).personKey, member(2).personKey]);
    expect(await store.repos.spaces.listForCommunity("c-rows")).toEqual([space]);
    expect(await store.repos.surveys.open("c-rows")).toEqual([]);
    expect([...(await store.repos.events.muted("c-rows"))]).toEqual([member(1).personKey]);
    expect([...(await store.repos.surveys.muted("c-rows"))]).toEqual([member(2).personKey]);
    // Nothing was read as a row of another kind (which logs "does not parse").
    expect(warnings.slice(before)).toEqual([]);
  });
});
