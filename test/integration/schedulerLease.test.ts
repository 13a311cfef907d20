import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../src/log.js";
import { DeadLetters } from "../../src/scheduler/deadLetters.js";
import { JobStore, type ClaimedJob } from "../../src/scheduler/jobStore.js";
import type { Repeat } from "../../src/scheduler/lease.js";
import type { JobRecord } from "../../src/scheduler/records.js";
import { JobRegistry } from "../../src/scheduler/registry.js";
import { DEFAULT_SCHEDULER_OPTIONS, Scheduler } from "../../src/scheduler/scheduler.js";
import { openSchedulerStorage } from "../../src/scheduler/storage.js";
import { keyPart } from "../../src/store/entity.js";
import type { StorageAccount } from "../../src/store/tables.js";
import { startInstance, testAccount, waitFor, type TestInstance } from "../support/scheduling.js";

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function jobStatus(account: StorageAccount, key: string): Promise<string> {
  const { tables } = openSchedulerStorage(account);
  const index = await tables.jobs.getEntity<{ json: string }>(`k:${keyPart(key)}`, "");
  const at = JSON.parse(index.json) as { partitionKey: string; rowKey: string };
  return (await tables.jobs.getEntity<{ status: string }>(at.partitionKey, at.rowKey)).status;
}

/**
 * The jobs table as a slow network makes it look: a renewal reaches the table at once, but its answer
 * (the new ETag) is held back until the test lets it through.
 */
class SlowRenewals extends JobStore {
  readonly renewals: Array<Promise<ClaimedJob>> = [];
  readonly finishes: Array<{ status: JobRecord["status"]; written: boolean }> = [];
  readonly firstWritten = deferred();
  readonly answer = deferred();

  override renew(job: ClaimedJob, leaseMs: number): Promise<ClaimedJob> {
    const renewal = (async () => {
      const renewed = await super.renew(job, leaseMs);
      this.firstWritten.resolve();
      await this.answer.promise;
      return renewed;
    })();
    this.renewals.push(renewal);
    return renewal;
  }

  override async finish(job: ClaimedJob, next: Pick<JobRecord, "status"> & Partial<JobRecord>): Promise<boolean> {
    const written = await super.finish(job, next);
    this.finishes.push({ status: next.status, written });
    return written;
  }
}

describe("a job's lease", () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
  });

  /** A scheduler on the slow table whose renewals the test fires by hand (`tick`), and the job it runs. */
  async function slowScheduler(job: (tick: () => void, store: SlowRenewals, signal: AbortSignal) => Promise<void>) {
    const { account } = await testAccount();
    const storage = openSchedulerStorage(account);
    await storage.prepare();
    const log = createLogger("silent");
    const clock = { now: () => new Date() };
    const registry = new JobRegistry();
    const store = new SlowRenewals(storage.tables.jobs, registry, clock, log);
    let tick = () => undefined as void;
    const repeat: Repeat = (_everyMs, renew) => {
      tick = renew;
      return () => (tick = () => undefined);
    };
    registry.register("test.slow", { schema: z.object({}), run: (_payload, { signal }) => job(() => tick(), store, signal) });
    const scheduler = new Scheduler({
      store, registry, clock, log, repeat, instanceId: "a",
      deadLetters: new DeadLetters(storage.tables.deadLetters, log),
      options: { ...DEFAULT_SCHEDULER_OPTIONS, pollMs: 50, leaseMs: 2000 },
    });
    scheduler.start();
    stops.push(() => scheduler.stop());
    await store.schedule({ kind: "test.slow", key: "slow", dueAt: new Date(), payload: {} });
    await waitFor("the job's outcome to be written", () => store.finishes.length > 0, 10_000);
    return { account, store };
  }

  it("records the outcome under the ETag of a renewal that was still in flight when the job returned", async () => {
    const { account, store } = await slowScheduler(async (tick, slow) => {
      tick();
      await slow.firstWritten.promise;
      // The renewal's answer arrives only after the job returned: the outcome must wait for it.
      setImmediate(() => slow.answer.resolve());
    });
    expect(store.finishes).toEqual([{ status: "done", written: true }]);
    expect(await jobStatus(account, "slow")).toBe("done");
  });

  it("does not start a second renewal while one is in flight, so a slow renewal is not taken for a lost lease", async () => {
    let aborted: boolean | undefined;
    const { store } = await slowScheduler(async (tick, slow, signal) => {
      tick();
      await slow.firstWritten.promise;
      tick(); // the next third of the lease has passed and the first renewal has not answered yet
      await Promise.allSettled(slow.renewals.slice(1));
      slow.answer.resolve();
      await Promise.allSettled(slow.renewals);
      aborted = signal.aborted;
    });
    expect(aborted).toBe(false);
    expect(store.renewals).toHaveLength(1);
    expect(store.finishes).toEqual([{ status: "done", written: true }]);
  });
});

describe("a job asked to stop", () => {
  const instances: TestInstance[] = [];
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.stop()));
  });

  it("that returns (as the contract asks) is handed back, not recorded done, and runs again elsewhere", async () => {
    const { account, store } = await testAccount();
    const runs: Array<{ by: string; attempt: number }> = [];
    // Instance a's run follows the contract: it waits for its signal, then returns.
    const patient = (by: string) => ({
      registerJobs: (registry: JobRegistry) =>
        registry.register("test.patient", {
          schema: z.object({}),
          run: async (_payload: unknown, { attempt, signal }: { attempt: number; signal: AbortSignal }) => {
            runs.push({ by, attempt });
            if (by === "a") await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
          },
        }),
    });
    const a = await startInstance(account, store.repos, { instanceId: "a", ...patient("a") });
    await a.scheduling.jobs.schedule({ kind: "test.patient", key: "digest:1", dueAt: new Date(), payload: {} });
    await waitFor("a to start the job", () => runs.length === 1);
    await a.stop();
    expect(await jobStatus(account, "digest:1")).toBe("pending");
    expect(a.logs.some((l) => l.msg === "job handed back on shutdown")).toBe(true);

    const b = await startInstance(account, store.repos, { instanceId: "b", ...patient("b") });
    instances.push(b);
    await waitFor("b to run the job", () => runs.length === 2, 10_000);
    expect(runs).toEqual([{ by: "a", attempt: 1 }, { by: "b", attempt: 1 }]);
    await waitFor("the job to be recorded done", async () => (await jobStatus(account, "digest:1")) === "done");
  });
});
