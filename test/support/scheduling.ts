import { monitorEventLoopDelay } from "node:perf_hooks";
import { Writable } from "node:stream";
import type { Repositories } from "../../src/core/ports.js";
import { createLogger } from "../../src/log.js";
import type { Scheduling, SchedulingOptions } from "../../src/scheduler/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import type { StorageAccount } from "../../src/store/tables.js";
import { member, schedulingWithKernel } from "./fanoutFixtures.js";
import { testConnectionString, uniquePrefix } from "./storage.js";

export { fanoutJob, member, notice, NOTICE_TEXT } from "./fanoutFixtures.js";

/** Short intervals so tests run in seconds: they are options, never sleeps. */
export const FAST: SchedulingOptions = {
  scheduler: { pollMs: 50, leaseMs: 2000, retryBaseMs: 100, lateAfterMs: 5_000 },
  delivery: { idlePollMs: 100, visibilityTimeoutSec: 5, retryBaseSec: 1, retryMaxSec: 1 },
  fanout: { backpressurePollMs: 50 },
  progressIntervalMs: 200,
};

export type LogLines = Array<Record<string, unknown>>;

export function logSink(lines: LogLines): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
}

export interface TestInstance {
  scheduling: Scheduling;
  logs: LogLines;
  stop(): Promise<void>;
}

/** A fresh account (own table prefix, own queue) on the test run's Azurite, with its store prepared. */
export async function testAccount(): Promise<{ account: StorageAccount; store: Store }> {
  const account = { connectionString: testConnectionString(), tablePrefix: uniquePrefix() };
  const store = openStore(account, createLogger("silent"));
  await store.prepare();
  return { account, store };
}

/** One "instance" of the scheduler and delivery workers, rendering cards with the kernel's presenters as the app does (several may share an account, as instances do). */
export async function startInstance(account: StorageAccount, repos: Repositories, options: SchedulingOptions = {}): Promise<TestInstance> {
  const logs: LogLines = [];
  const merged: SchedulingOptions = {
    ...FAST,
    ...options,
    scheduler: { ...FAST.scheduler, ...options.scheduler },
    delivery: { ...FAST.delivery, ...options.delivery },
    fanout: { ...FAST.fanout, ...options.fanout },
  };
  const scheduling = schedulingWithKernel({ account, repos, log: createLogger("debug", logSink(logs)), ...merged });
  await scheduling.prepare();
  scheduling.start({});
  return { scheduling, logs, stop: () => scheduling.stop() };
}

/** `count` members of one Teams tenant: `teams:<tenant>:user-0001`… */
export async function seedMembers(repos: Repositories, communityId: string, count: number, tenant = "tenant-1"): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `teams:${tenant}:user-${String(i + 1).padStart(5, "0")}`);
  for (let i = 0; i < keys.length; i += 500) await repos.members.saveMany(keys.slice(i, i + 500).map((k) => member(communityId, k)));
  return keys;
}

/** Resolves once `check` returns a value (polled); rejects with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}


/**
 * How late this process's timers ran while a test measured something by the clock: on a busy machine a
 * request the app sent in time can reach a local fake that much later, so timing checks allow for it (and
 * only for it). `stop()` returns the worst delay seen, in milliseconds.
 */
export function watchLoopDelay(): { stop(): number } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      return histogram.max / 1e6;
    },
  };
}
