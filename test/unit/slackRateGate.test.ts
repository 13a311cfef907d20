import { describe, expect, it } from "vitest";
import { RateGate } from "../../src/slack/rateGate.js";

/** A gate on a hand-moved clock, whose sleeps advance that clock. */
function gate() {
  let now = 1_000_000;
  const slept: number[] = [];
  const g = new RateGate(() => now, async (ms) => {
    slept.push(ms);
    now += ms;
  });
  return { g, slept, advance: (ms: number) => (now += ms) };
}

describe("RateGate", () => {
  it("lets a burst up to capacity through, then spaces calls at the refill rate", async () => {
    const { g, slept } = gate();
    for (let i = 0; i < 3; i++) expect(await g.take("k", 3, 60, 10_000)).toBe(0);
    expect(slept).toEqual([]);
    expect(await g.take("k", 3, 60, 10_000)).toBe(0);
    expect(slept).toEqual([1_000]);
  });

  it("answers how long to wait, reserving nothing, when the wait is longer than allowed", async () => {
    const { g, slept, advance } = gate();
    await g.take("k", 1, 6, 60_000);
    expect(await g.take("k", 1, 6, 1_000)).toBe(10_000);
    expect(slept).toEqual([]);
    advance(10_000);
    expect(await g.take("k", 1, 6, 1_000)).toBe(0);
  });

  it("keeps keys apart", async () => {
    const { g, slept } = gate();
    await g.take("a", 1, 60, 5_000);
    await g.take("b", 1, 60, 5_000);
    expect(slept).toEqual([]);
  });

  it("holds a key back after a 429 until Retry-After has passed", async () => {
    const { g, advance } = gate();
    g.block("k", 7_000);
    expect(await g.take("k", 10, 600, 60_000)).toBe(7_000);
    advance(6_000);
    expect(await g.take("k", 10, 600, 60_000)).toBe(1_000);
    advance(1_000);
    expect(await g.take("k", 10, 600, 60_000)).toBe(0);
  });
});
