/**
 * Teams sends an activity again, with the same id, when the bot has not answered it within 15 s. One that
 * arrives while its first delivery still runs (here: waiting its turn in a full app) gets the first one's
 * answer and is not run twice.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { ADELE, MEGAN, executeAction, message, post, thread } from "../support/teamsActivities.js";

let app: TestApp;
let connector: FakeBotConnector;

beforeEach(async () => {
  connector = await startFakeBotConnector({ members: [MEGAN, ADELE] });
  // One piece of work at a time once the loop is found late; up to 10 wait their turn.
  app = await startTestApp({}, { workGate: { sampleEveryMs: 0, minRunning: 1, maxWaiting: 10 } });
});
afterEach(async () => {
  await app.stop();
  await connector.stop();
});

const SENT_AGAIN = "Teams activity sent again: answered with its first delivery's answer, not run twice";

/** Posts an activity, then the same one again once the first waits its turn; resolves with both answers. */
async function sentTwiceWhileWaiting(activity: unknown) {
  const other = (await app.work.gate.admit())!;
  app.work.gate.sample(1_000);
  const first = post(app.url, activity);
  await expect.poll(() => app.work.gate.load.waiting).toBe(1);
  const again = post(app.url, activity);
  await expect.poll(() => app.logs.filter((line) => line.msg === SENT_AGAIN).length).toBe(1);
  other();
  return Promise.all([first, again]);
}

describe("a Teams activity sent again while its first delivery runs", () => {
  it("posts a typed command's form once", async () => {
    const [first, again] = await sentTwiceWhileWaiting(message(connector.serviceUrl, "setup", { place: "channel", threadId: "7" }));
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(connector.activitiesTo(thread("7"))).toHaveLength(1);
  });

  it("answers a card's Action.Execute again with the first one's answer", async () => {
    const [first, again] = await sentTwiceWhileWaiting(executeAction(connector.serviceUrl, "help", {}));
    expect(first.status).toBe(200);
    expect(JSON.stringify(first.body)).toContain("What CoP Companion can do here");
    expect(again).toEqual(first);
  });
});

describe("a Teams activity sent again after its first delivery finished", () => {
  it("posts a typed command's form once, and answers the second delivery as the first", async () => {
    const setup = message(connector.serviceUrl, "setup", { place: "channel", threadId: "8" });
    const first = await post(app.url, setup);
    expect(connector.activitiesTo(thread("8"))).toHaveLength(1);
    const again = await post(app.url, setup);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(connector.activitiesTo(thread("8"))).toHaveLength(1);
    expect(app.logs.filter((line) => line.msg === SENT_AGAIN)).toHaveLength(1);
    // The same words typed again are a new message, with an id of its own: they post a form again.
    await post(app.url, message(connector.serviceUrl, "setup", { place: "channel", threadId: "8" }));
    await expect.poll(() => connector.activitiesTo(thread("8"))).toHaveLength(2);
  });

  it("answers a card's Action.Execute with the first one's card, without running it again", async () => {
    const press = executeAction(connector.serviceUrl, "help", {});
    const first = await post(app.url, press);
    const again = await post(app.url, press);
    expect(JSON.stringify(first.body)).toContain("What CoP Companion can do here");
    expect(again).toEqual(first);
    expect(app.logs.filter((line) => line.msg === SENT_AGAIN)).toHaveLength(1);
  });
});
