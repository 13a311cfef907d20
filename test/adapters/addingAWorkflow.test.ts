import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { outcome, reply } from "../../src/core/kernel/outcome.js";
import { esc } from "../../src/core/kernel/text.js";
import { command, presenter, type Workflow } from "../../src/core/kernel/workflow.js";
import { WORKFLOWS } from "../../src/core/workflows/index.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";
import { blocksText } from "../support/slackApp.js";
import { send, slashCommand, TEST_SIGNING_SECRET } from "../support/slackRequests.js";
import { cardOf, cardText, message, MEGAN, post } from "../support/teamsActivities.js";

/**
 * README "Adding a workflow", tried: a workflow declared in this file alone (a command, its text grammar and
 * a presenter) runs from Teams and from Slack, with no adapter file knowing it exists.
 */
const pong = presenter({
  name: "throwaway.pong",
  schema: z.object({ who: z.string() }),
  render: ({ who }, words) => ({
    title: "Pong",
    summary: `Pong, ${esc(who)}`,
    blocks: [{ type: "text", text: `Pong, ${esc(who)}! Again: ${words.typed("ping").text}`, style: "default" }],
  }),
});
const throwaway: Workflow = {
  name: "throwaway",
  commands: [
    command({
      verb: "throwaway.ping",
      permission: "anyone",
      where: "anywhere",
      input: z.object({}).passthrough(),
      text: { words: ["ping"] },
      handle: async (ctx) => outcome(reply(pong.name, { who: ctx.request.actor.displayName })),
    }),
  ],
  presenters: [pong],
};

let app: TestApp;
let connector: FakeBotConnector;
let slack: FakeSlack;
beforeAll(async () => {
  connector = await startFakeBotConnector();
  slack = await startFakeSlack({ rateLimits: false });
  app = await startTestApp({ SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: slack.botToken }, { workflows: [...WORKFLOWS, throwaway] });
});
afterAll(async () => {
  await app?.stop();
  await connector?.stop();
  await slack?.stop();
});

describe("a workflow added in one place", () => {
  it("answers from Teams, naming the command as typed in a 1:1 chat", async () => {
    const activity = message(connector.serviceUrl, "ping", { user: MEGAN });
    expect((await post(app.url, activity)).status).toBe(200);
    const sent = connector.activitiesTo(activity.conversation.id);
    expect(cardText(cardOf(sent.at(-1)).body)).toMatch(/Pong, Megan Bowen! Again: “ping”/);
  });

  it("answers from Slack, privately, naming the command as typed there", async () => {
    expect((await send(app.url, slashCommand({ text: "ping" }))).status).toBe(200);
    await expect.poll(() => slack.ephemerals().length).toBe(1);
    expect(blocksText(slack.ephemerals()[0]!.args.blocks)).toMatch(/Pong, .*! Again: `\/cop ping`/);
  });
});
