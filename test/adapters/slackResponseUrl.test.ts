/**
 * A slash command, a button or a shortcut is answered privately at its request's response_url (the way Slack
 * gives an app to answer the person who asked: it works where the app is not a member and does not spend
 * chat.postEphemeral's per-workspace allowance). When Slack refuses the URL (expired, used five times, down),
 * the person is answered through the Web API instead.
 */
import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { createLogger } from "../../src/log.js";
import { deliverSlack } from "../../src/slack/deliver.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction, responseUrl, slashCommand } from "../support/slackRequests.js";

let s: SlackTestApp;
beforeAll(async () => {
  s = await startSlackApp();
});
afterAll(async () => {
  await s?.stop();
});
beforeEach(() => s.fake.reset());

/** What reached the person: the private messages Slack took. */
const answersTo = (user: string) => s.fake.ephemerals().filter((c) => c.ok && c.args.user === user);

describe("private answers to Slack commands and buttons", () => {
  it("answers /cop help at the command's response_url, in the channel it was typed in, without chat.postEphemeral", async () => {
    const res = await s.send(slashCommand({ text: "help", user_id: FAKE_IDS.member }));
    expect(res.status).toBe(200);
    await expect.poll(() => answersTo(FAKE_IDS.member).length).toBe(1);
    const [answer] = answersTo(FAKE_IDS.member);
    expect(answer).toMatchObject({ method: "response_url", ok: true, args: { channel: FAKE_IDS.general, response_type: "ephemeral" } });
    expect(blocksText(answer!.args.blocks)).toContain("/cop");
    expect(s.fake.callsTo("chat.postEphemeral")).toEqual([]);
  });

  it("answers a button at the press's response_url as a new private message, leaving the pressed message as it was", async () => {
    const res = await s.send(blockActions({ user: { id: FAKE_IDS.member, username: "member", name: "member", team_id: FAKE_IDS.teamId }, actions: [buttonAction("no-such-verb", "1")] }));
    expect(res.status).toBe(200);
    await expect.poll(() => answersTo(FAKE_IDS.member).length).toBe(1);
    expect(answersTo(FAKE_IDS.member)[0]).toMatchObject({ method: "response_url", args: { replace_original: false, response_type: "ephemeral" } });
    expect(s.fake.callsTo("chat.update")).toEqual([]);
  });

  it("answers in a private channel the app was never added to", async () => {
    s.fake.setChannel({ id: "C0HIDDEN", name: "stewards-private", is_private: true, is_member: false, members: [FAKE_IDS.member] });
    await s.send(slashCommand({ text: "help", user_id: FAKE_IDS.member, channel_id: "C0HIDDEN", channel_name: "stewards-private" }));
    await expect.poll(() => answersTo(FAKE_IDS.member).length).toBe(1);
    expect(answersTo(FAKE_IDS.member)[0]!.args.channel).toBe("C0HIDDEN");
    // No chat.postEphemeral was tried first and refused (channel_not_found: the app is not in it).
    expect(s.fake.calls.filter((c) => c.method.startsWith("chat."))).toEqual([]);
  });

  it("answers through chat.postEphemeral when the response_url has expired (Slack keeps one for 30 minutes)", async () => {
    const stale = responseUrl("commands", FAKE_IDS.teamId, FAKE_IDS.general, FAKE_IDS.member, Date.now() - 31 * 60_000);
    await s.send(slashCommand({ text: "help", user_id: FAKE_IDS.member, response_url: stale }));
    await expect.poll(() => s.fake.callsTo("chat.postEphemeral").length).toBe(1);
    expect(s.fake.callsTo("response_url")).toMatchObject([{ ok: false, error: "expired_url" }]);
    expect(answersTo(FAKE_IDS.member)).toHaveLength(1);
    expect(blocksText(answersTo(FAKE_IDS.member)[0]!.args.blocks)).toContain("/cop");
    expect(s.app.logs.some((line) => String(line.msg).includes("response_url took no answer"))).toBe(true);
  });

  it("answers through chat.postEphemeral when Slack's hooks fail, and later requests use their own response_url again", async () => {
    s.fake.fail("response_url", { status: 503 });
    await s.send(slashCommand({ text: "help", user_id: FAKE_IDS.member }));
    await expect.poll(() => answersTo(FAKE_IDS.member).length).toBe(1);
    expect(answersTo(FAKE_IDS.member)[0]!.method).toBe("chat.postEphemeral");
    await s.send(slashCommand({ text: "help", user_id: FAKE_IDS.member }));
    await expect.poll(() => answersTo(FAKE_IDS.member).length).toBe(2);
    expect(answersTo(FAKE_IDS.member)[1]!.method).toBe("response_url");
  });
});

describe("a delivery of more private answers than a response_url takes", () => {
  it("sends the first five at the response_url and the rest through chat.postEphemeral, none refused", async () => {
    const url = responseUrl("commands", FAKE_IDS.teamId, FAKE_IDS.general, FAKE_IDS.member);
    // What Bolt's respond does: POST the JSON, throw for a status other than 2xx.
    const respond = async (message: object) => {
      const answer = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(message) });
      if (!answer.ok) throw new Error(`response_url answered ${answer.status}`);
      return answer;
    };
    const note = (n: number): Card => ({ title: "", summary: `Note ${n}`, tone: "info", locale: "en", blocks: [{ type: "text", text: `Note ${n}`, style: "default", tone: "info" }] });
    const delivery: Delivery = {
      space: { spaceKey: `slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`, platform: "slack", displayName: "general", personal: false },
      reader: { locale: "en", platform: "slack", personal: false },
      verb: "help",
      items: Array.from({ length: 7 }, (_, n) => ({ kind: "reply" as const, secret: false, card: note(n + 1) })),
    };
    const client = new webApi.WebClient(s.fake.botToken, { slackApiUrl: s.fake.apiUrl });
    await deliverSlack({ client, userId: FAKE_IDS.member, channelId: FAKE_IDS.general, personal: false, respond: respond as never, log: createLogger("silent") }, delivery);

    expect(s.fake.callsTo("response_url").map((c) => c.ok)).toEqual([true, true, true, true, true]);
    expect(s.fake.callsTo("chat.postEphemeral").map((c) => c.ok)).toEqual([true, true]);
    expect(answersTo(FAKE_IDS.member).map((c) => blocksText(c.args.blocks))).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => expect.stringContaining(`Note ${n}`)));
  });
});
