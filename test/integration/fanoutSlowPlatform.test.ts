import { request, type ClientRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { SchedulingOptions } from "../../src/scheduler/index.js";
import { startFakePlatform, type FakePlatform } from "../support/fakePlatform.js";
import { startInstanceProcess, type InstanceProcess } from "../support/instanceProcess.js";
import { FAST, fanoutJob, seedMembers, startInstance, testAccount, waitFor, type TestInstance } from "../support/scheduling.js";

/** Every send takes longer than a message stays invisible after it was received. */
const ANSWER_AFTER_MS = 2500;
const OPTIONS: SchedulingOptions = {
  ...FAST,
  delivery: { ...FAST.delivery, visibilityTimeoutSec: 1, stopGraceMs: 4000 },
  rateLimits: { teams: { tenant: { perSecond: 200, burst: 20 } } },
};

const fanout = (key: string, communityId: string) => fanoutJob(key, { kind: "members", communityId });

/** A client that starts a request to the app and never finishes sending it (what a stop has to wait out). */
function unfinishedRequest(url: string): ClientRequest {
  const req = request(`${url}/api/anything`, { method: "POST", headers: { "content-type": "application/json", "content-length": "1000" } });
  req.on("error", () => undefined);
  req.write("{");
  return req;
}

describe("fan-out through a platform slower than the queue's visibility timeout", () => {
  const instances: TestInstance[] = [];
  let child: InstanceProcess | undefined;
  let platform: FakePlatform | undefined;
  afterEach(async () => {
    child?.child.kill("SIGKILL");
    await Promise.all(instances.splice(0).map((i) => i.stop()));
    await platform?.stop();
    child = platform = undefined;
  });

  it("sends each recipient one message with two instances: a message stays held while its sends are out", async () => {
    const { account, store } = await testAccount();
    platform = await startFakePlatform({ perSecond: 1000, answerAfterMs: ANSWER_AFTER_MS });
    const members = await seedMembers(store.repos, "c-slow", 60, "tenant-slow");
    const options = { ...OPTIONS, messengers: { teams: platform.messenger() } };
    const a = await startInstance(account, store.repos, { ...options, instanceId: "a" });
    const b = await startInstance(account, store.repos, { ...options, instanceId: "b" });
    instances.push(a, b);

    await a.scheduling.jobs.schedule(fanout("reminder:slow", "c-slow"));
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await a.scheduling.jobs.fanoutProgress("reminder:slow");
      return progress?.done && progress;
    }, 30_000, 200);

    expect(final).toMatchObject({ total: 60, sent: 60, failed: 0, unreachable: 0 });
    const perRecipient = platform.perRecipient();
    expect(members.filter((key) => perRecipient.get(key) !== 1)).toEqual([]);
    expect(platform.duplicates()).toBe(0);
  }, 60_000);

  it("lets go of a call that passes its deadline without sending again: the late answer is recorded before the retry", async () => {
    const { account, store } = await testAccount();
    platform = await startFakePlatform({ perSecond: 1000, answerAfterMs: 1300 });
    const members = await seedMembers(store.repos, "c-late", 12, "tenant-late");
    const a = await startInstance(account, store.repos, {
      ...OPTIONS, messengers: { teams: platform.messenger() }, delivery: { ...OPTIONS.delivery, sendTimeoutMs: 1000 },
    });
    instances.push(a);

    await a.scheduling.jobs.schedule(fanout("reminder:late", "c-late"));
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await a.scheduling.jobs.fanoutProgress("reminder:late");
      return progress?.done && progress;
    }, 30_000, 200);

    expect(final).toMatchObject({ total: 12, sent: 12, failed: 0, unreachable: 0 });
    expect(platform.duplicates()).toBe(0);
    expect(members.filter((key) => platform!.perRecipient().get(key) !== 1)).toEqual([]);
    // Each late answer is logged once its record is written, which may be just after the progress counted it.
    await waitFor("every late answer to be recorded", () => a.logs.filter((l) => l.msg === "a platform call answered after its deadline" && l.recorded === true).length === 12, 10_000);
    await waitFor("the retries to drop the recorded recipients", () => a.logs.filter((l) => String(l.msg).startsWith("already delivered")).length === 12, 10_000);
  }, 60_000);

  it("stops on SIGTERM well within 10 s with sends in flight and a request still coming in; the next instance sends the rest, nobody gets two", async () => {
    const { account, store } = await testAccount();
    platform = await startFakePlatform({ perSecond: 1000, answerAfterMs: ANSWER_AFTER_MS });
    const members = await seedMembers(store.repos, "c-term", 150, "tenant-term");
    // Slow enough that the child is still sending when it is told to stop; its sends come to their own path.
    const options: SchedulingOptions = { ...OPTIONS, rateLimits: { teams: { tenant: { perSecond: 40, burst: 10 } } } };
    child = startInstanceProcess(account, `${platform.url}/child`, options);
    await child.ready;
    const childUrl = String(child.lines.find((l) => l.msg === "instance ready")?.url);
    const reader = await startInstance(account, store.repos, { runScheduler: false, runDeliveries: false });
    instances.push(reader);

    await reader.scheduling.jobs.schedule(fanout("reminder:term", "c-term"));
    await waitFor("the child to have sends in flight", () => platform!.deliveries.length >= 20 && platform!.unanswered("/child/") > 0, 30_000, 20);
    const slowClient = unfinishedRequest(childUrl);
    const inFlightAtStop = platform.unanswered("/child/");
    const stoppedAt = Date.now();
    child.child.kill("SIGTERM");
    const code = await child.exited;
    const stopMs = Date.now() - stoppedAt;
    slowClient.destroy();
    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(6000);
    expect(platform.unanswered("/child/")).toBe(0);

    const next = await startInstance(account, store.repos, { ...options, messengers: { teams: platform.messenger() }, instanceId: "next" });
    instances.push(next);
    const final = await waitFor("the fan-out to finish on the next instance", async () => {
      const progress = await reader.scheduling.jobs.fanoutProgress("reminder:term");
      return progress?.done && progress;
    }, 60_000, 200);
    expect(final).toMatchObject({ total: 150, sent: 150, failed: 0, unreachable: 0 });
    const perRecipient = platform.perRecipient();
    expect(members.filter((key) => perRecipient.get(key) !== 1)).toEqual([]);
    expect(platform.duplicates()).toBe(0);
    expect(platform.deliveries.some((d) => !d.path.startsWith("/child/"))).toBe(true);
    console.log(`SIGTERM with ${inFlightAtStop} sends in flight: stopped in ${stopMs} ms; ${platform.deliveries.filter((d) => d.path.startsWith("/child/")).length} sent before, ${platform.duplicates()} duplicates`);
  }, 90_000);
});
