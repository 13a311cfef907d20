import { afterEach, describe, expect, it } from "vitest";
import type { DeliveryRecord } from "../../src/scheduler/records.js";
import { startFakePlatform, type FakePlatform } from "../support/fakePlatform.js";
import { fanoutJob, seedMembers, startInstance, testAccount, waitFor, type TestInstance } from "../support/scheduling.js";

describe("a delivery loop between two batches", () => {
  let instance: TestInstance | undefined;
  let platform: FakePlatform | undefined;
  /** Lets the held records go (also when the test failed with them held). */
  let letGo = () => {};
  afterEach(async () => {
    letGo();
    await instance?.stop();
    await platform?.stop();
    instance = platform = undefined;
  });

  it("sends the next batch while the one before is still being recorded, so the platform's allowance is not left unused", async () => {
    const { account, store } = await testAccount();
    platform = await startFakePlatform({ perSecond: 1000, burst: 100 });
    const members = await seedMembers(store.repos, "c-pipelined", 120);
    // One loop, four recipients a message: the first receive takes 8 messages (32 recipients), later ones fewer.
    instance = await startInstance(account, store.repos, {
      messengers: { teams: platform.messenger() },
      rateLimits: { teams: { tenant: { perSecond: 100, burst: 5 } } },
      delivery: { workers: 1 },
      fanout: { recipientsPerMessage: 4 },
    });
    // Storage slow to take the first batch's records: they wait until the test lets them go.
    const deliveries = instance.scheduling.deliveries;
    const record = deliveries.record.bind(deliveries);
    let firstBatch: DeliveryRecord[] | undefined;
    const slowStorage = new Promise<void>((resolve) => (letGo = resolve));
    deliveries.record = async (records) => {
      if (!firstBatch) {
        firstBatch = records;
        await slowStorage;
      }
      return record(records);
    };

    await instance.scheduling.jobs.schedule(fanoutJob("announce:pipelined", { kind: "members", communityId: "c-pipelined" }));
    const first = await waitFor("the first batch's records to be written", () => firstBatch, 20_000);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(members.length);
    // The first batch is still being recorded, and the next batch is going out.
    await waitFor("sends beyond the first batch while it is recorded", () => platform!.deliveries.length > first.length, 10_000);
    letGo();

    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await instance!.scheduling.jobs.fanoutProgress("announce:pipelined");
      return progress?.done && progress;
    }, 30_000, 100);
    expect(final).toMatchObject({ total: 120, sent: 120, failed: 0, queued: 0 });
    const perRecipient = platform.perRecipient();
    expect(members.filter((key) => perRecipient.get(key) !== 1)).toEqual([]);
  }, 60_000);
});
