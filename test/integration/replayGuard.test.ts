import { describe, expect, it } from "vitest";
import { openSignedRequestsTable, SignedRequests } from "../../src/slack/replayGuard.js";
import { testConnectionString, uniquePrefix } from "../support/storage.js";

/** The Slack replay guard's claims, written in group commits: each signed request is accepted exactly once, across instances. */
describe("signed request claims", () => {
  const twoInstances = async () => {
    const table = openSignedRequestsTable({ connectionString: testConnectionString(), tablePrefix: uniquePrefix() });
    await table.createTable();
    return [new SignedRequests(table), new SignedRequests(openSignedRequestsTable({ connectionString: testConnectionString(), tablePrefix: table.tableName.replace(/SlackSignedRequests$/, "") }))] as const;
  };
  const now = Math.floor(Date.now() / 1000);

  it("accepts each of many requests arriving at once exactly once, however often and wherever each comes again", async () => {
    const [a, b] = await twoInstances();
    const signatures = Array.from({ length: 150 }, (_, n) => `v0=${String(n).padStart(64, "0")}`);
    // Every request reaches both instances at once, and a third of them comes twice to the same one.
    const claims = signatures.flatMap((sig, n) => [
      a.claim(now + (n % 3), sig).then((r) => [sig, r] as const),
      b.claim(now + (n % 3), sig).then((r) => [sig, r] as const),
      ...(n % 3 === 0 ? [a.claim(now + (n % 3), sig).then((r) => [sig, r] as const)] : []),
    ]);
    const answers = await Promise.all(claims);
    for (const sig of signatures) {
      const mine = answers.filter(([s]) => s === sig).map(([, r]) => r);
      expect(mine.filter((r) => r === "created"), sig).toHaveLength(1);
    }
  }, 60_000);

  it("accepts the genuine requests that share a commit with a replay another instance has already taken", async () => {
    const [a, b] = await twoInstances();
    expect(await b.claim(now, "v0=replayed")).toBe("created");
    const fresh = Array.from({ length: 40 }, (_, n) => `v0=fresh-${n}`);
    const answers = await Promise.all([a.claim(now, "v0=replayed"), ...fresh.map((sig) => a.claim(now, sig))]);
    expect(answers[0]).toBe("duplicate");
    expect(answers.slice(1)).toEqual(fresh.map(() => "created"));
    // Claimed again later, on either instance: a replay.
    expect(await b.claim(now, "v0=fresh-7")).toBe("duplicate");
    expect(await a.claim(now, "v0=fresh-7")).toBe("duplicate");
  }, 60_000);
});
