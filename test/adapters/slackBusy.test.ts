/**
 * Under more load than the CPU keeps up with, Slack requests are still acked at once and their work waits
 * its turn (src/workGate.ts); when too many wait already, the asker is told privately to try again later,
 * and nothing is changed for them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { slashCommand } from "../support/slackRequests.js";

let s: SlackTestApp;
// At most one piece of work at once once the loop is found late, and none waiting: the second, after waiting
// 300 ms for room before its ack, is busy.
beforeAll(async () => (s = await startSlackApp({ options: { workGate: { sampleEveryMs: 0, minRunning: 1, maxWaiting: 0, roomWaitMs: 300 } } })));
afterAll(() => s?.stop());

const ephemeralsTo = (user: string) => s.fake.ephemerals().filter((c) => c.args.user === user).map((c) => blocksText(c.args.blocks) || String(c.args.text));

describe("a Slack request arriving while the app is out of CPU", () => {
  it("is acked at once; past the waiting limit its asker is told to try again, and the request changes nothing", async () => {
    // The loop was found running late: one request's work at a time.
    s.app.work.gate.sample(1_000);
    const lookup = s.fake.hold("conversations.info");
    expect((await s.send(slashCommand({ text: "help", user_id: FAKE_IDS.facilitator }))).status).toBe(200);
    await lookup.arrived;

    const started = Date.now();
    const second = await s.send(slashCommand({ text: "setup", user_id: FAKE_IDS.member }));
    expect(second.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => ephemeralsTo(FAKE_IDS.member)).toEqual([expect.stringContaining("Please try again in a minute")]);
    // Nothing was done for it: the set-up form did not open.
    expect(s.fake.callsTo("views.open")).toEqual([]);

    lookup.release();
    await expect.poll(() => ephemeralsTo(FAKE_IDS.facilitator).join("\n")).toContain("what I can do");
    // With the first one done, the same request is taken.
    expect((await s.send(slashCommand({ text: "setup", user_id: FAKE_IDS.member }))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(1);
  });
});
