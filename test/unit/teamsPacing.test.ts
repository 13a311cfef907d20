import { describe, expect, it } from "vitest";
import { TEAMS_LIMITS } from "../../src/teams/limits.js";
import { PacingGate } from "../../src/teams/pacing.js";

/** A gate on a fake clock: sleeping moves the clock, so minutes of pacing take no time. */
function fakeGate() {
  let clock = 1_700_000_000_000;
  const slept: number[] = [];
  const gate = new PacingGate(TEAMS_LIMITS.rate.perConversation, () => clock, async (ms) => {
    slept.push(ms);
    clock += ms;
  });
  return { gate, slept, at: () => clock, advance: (ms: number) => (clock += ms) };
}

/**
 * A gate on a fake clock with timers: `sleep` waits until `runTimers` moves the clock to its moment, so many
 * operations can wait at once, as a burst's do.
 */
function timedGate(windows = TEAMS_LIMITS.rate.perTenant) {
  let clock = 1_700_000_000_000;
  const timers: { at: number; wake: () => void }[] = [];
  let sleeps = 0;
  const gate = new PacingGate(windows, () => clock, (ms) => {
    sleeps++;
    return new Promise<void>((wake) => timers.push({ at: clock + ms, wake }));
  });
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** Fires the timers in order of their moments, letting each wake-up run, until none is left. */
  async function runTimers(): Promise<void> {
    await settle();
    while (timers.length) {
      timers.sort((a, b) => a.at - b.at);
      const due = timers[0]!.at;
      clock = Math.max(clock, due);
      for (const timer of timers.splice(0, timers.findIndex((t) => t.at > due) + 1 || timers.length)) timer.wake();
      await settle();
    }
  }
  return { gate, runTimers, at: () => clock, sleeps: () => sleeps };
}

describe("Teams pacing gate", () => {
  it("lets a burst of 500 sends to one tenant out 50 a second, in the order they asked, waking once per send held", async () => {
    const { gate, runTimers, at } = timedGate();
    const start = at();
    const order: number[] = [];
    const sentAt: number[] = [];
    const all = Array.from({ length: 500 }, (_, i) =>
      gate.acquire("tenant").then(() => {
        order.push(i);
        sentAt.push(at() - start);
      }),
    );
    await runTimers();
    await Promise.all(all);
    expect(order).toEqual(Array.from({ length: 500 }, (_, i) => i));
    // Never more than 50 in any second (the gate's margin included), and the last not much later than that allows.
    for (let i = 50; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 50]!).toBeGreaterThan(1000);
    expect(sentAt.at(-1)!).toBeLessThan(12_000);
  });

  it("costs one wake-up per send it holds back, not one per waiter for every send", async () => {
    const { gate, runTimers, sleeps } = timedGate();
    const all = Array.from({ length: 300 }, () => gate.acquire("tenant"));
    await runTimers();
    await Promise.all(all);
    // 50 go at once; each of the other 250 waits for its slot once. Waiters that each looked again at every
    // freed slot cost 250 + 249 + … wake-ups.
    expect(sleeps()).toBeLessThanOrEqual(250);
  });

  it("lets an operation asked `ahead` go before those waiting without it, the others keeping their order", async () => {
    const { gate, runTimers, at } = timedGate();
    const start = at();
    const order: string[] = [];
    let aheadAt = -1;
    const all: Promise<void>[] = Array.from({ length: 200 }, (_, i) => gate.acquire("tenant").then(() => void order.push(`${i}`)));
    all.push(gate.acquire("tenant", { place: "ahead" }).then(() => {
      order.push("ahead");
      aheadAt = at() - start;
    }));
    await runTimers();
    await Promise.all(all);
    // The first 50 went at once; the 51st already waits for the next free slot; the one asked ahead takes the
    // slot after it, a second later, not the 201st (4 s later).
    expect(order.indexOf("ahead")).toBe(51);
    expect(aheadAt).toBeLessThan(1_500);
    expect(order.filter((o) => o !== "ahead")).toEqual(Array.from({ length: 200 }, (_, i) => `${i}`));
  });

  it("lets a notice asked `soon` go before the sends at the back, but after an update asked `ahead`", async () => {
    const { gate, runTimers } = timedGate();
    const order: string[] = [];
    const all: Promise<void>[] = Array.from({ length: 100 }, (_, i) => gate.acquire("tenant").then(() => void order.push(`${i}`)));
    all.push(gate.acquire("tenant", { place: "soon" }).then(() => void order.push("notice")));
    all.push(gate.acquire("tenant", { place: "ahead" }).then(() => void order.push("update")));
    all.push(gate.acquire("tenant", { place: "soon" }).then(() => void order.push("second notice")));
    await runTimers();
    await Promise.all(all);
    // 50 went at once and the 51st waits for the next slot already; then the update, the two notices in the order
    // they asked, and the rest.
    expect(order.slice(50, 55)).toEqual(["50", "update", "notice", "second notice", "51"]);
    expect(order.filter((o) => /^\d+$/.test(o))).toEqual(Array.from({ length: 100 }, (_, i) => `${i}`));
  });

  it("lets 7 messages a second into one chat, then holds the 8th and 9th to Teams' windows", async () => {
    const { gate, at } = fakeGate();
    const start = at();
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      await gate.acquire("19:chat");
      times.push(at() - start);
    }
    expect(times.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(times[7]).toBeGreaterThan(1000); // 7 per 1 s
    expect(times[8]).toBeGreaterThan(2000); // 8 per 2 s
  });

  it("never lets more than 60 through in any 30 seconds, and keys are independent", async () => {
    const { gate, at } = fakeGate();
    const times: number[] = [];
    for (let i = 0; i < 61; i++) {
      await gate.acquire("19:busy");
      times.push(at());
    }
    expect(times[60]! - times[0]!).toBeGreaterThan(30_000);
    const before = at();
    await gate.acquire("19:quiet");
    expect(at()).toBe(before);
  });

  it("forgets chats that have been idle longer than the longest window", async () => {
    const { gate, advance } = fakeGate();
    await gate.acquire("a");
    await gate.acquire("b");
    expect(gate.size).toBe(2);
    advance(3600 * 1000 + 1000);
    expect(gate.size).toBe(0);
  });
});
