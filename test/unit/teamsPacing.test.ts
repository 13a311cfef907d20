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

describe("Teams pacing gate", () => {
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
