import { afterEach, describe, expect, it } from "vitest";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { blocksText } from "../support/slackApp.js";
import { eventCallback, events, send, slashCommand, TEST_SIGNING_SECRET } from "../support/slackRequests.js";

let fake: FakeSlack | undefined;
let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  await fake?.stop();
});

const NOT_IDENTIFIED = "could not identify the Slack bot (auth.test); the next Slack request asks again";

describe("Slack in one workspace while Slack's Web API is unreachable at start", () => {
  it("keeps the app up, answers commands, holds events back until Slack says who the bot is, then runs them", async () => {
    fake = await startFakeSlack();
    fake.fail("auth.test", { status: 503, times: Infinity });
    app = await startTestApp({ SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, SLACK_BOT_TOKEN: fake.botToken });
    await expect.poll(() => app!.logs.some((l) => l.msg === NOT_IDENTIFIED), { timeout: 10_000 }).toBe(true);

    // Still serving (before, the failed auth.test was an unhandled rejection that stopped the process).
    expect((await fetch(new URL("/healthz", app.url))).status).toBe(200);

    // A slash command needs no bot ids: the person gets their answer.
    expect((await send(app.url, slashCommand({ text: "help" }))).status).toBe(200);
    await expect.poll(() => fake!.ephemerals().length).toBe(1);
    expect(blocksText(fake.ephemerals()[0]!.args.blocks)).toContain("/cop setup");

    // A mention does (the app's own mention is taken out of what was asked): refused, nothing run, so Slack redelivers.
    const mention = events.appMention({ text: `<@${FAKE_IDS.botUserId}> help` });
    const refused = await send(app.url, eventCallback(mention, { event_id: "Ev0IDENT0001" }));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: "unavailable" });
    expect(fake.ephemerals()).toHaveLength(1);

    // Slack answers again; its redelivery runs, and the mention is read as "help".
    fake.reset();
    const redelivered = await send(app.url, eventCallback(mention, { event_id: "Ev0IDENT0001" }, { retry: { num: 1, reason: "http_error" } }));
    expect(redelivered.status).toBe(200);
    await expect.poll(() => fake!.ephemerals().length).toBe(1);
    const answer = fake.ephemerals()[0]!;
    expect(answer.args).toMatchObject({ channel: FAKE_IDS.general, user: FAKE_IDS.facilitator });
    expect(blocksText(answer.args.blocks)).toContain("/cop setup");
    expect(String(answer.args.text) + blocksText(answer.args.blocks)).not.toContain("did not understand");
    expect(fake.callsTo("auth.test")).toHaveLength(1);
    expect(app.logs.some((l) => l.msg === "slack bot identified (auth.test)" && l.botUserId === FAKE_IDS.botUserId)).toBe(true);
  });
});
