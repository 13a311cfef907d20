/**
 * Under more load than the CPU keeps up with, Teams turns wait their turn with the Slack side's work
 * (src/workGate.ts); past the waiting limit (or 5 s without a start: Teams sends an activity again after 15),
 * what a person sent is answered busy at once, privately, and changes nothing. Events Teams sends once
 * (the app added to a team) always go on.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Release } from "../../src/workGate.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import {
  ADELE,
  BOT,
  GENERAL,
  GOOD_FORM,
  MEGAN,
  TENANT,
  cardOf,
  cardText,
  executeAction,
  membersAdded,
  message,
  messageActionInvoke,
  post,
  press,
  shownNow,
  thread,
} from "../support/teamsActivities.js";

let app: TestApp;
let connector: FakeBotConnector;

beforeEach(async () => {
  connector = await startFakeBotConnector({ members: [MEGAN, ADELE] });
  // At most one piece of work at once once the loop is found late, and none waiting: a second is busy at once.
  app = await startTestApp({}, { workGate: { sampleEveryMs: 0, minRunning: 1, maxWaiting: 0 } });
});
afterEach(async () => {
  await app.stop();
  await connector.stop();
});

const BUSY = "Many requests are arriving at once, so I could not take yours and nothing was changed. Please try again in a minute.";
const spaceKey = `teams:${TENANT}:${GENERAL.id}`;
const textOf = (activity: { attachments?: Array<{ contentType?: string; content?: unknown }> } | undefined) => cardText(cardOf(activity).body);

/** Other work takes the one place there is, the loop having been found late: the app is full until released. */
async function fillTheApp(): Promise<Release> {
  const other = (await app.work.gate.admit())!;
  app.work.gate.sample(1_000);
  return other;
}

/** The 1:1 chat the app opened with Megan, if any. */
const meganChat = () => connector.calls.find((c) => c.kind === "createConversation" && c.status === 201 && JSON.stringify(c.body).includes(MEGAN.id))?.conversationId;

describe("a Teams turn arriving while the app is out of CPU", () => {
  it("answers a form's submit in a channel busy in the person's 1:1 chat at once, leaves the form as typed, creates nothing; pressed again, it goes through", async () => {
    const where = { place: "channel" as const, threadId: "1" };
    expect((await post(app.url, message(connector.serviceUrl, "setup", where))).status).toBe(200);
    const form = connector.activitiesTo(thread("1")).at(-1)!;
    const other = await fillTheApp();

    const started = Date.now();
    expect((await post(app.url, press(connector.serviceUrl, form, "Create community", { ...where, values: GOOD_FORM }))).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => (meganChat() ? connector.activitiesTo(meganChat()!).map(textOf) : [])).toEqual([expect.stringContaining(BUSY)]);
    // Nothing in the thread: the form is as it was (what she typed still in it), and no community was made.
    expect(connector.activitiesTo(thread("1"))).toEqual([form]);
    expect(connector.calls.filter((c) => c.kind === "update")).toEqual([]);
    expect(await app.deps.repos.spaces.find(spaceKey)).toBeUndefined();

    other();
    expect((await post(app.url, press(connector.serviceUrl, form, "Create community", { ...where, values: GOOD_FORM }))).status).toBe(200);
    const [formNow, charter] = shownNow(connector.activitiesTo(thread("1")));
    expect(textOf(formNow)).toContain("submitted");
    expect(textOf(charter)).toContain(GOOD_FORM.name!);
    expect(await app.deps.repos.spaces.find(spaceKey)).toMatchObject({ communityId: expect.any(String) });
  });

  it("answers a card's Action.Execute and a message action in place, a typed message in the 1:1 chat; with room again each is answered", async () => {
    const other = await fillTheApp();
    const pressed = await post(app.url, executeAction(connector.serviceUrl, "help", {}));
    expect(pressed).toEqual({ status: 200, body: { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: BUSY } });
    const dialog = await post(app.url, messageActionInvoke(connector.serviceUrl, "ask", { body: { contentType: "text", content: "How do we cite a dataset?" } }));
    expect(dialog).toEqual({ status: 200, body: { task: { type: "message", value: BUSY } } });
    const personal = `a:1personal-${MEGAN.aadObjectId}`;
    expect((await post(app.url, message(connector.serviceUrl, "help"))).status).toBe(200);
    expect(connector.activitiesTo(personal).map(textOf)).toEqual([expect.stringContaining(BUSY)]);

    other();
    const again = await post(app.url, executeAction(connector.serviceUrl, "help", {}));
    expect(JSON.stringify(again.body)).not.toContain(BUSY);
    expect((await post(app.url, message(connector.serviceUrl, "help"))).status).toBe(200);
    expect(connector.activitiesTo(personal).map(textOf).at(-1)).toContain("what I can do");
  });

  it("still takes the app being added to a team, which Teams sends once", async () => {
    const other = await fillTheApp();
    expect((await post(app.url, membersAdded(connector.serviceUrl, [{ id: BOT.id }]))).status).toBe(200);
    expect(textOf(connector.activitiesTo(GENERAL.id)[0])).toContain("Thanks for adding me!");
    other();
  });
});
