/**
 * A press that replaces its message for everyone (the first of each refresh window does) updates it with
 * chat.update inside the same per-installation allowance as the refreshes of posted copies; with none left,
 * the message is replaced through the press's response_url instead, so Slack never answers 429.
 */
import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { createLogger } from "../../src/log.js";
import { deliverSlack } from "../../src/slack/deliver.js";
import { SlackMessenger } from "../../src/slack/messenger.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";
import { blocksText } from "../support/slackApp.js";

const log = createLogger("silent");
const workspace = { teamId: FAKE_IDS.teamId, isEnterpriseInstall: false };
const counts = (n: number): Card => ({ title: "", summary: `Going: ${n}`, tone: "info", locale: "en", blocks: [{ type: "text", text: `Going: ${n}`, style: "default", tone: "info" }] });
const replaceForEveryone = (card: Card): Delivery => ({
  space: { spaceKey: `slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`, platform: "slack", displayName: "general", personal: false },
  reader: { locale: "en", platform: "slack", personal: false },
  verb: "rsvp",
  items: [{ kind: "replace", card, for: "everyone" }],
});

/** The messenger's pacing only: these presses never reach a stored ref. */
const newMessenger = () => new SlackMessenger({ refs: { save: async () => {}, get: async () => undefined, recent: async () => undefined, markUnreachable: async () => {} }, tokens: { botToken: async () => fake.botToken }, log, apiUrl: fake.apiUrl });

let fake: FakeSlack;
let client: webApi.WebClient;
beforeAll(async () => {
  fake = await startFakeSlack();
  client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await fake?.stop();
});
beforeEach(() => fake.reset());

describe("a press replacing its Slack message for everyone", () => {
  it("stays inside chat.update's allowance over 60 presses, each shown on the message", async () => {
    const messenger = newMessenger();
    const posted = await client.chat.postMessage({ channel: FAKE_IDS.general, text: "Going: 0" });
    const pressed = { channel: FAKE_IDS.general, ts: posted.ts! };
    const byResponseUrl: string[] = [];

    for (let n = 1; n <= 60; n++) {
      const respond = async (message: { text?: string; replace_original?: boolean }) => {
        if (message.replace_original) byResponseUrl.push(message.text ?? "");
        return {};
      };
      const target = { client, userId: "U0VOTER", channelId: FAKE_IDS.general, personal: false, pressed, respond: respond as never, pressedUpdateSlot: () => messenger.pressedUpdateSlot(workspace), log };
      await deliverSlack(target, replaceForEveryone(counts(n)));
    }

    const updates = fake.callsTo("chat.update");
    expect(updates.filter((c) => c.status === 429)).toEqual([]);
    // Slack allows chat.update 50 times a minute; the rest were replaced through their response_url.
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.length).toBeLessThanOrEqual(50);
    expect(updates.length + byResponseUrl.length).toBe(60);
    expect(byResponseUrl.at(-1)).toBe("Going: 60");
    expect(blocksText(updates.at(-1)!.args.blocks)).toContain(`Going: ${updates.length}`);
  });

  it("uses chat.update while the allowance lasts", async () => {
    const messenger = newMessenger();
    const posted = await client.chat.postMessage({ channel: FAKE_IDS.general, text: "Going: 0" });
    let responded = 0;
    const respond = (async () => (responded++, {})) as never;
    const target = { client, userId: "U0VOTER", channelId: FAKE_IDS.general, personal: false, pressed: { channel: FAKE_IDS.general, ts: posted.ts! }, respond, pressedUpdateSlot: () => messenger.pressedUpdateSlot(workspace), log };
    await deliverSlack(target, replaceForEveryone(counts(1)));
    expect(fake.callsTo("chat.update").map((c) => c.status)).toEqual([200]);
    expect(responded).toBe(0);
  });
});
