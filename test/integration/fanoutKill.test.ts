import { afterEach, describe, expect, it } from "vitest";
import type { SchedulingOptions } from "../../src/scheduler/index.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakePlatform, type FakePlatform } from "../support/fakePlatform.js";
import { startInstanceProcess, type InstanceProcess } from "../support/instanceProcess.js";
import { FAST, fanoutJob, seedMembers, testAccount, waitFor } from "../support/scheduling.js";

const RECIPIENTS = 1000;

/** Small pages and a short queue keep the first instance enqueueing when it dies, so the next one resumes that too. */
const OPTIONS: SchedulingOptions = {
  ...FAST,
  delivery: { ...FAST.delivery, visibilityTimeoutSec: 3 },
  fanout: { ...FAST.fanout, pageSize: 64, recipientsPerMessage: 8, maxQueued: 6 },
  rateLimits: { teams: { tenant: { perSecond: 100, burst: 5 } } },
  progressIntervalMs: 500,
};

describe("an instance killed in the middle of a fan-out", () => {
  let child: InstanceProcess | undefined;
  let app: TestApp | undefined;
  let observer: TestApp | undefined;
  let platform: FakePlatform | undefined;
  afterEach(async () => {
    child?.child.kill("SIGKILL");
    await Promise.all([app?.stop(), observer?.stop()]);
    await platform?.stop();
  });

  it("leaves nobody out: another instance finishes it, re-sending at most what was in flight at the kill", async () => {
    const { account, store } = await testAccount();
    platform = await startFakePlatform({ perSecond: 100 });
    const members = await seedMembers(store.repos, "c-kill", RECIPIENTS, "tenant-k");
    child = startInstanceProcess(account, platform.url, OPTIONS);
    await child.ready;

    // The test's own view of the storage: an app that schedules and reads but runs no loops.
    observer = await startTestApp({}, { tablePrefix: account.tablePrefix, scheduling: { runScheduler: false, runDeliveries: false } });
    const jobs = observer.deps.jobs;
    await jobs.schedule(fanoutJob("reminder:kill", { kind: "members", communityId: "c-kill" }));
    await waitFor("a third of the recipients to get their message", () => platform!.deliveries.length >= RECIPIENTS / 3, 30_000, 20);

    child.child.kill("SIGKILL");
    expect(await child.exited).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 100)); // requests already on the wire land
    const deliveredBeforeKill = new Set(platform.deliveries.map((d) => d.key));
    const progressAtKill = await jobs.fanoutProgress("reminder:kill");
    const records = await observer.scheduling.deliveries.list("reminder:kill");
    const recordedAtKill = new Set(records.map((r) => (r.target.kind === "person" ? r.target.personKey : r.target.spaceKey)));
    // In flight at the kill: sent to the platform, but not yet recorded.
    const inFlight = [...deliveredBeforeKill].filter((key) => !recordedAtKill.has(key));
    expect(progressAtKill?.enqueueDone).toBe(false);

    app = await startTestApp({}, { tablePrefix: account.tablePrefix, scheduling: { ...OPTIONS, messengers: { teams: platform.messenger() } } });
    const final = await waitFor("the fan-out to finish on the new instance", async () => {
      const progress = await app!.deps.jobs.fanoutProgress("reminder:kill");
      return progress?.done && progress;
    }, 60_000, 200);

    expect(final).toMatchObject({ total: RECIPIENTS, sent: RECIPIENTS, queued: 0, failed: 0, unreachable: 0 });
    const perRecipient = platform.perRecipient();
    expect(members.filter((key) => !perRecipient.has(key))).toEqual([]);
    const duplicated = members.filter((key) => (perRecipient.get(key) ?? 0) > 1);
    expect(duplicated.filter((key) => !inFlight.includes(key))).toEqual([]);
    expect(app.logs.some((l) => l.msg === "resuming a fan-out")).toBe(true);
    console.log(
      `killed after ${deliveredBeforeKill.size} of ${RECIPIENTS} deliveries (${recordedAtKill.size} recorded): ` +
        `${inFlight.length} in flight at the kill, ${duplicated.length} delivered twice, ${platform.duplicates()} duplicate messages in all`,
    );
  }, 120_000);
});
