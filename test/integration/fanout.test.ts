import { afterEach, describe, expect, it } from "vitest";
import type { FanoutProgress } from "../../src/core/ports.js";
import { startFakePlatform, type FakePlatform } from "../support/fakePlatform.js";
import { fanoutJob, NOTICE_TEXT, seedMembers, startInstance, testAccount, waitFor, watchLoopDelay, type TestInstance } from "../support/scheduling.js";

describe("fan-out delivery", () => {
  const instances: TestInstance[] = [];
  const platforms: FakePlatform[] = [];
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.stop()));
    await Promise.all(platforms.splice(0).map((p) => p.stop()));
  });

  it("delivers one message to each of 2,000 members through a throttling platform, every instance honouring Retry-After", async () => {
    const { account, store } = await testAccount();
    // The platform allows 150/s per tenant with little room for bursts; the limiter is told 180/s, so the platform
    // has to push back with 429s, however slowly or unevenly a busy machine lets the instances send.
    const platform = await startFakePlatform({ perSecond: 150, burst: 40 });
    platforms.push(platform);
    const members = await seedMembers(store.repos, "c-big", 2000);
    const options = {
      messengers: { teams: platform.messenger() },
      rateLimits: { teams: { tenant: { perSecond: 180, burst: 10 } } },
      fanout: { maxQueued: 400 },
    };
    const a = await startInstance(account, store.repos, { ...options, instanceId: "a" });
    const b = await startInstance(account, store.repos, { ...options, instanceId: "b", runScheduler: false });
    instances.push(a, b);

    const loop = watchLoopDelay();
    await a.scheduling.jobs.schedule(fanoutJob("reminder:webinar-1", { kind: "members", communityId: "c-big" }));
    const samples: FanoutProgress[] = [];
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await b.scheduling.jobs.fanoutProgress("reminder:webinar-1");
      if (progress) samples.push(progress);
      return progress?.done && progress;
    }, 90_000, 250);

    expect(final).toMatchObject({ total: 2000, enqueueDone: true, queued: 0, sent: 2000, failed: 0, unreachable: 0, done: true });
    const perRecipient = platform.perRecipient();
    expect(members.filter((key) => perRecipient.get(key) !== 1)).toEqual([]);
    expect(platform.duplicates()).toBe(0);
    expect(platform.deliveries.filter((d) => d.text !== NOTICE_TEXT)).toEqual([]);
    const throttled = platform.requests.filter((r) => r.status === 429).length;
    expect(throttled).toBeGreaterThan(0);
    // Sends already booked when a 429 arrived may still go within the booking horizon (250 ms) plus slack,
    // plus however late this busy process ran its timers.
    expect(platform.ignoredRetryAfter(600 + loop.stop())).toBe(0);
    // Readable at any time, and always adding up.
    expect(samples.length).toBeGreaterThan(2);
    for (const s of samples) expect(s.queued + s.sent + s.failed + s.unreachable).toBe(s.total);
    expect(samples.some((s) => s.sent > 0 && s.queued > 0)).toBe(true);
    const logs = () => [...a.logs, ...b.logs];
    await waitFor("an instance to log the end", () => logs().some((l) => l.msg === "fan-out finished"));
    expect(logs().some((l) => l.msg === "fan-out progress" && l.fanoutId === "reminder:webinar-1")).toBe(true);
    expect(logs().filter((l) => l.msg === "fan-out finished")).toHaveLength(1);
    expect(logs().some((l) => l.msg === "platform throttled us: every instance pauses this bucket")).toBe(true);
    console.log(`2,000 recipients: ${platform.requests.length} requests, ${throttled} answered 429, ${platform.duplicates()} duplicates, ` +
      `${((platform.deliveries.at(-1)!.at - platform.deliveries[0]!.at) / 1000).toFixed(1)} s of sending`);
  }, 120_000);

  it("sends a recipient named twice in a targets list one message, and finishes (the repeats on different pages)", async () => {
    const { account, store } = await testAccount();
    const platform = await startFakePlatform({ perSecond: 1000 });
    platforms.push(platform);
    const people = Array.from({ length: 10 }, (_, i) => ({ kind: "person" as const, personKey: `teams:tenant-3:p${i}` }));
    // Pages of four: p0 and p5 come again on the third page, p5 once more on the fourth.
    const targets = [...people, people[0]!, people[5]!, people[5]!];
    const a = await startInstance(account, store.repos, { messengers: { teams: platform.messenger() }, fanout: { pageSize: 4 } });
    instances.push(a);

    await a.scheduling.jobs.schedule(fanoutJob("nudge:twice", { kind: "targets", targets }));
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await a.scheduling.jobs.fanoutProgress("nudge:twice");
      return progress?.done && progress;
    }, 15_000, 100);
    expect(final).toMatchObject({ total: 10, sent: 10, queued: 0, failed: 0, unreachable: 0 });
    expect(platform.duplicates()).toBe(0);
    expect([...platform.perRecipient().values()]).toEqual(Array(10).fill(1));
  }, 30_000);

  it("marks 403 recipients unreachable without retrying, dead-letters a recipient that keeps failing, and never resends a recorded delivery", async () => {
    const { account, store } = await testAccount();
    const targets = Array.from({ length: 12 }, (_, i) => ({ kind: "person" as const, personKey: `teams:tenant-2:p${i}` }));
    const platform = await startFakePlatform({ perSecond: 1000, blocked: ["teams:tenant-2:p1", "teams:tenant-2:p2"], broken: ["teams:tenant-2:p3"] });
    platforms.push(platform);
    const a = await startInstance(account, store.repos, { messengers: { teams: platform.messenger() } });
    instances.push(a);

    await a.scheduling.jobs.schedule(fanoutJob("nudge:survey-7", { kind: "targets", targets }));
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await a.scheduling.jobs.fanoutProgress("nudge:survey-7");
      return progress?.done && progress;
    }, 30_000, 200);
    expect(final).toMatchObject({ total: 12, sent: 9, unreachable: 2, failed: 1, queued: 0 });

    const tries = (key: string) => platform.requests.filter((r) => r.key === key).length;
    expect(tries("teams:tenant-2:p1")).toBe(1);
    expect(tries("teams:tenant-2:p3")).toBe(5);
    const [letter, ...others] = (await a.scheduling.deadLetters.list({ fanoutId: "nudge:survey-7" })).items;
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ source: "delivery", ref: "nudge:survey-7", error: "HTTP 500", dequeueCount: 6 });
    const records = await a.scheduling.deliveries.list("nudge:survey-7");
    expect(records.find((r) => r.target.kind === "person" && r.target.personKey === "teams:tenant-2:p2")).toMatchObject({ status: "unreachable", reason: "blocked" });

    // The queue hands a message out again, as when a worker sent it and stopped before deleting it:
    // received once and not deleted, it comes back with a dequeue count of 2, and its record stops a second send.
    await a.stop();
    const { queue } = a.scheduling.storage;
    await queue.sendMessage(JSON.stringify({ f: "nudge:survey-7", t: [targets[0], targets[4]], th: 0 }));
    const [lost] = (await queue.receiveMessages({ visibilityTimeout: 1 })).receivedMessageItems;
    expect(lost?.dequeueCount).toBe(1);
    await queue.sendMessage("{ not a delivery");
    const b = await startInstance(account, store.repos, { messengers: { teams: platform.messenger() } });
    instances.push(b);
    await waitFor("the redelivered message to be dropped", () => b.logs.filter((l) => String(l.msg).startsWith("already delivered")).length === 2, 15_000);
    await waitFor("the garbled message to be dead-lettered", async () => (await b.scheduling.deadLetters.list("unparsed")).items[0]);
    await waitFor("the queue to be empty", async () => (await queue.peekMessages()).peekedMessageItems.length === 0);
    expect(tries("teams:tenant-2:p0")).toBe(1);
    expect(tries("teams:tenant-2:p4")).toBe(1);
    expect((await b.scheduling.deadLetters.list("unparsed")).items[0]?.error).toMatch(/not JSON/);
  }, 60_000);
});
