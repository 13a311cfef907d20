import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { SharedRateLimiter } from "../../src/scheduler/rateLimiter.js";
import type { BucketRule } from "../../src/scheduler/rateLimits.js";
import { openSchedulerStorage } from "../../src/scheduler/storage.js";
import { testAccount } from "../support/scheduling.js";

const MINUTE = 60_000;
const conversation = (i: number): BucketRule[] => [{ key: `teams:tenant-m:19:chat-${i}`, perSecond: 1.9, burst: 3 }];

describe("the shared rate limiter's memory", () => {
  it("forgets conversations idle for a few minutes, keeping the ones still in use", async () => {
    const { account } = await testAccount();
    const storage = openSchedulerStorage(account);
    await storage.prepare();
    let now = Date.parse("2026-11-23T09:00:00.000Z");
    const limiter = new SharedRateLimiter(storage.tables.rateLimits, { now: () => new Date(now) }, createLogger("silent"), 5 * MINUTE);

    // One booking, send and (for a few) a platform pause in each of 40 conversations.
    for (let i = 0; i < 40; i++) {
      expect(await limiter.reserve(conversation(i), 1, 250)).toEqual([now]);
      await limiter.admit(conversation(i));
      if (i % 10 === 0) await limiter.pause(conversation(i), now + 1000);
    }
    expect(limiter.remembered()).toEqual({ cached: 40, paused: 4, booking: 0, emitted: 40 });

    // Nine minutes on, one of them sends again; the other 39 have been idle longer than five minutes.
    now += 9 * MINUTE;
    await limiter.reserve(conversation(0), 1, 250);
    await limiter.admit(conversation(0));
    expect(limiter.remembered()).toEqual({ cached: 1, paused: 1, booking: 0, emitted: 1 });

    // A pause still running is kept however long the bucket has been quiet.
    await limiter.pause(conversation(1), now + 20 * MINUTE);
    now += 10 * MINUTE;
    await limiter.reserve(conversation(2), 1, 250);
    expect(limiter.remembered()).toEqual({ cached: 2, paused: 1, booking: 0, emitted: 0 });
    expect(limiter.pausedUntilOf(conversation(1))).toBe(now + 10 * MINUTE);
  });

  it("spaces sends whose timers fired late together (a stalled event loop) at the bucket's rate as they go", async () => {
    const { account } = await testAccount();
    const storage = openSchedulerStorage(account);
    await storage.prepare();
    const limiter = new SharedRateLimiter(storage.tables.rateLimits, { now: () => new Date() }, createLogger("silent"));
    const tenant: BucketRule[] = [{ key: "teams:tenant-stall", perSecond: 100, burst: 1 }];
    const went: number[] = [];
    const sends = Array.from({ length: 20 }, () => limiter.admit(tenant).then(() => went.push(performance.now())));
    // The loop is busy for 150 ms: every send's first wait (10 ms apart) is over when it turns again.
    const until = performance.now() + 150;
    while (performance.now() < until);
    await Promise.all(sends);
    // Once the loop turns again the sends still go 10 ms apart, about: never more than 3 in any 20 ms.
    const after = went.filter((at) => at >= until);
    expect(after.length).toBeGreaterThan(10);
    for (const at of after) expect(after.filter((other) => other >= at && other < at + 20).length).toBeLessThanOrEqual(3);
  });
});
