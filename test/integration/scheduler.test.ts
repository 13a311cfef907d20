import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../src/log.js";
import { JobStore, minutePartition } from "../../src/scheduler/jobStore.js";
import type { JobRegistry } from "../../src/scheduler/index.js";
import { openSchedulerStorage } from "../../src/scheduler/storage.js";
import { keyPart } from "../../src/store/entity.js";
import type { StorageAccount } from "../../src/store/tables.js";
import { startTestApp } from "../support/app.js";
import { FAST, startInstance, testAccount, waitFor, type TestInstance } from "../support/scheduling.js";

/** A job kind that records who ran it: the tests' way to see each run. */
function recorder(runs: Array<{ key: string; by: string; attempt: number }>, by: string, behaviour: (key: string) => Promise<void> = async () => undefined) {
  return (registry: JobRegistry) =>
    registry.register("test.note", {
      schema: z.object({ note: z.string() }),
      run: async (_payload, { key, attempt }) => {
        runs.push({ key, by, attempt });
        await behaviour(key);
      },
    });
}

async function jobRow(account: StorageAccount, key: string) {
  const { tables } = openSchedulerStorage(account);
  const index = await tables.jobs.getEntity<{ json: string }>(`k:${keyPart(key)}`, "");
  const at = JSON.parse(index.json) as { partitionKey: string; rowKey: string };
  return tables.jobs.getEntity<{ json: string; status: string; partitionKey: string }>(at.partitionKey, at.rowKey);
}

describe("the scheduler", () => {
  const instances: TestInstance[] = [];
  const start = async (...args: Parameters<typeof startInstance>) => {
    const instance = await startInstance(...args);
    instances.push(instance);
    return instance;
  };
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.stop()));
  });

  it("keeps one job per idempotency key, runs it once when due, and records it done", async () => {
    const { account, store } = await testAccount();
    const runs: Array<{ key: string; by: string; attempt: number }> = [];
    const a = await start(account, store.repos, { registerJobs: recorder(runs, "a") });
    const dueAt = new Date(Date.now() + 200);
    expect(await a.scheduling.jobs.schedule({ kind: "test.note", key: "event:1:reminder", dueAt, payload: { note: "first" } })).toBe("scheduled");
    expect(await a.scheduling.jobs.schedule({ kind: "test.note", key: "event:1:reminder", dueAt: new Date(Date.now() + 5000), payload: { note: "again" } })).toBe("duplicate");

    await waitFor("the job to run", () => runs.length > 0);
    await waitFor("the job to be recorded done", async () => (await jobRow(account, "event:1:reminder")).status === "done");
    expect(runs).toEqual([{ key: "event:1:reminder", by: "a", attempt: 1 }]);
    await expect(a.scheduling.jobs.schedule({ kind: "test.none", key: "x", dueAt, payload: {} })).rejects.toThrow(/no job handler/);
    await expect(a.scheduling.jobs.schedule({ kind: "test.note", key: "y", dueAt, payload: { note: 1 } })).rejects.toThrow();
  });

  it("runs each of 200 jobs exactly once with two schedulers on the same storage", async () => {
    const { account, store } = await testAccount();
    const runs: Array<{ key: string; by: string; attempt: number }> = [];
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 5));
    const a = await start(account, store.repos, { instanceId: "a", registerJobs: recorder(runs, "a", slow), scheduler: { maxConcurrentJobs: 8 } });
    await start(account, store.repos, { instanceId: "b", registerJobs: recorder(runs, "b", slow), scheduler: { maxConcurrentJobs: 8 } });
    const now = Date.now();
    const keys = Array.from({ length: 200 }, (_, i) => `job-${i}`);
    // Spread over the past and the next second, so the schedulers meet both a backlog and jobs falling due.
    await Promise.all(keys.map((key, i) => a.scheduling.jobs.schedule({ kind: "test.note", key, dueAt: new Date(now - 1000 + i * 10), payload: { note: key } })));

    await waitFor("every job to run", () => new Set(runs.map((r) => r.key)).size === keys.length, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few more polls: a second run would show up now
    const perKey = new Map<string, number>();
    for (const run of runs) perKey.set(run.key, (perKey.get(run.key) ?? 0) + 1);
    expect([...perKey.values()].every((n) => n === 1)).toBe(true);
    expect(runs).toHaveLength(200);
    console.log(`two schedulers, 200 jobs: a ran ${runs.filter((r) => r.by === "a").length}, b ran ${runs.filter((r) => r.by === "b").length}`);
  });

  it("schedules a job again when a crash left its index but not its row, in a minute the scan still reads", async () => {
    const { account, store } = await testAccount();
    const runs: Array<{ key: string; by: string; attempt: number }> = [];
    const a = await start(account, store.repos, { registerJobs: recorder(runs, "a") });
    const { jobs } = a.scheduling.storage.tables;
    const key = "event:9:reminder";
    // What a crash between the two inserts leaves: the index, pointing at a minute long past, and no job row.
    const lost = minutePartition(new Date(Date.now() - 30 * 60_000));
    await jobs.createEntity({ partitionKey: `k:${keyPart(key)}`, rowKey: "", kind: "jobKey", v: 1, json: JSON.stringify({ partitionKey: lost, rowKey: keyPart(key) }) });
    const reader = new JobStore(jobs, a.scheduling.registry, { now: () => new Date() }, createLogger("silent"));
    await waitFor("the due scan to move past that minute", async () => (await reader.watermark()) > lost, 10_000);

    expect(await a.scheduling.jobs.schedule({ kind: "test.note", key, dueAt: new Date(), payload: { note: "again" } })).toBe("scheduled");
    await waitFor("the job to run", () => runs.length > 0, 10_000);
    await waitFor("the job to be recorded done", async () => (await jobRow(account, key)).status === "done");
    expect((await jobRow(account, key)).partitionKey).not.toBe(lost);
    expect(await a.scheduling.jobs.schedule({ kind: "test.note", key, dueAt: new Date(), payload: { note: "third" } })).toBe("duplicate");
    expect(runs).toEqual([{ key, by: "a", attempt: 1 }]);
  });

  it("takes over a job whose instance stopped holding it once its lease lapses", async () => {
    const { account, store } = await testAccount();
    const runs: Array<{ key: string; by: string; attempt: number }> = [];
    const log = createLogger("silent");
    const storage = openSchedulerStorage(account);
    await storage.prepare();
    // A "crashed" instance: it claims the job with a short lease and is never heard from again.
    const registry = { get: () => ({ schema: z.unknown(), run: async () => undefined }) } as unknown as JobRegistry;
    const crashed = new JobStore(storage.tables.jobs, registry, { now: () => new Date() }, log);
    await crashed.schedule({ kind: "test.note", key: "digest:weekly", dueAt: new Date(Date.now() - 1000), payload: { note: "n" } });
    const { due } = await crashed.findDue(new Date(), 10);
    expect(await crashed.claim({ ...due[0]!, record: due[0]!.record! }, "crashed", 800)).toBeDefined();

    await start(account, store.repos, { instanceId: "b", registerJobs: recorder(runs, "b") });
    await waitFor("another instance to take the job over", () => runs.length > 0, 10_000);
    expect(runs).toEqual([{ key: "digest:weekly", by: "b", attempt: 2 }]);
  });

  it("dead-letters a job whose instances kept dying while running it, instead of running it again", async () => {
    const { account, store } = await testAccount();
    const runs: Array<{ key: string; by: string; attempt: number }> = [];
    const storage = openSchedulerStorage(account);
    await storage.prepare();
    const registry = { get: () => ({ schema: z.unknown() }) } as unknown as JobRegistry;
    const dying = new JobStore(storage.tables.jobs, registry, { now: () => new Date() }, createLogger("silent"));
    await dying.schedule({ kind: "test.note", key: "poison", dueAt: new Date(Date.now() - 1000), payload: { note: "n" } });
    // Three instances in a row claim it and die (their 30 ms leases lapse).
    for (let i = 0; i < 3; i++) {
      const found = await waitFor("the lease to lapse", async () => (await dying.findDue(new Date(), 1)).due[0], 5000, 20);
      expect(await dying.claim({ ...found, record: found.record! }, `dead-${i}`, 30)).toBeDefined();
    }

    const a = await start(account, store.repos, { registerJobs: recorder(runs, "a"), scheduler: { maxAttempts: 3 } });
    const letters = await waitFor("the job to be dead-lettered", async () => {
      const { items } = await a.scheduling.deadLetters.list("jobs");
      return items.length > 0 && items;
    });
    expect(letters).toMatchObject([{ ref: "poison", error: "its instance stopped 3 times while running it" }]);
    expect(runs).toEqual([]);
  });

  it("runs a job that fell due while the app was stopped after the restart, oldest first, saying how late", async () => {
    const runs: Array<{ key: string; by: string; attempt: number }> = [];
    const first = await startTestApp({}, { scheduling: { registerJobs: recorder(runs, "first") } });
    const soon = Date.now() + 60_000;
    for (const [key, offset] of [["b", 20_000], ["c", 40_000], ["a", 0]] as const) {
      await first.deps.jobs.schedule({ kind: "test.note", key, dueAt: new Date(soon + offset), payload: { note: key } });
    }
    const prefix = first.storage.tablePrefix;
    await first.stop();

    // The restarted app's clock is ten minutes on: every job fell due while nothing ran.
    const clock = { now: () => new Date(Date.now() + 10 * 60_000) };
    const second = await startTestApp({}, { tablePrefix: prefix, scheduling: { ...FAST, clock, registerJobs: recorder(runs, "second") } });
    try {
      await waitFor("the late jobs to run", () => runs.length === 3, 20_000);
      expect(runs.map((r) => r.key)).toEqual(["a", "b", "c"]);
      expect(runs.every((r) => r.by === "second")).toBe(true);
      const late = second.logs.filter((l) => String(l.msg).startsWith("running a late job"));
      expect(late.map((l) => l.jobKey)).toEqual(["a", "b", "c"]);
      expect(Number(late[0]!.lateMs)).toBeGreaterThan(8 * 60_000);
      expect(String(late[0]!.msg)).toMatch(/running a late job, \d+ min \d+ s after it was due/);
    } finally {
      await second.stop();
    }
  });

  it("dead-letters a job whose payload no longer parses, and one that is not readable at all, and goes on", async () => {
    const { account, store } = await testAccount();
    const runs: Array<{ key: string; by: string; attempt: number }> = [];
    const storage = openSchedulerStorage(account);
    await storage.prepare();
    const registry = { get: () => ({ schema: z.unknown() }) } as unknown as JobRegistry;
    const older = new JobStore(storage.tables.jobs, registry, { now: () => new Date() }, createLogger("silent"));
    const dueAt = new Date(Date.now() - 5000);
    // Rows as an older version wrote them: a payload of another shape, and a row that is not even JSON.
    await older.schedule({ kind: "test.note", key: "old-payload", dueAt, payload: { text: "renamed field" } });
    const partitionKey = minutePartition(new Date());
    await storage.tables.jobs.createEntity({ partitionKey, rowKey: "garbled", kind: "job", v: 1, json: "{not json", status: "pending", runAt: dueAt.toISOString(), leaseUntil: "" });

    const a = await start(account, store.repos, { registerJobs: recorder(runs, "a") });
    await a.scheduling.jobs.schedule({ kind: "test.note", key: "good", dueAt, payload: { note: "fine" } });
    await waitFor("the good job to run", () => runs.some((r) => r.key === "good"));
    await waitFor("both bad jobs to be dead-lettered", async () => (await a.scheduling.deadLetters.list("jobs")).items.length === 2);
    const letters = (await a.scheduling.deadLetters.list("jobs")).items;
    expect(letters.find((l) => l.ref === "old-payload")?.error).toMatch(/payload does not parse: note: Required/);
    expect(letters.find((l) => l.ref === "garbled")?.error).toMatch(/stored job does not parse: not JSON/);
    expect((await jobRow(account, "old-payload")).status).toBe("dead");
    expect((await storage.tables.jobs.getEntity<{ status: string; json: string }>(partitionKey, "garbled")).json).toBe("{not json");
    expect(runs.map((r) => r.key)).toEqual(["good"]);
  });

  it("retries a failing job with backoff and dead-letters it with its last error after the last attempt", async () => {
    const { account, store } = await testAccount();
    const runs: Array<{ key: string; by: string; attempt: number }> = [];
    const failing = recorder(runs, "a", async (key) => {
      throw new Error(`digest service down for ${key}`);
    });
    const a = await start(account, store.repos, { registerJobs: failing, scheduler: { maxAttempts: 3, retryBaseMs: 50 } });
    await a.scheduling.jobs.schedule({ kind: "test.note", key: "flaky", dueAt: new Date(), payload: { note: "x" } });
    await waitFor("the job to be dead-lettered", async () => (await a.scheduling.deadLetters.list("jobs")).items[0]);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    const [letter] = (await a.scheduling.deadLetters.list("jobs")).items;
    expect(letter).toMatchObject({ source: "job", ref: "flaky", error: "digest service down for flaky" });
    expect(a.logs.some((l) => l.msg === "job failed; will retry" && l.error === "digest service down for flaky")).toBe(true);
  });

  it("cancels a pending job so it never runs; too late once it ran", async () => {
    const { account, store } = await testAccount();
    const runs: Array<{ key: string; by: string; attempt: number }> = [];
    const a = await start(account, store.repos, { registerJobs: recorder(runs, "a") });
    await a.scheduling.jobs.schedule({ kind: "test.note", key: "later", dueAt: new Date(Date.now() + 400), payload: { note: "x" } });
    await a.scheduling.jobs.schedule({ kind: "test.note", key: "now", dueAt: new Date(), payload: { note: "y" } });
    expect(await a.scheduling.jobs.cancel("later")).toBe("cancelled");
    expect(await a.scheduling.jobs.cancel("never-scheduled")).toBe("missing");
    await waitFor("the other job to run", () => runs.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(runs.map((r) => r.key)).toEqual(["now"]);
    expect(await a.scheduling.jobs.cancel("now")).toBe("started");
  });
});
