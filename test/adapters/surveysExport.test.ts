import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { linkTeamsAndSlack, takePart, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

import { blocksText, type SlackTestApp, slackButton } from "../support/slackApp.js";
import { blockActions, buttonAction, slashCommand } from "../support/slackRequests.js";
import { ADELE, GENERAL, MEGAN, cardOf, cardText, fileConsentAnswer, message, post, press, shownNow, thread } from "../support/teamsActivities.js";
import { consentOf, uploadInfo } from "../support/fakeOneDriveUpload.js";

/**
 * `export survey ID` through both real adapters, in a community linked across Teams and Slack: a named poll
 * answered on each platform; a Slack steward gets the CSV in their DM, a Teams steward is offered it in their
 * 1:1 chat (file consent), and a member who is not a steward is refused privately on either platform.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

type Sent = ReturnType<FakeBotConnector["activitiesTo"]>[number];
const parsed = (bytes: Buffer) => parse(bytes, { bom: true }) as string[][];

describe("exporting a named poll answered from Teams and Slack", () => {
  it("sends the steward the CSV privately on each platform, and refuses a member", async () => {
    const communityId = await linkTeamsAndSlack(s, connector);
    await takePart(s, connector, communityId, { teams: [ADELE], slack: [FAKE_IDS.member] });
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, 'poll named "Lunch where?" Pizza "Salad, soup"', where))).status).toBe(200);
    const poll = () => shownNow(connector.activitiesTo(thread("2"))).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Lunch where?") && cardText(cardOf(a).body).includes("answered"));
    await expect.poll(poll).toBeTruthy();

    // Adele answers in Teams, Luc in Slack.
    expect((await post(s.app.url, press(connector.serviceUrl, poll()!, "Pizza", { ...where, user: ADELE }))).status).toBe(200);
    const slackPost = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Lunch where?"));
    await expect.poll(slackPost, { timeout: 10_000 }).toBeTruthy();
    const salad = slackButton(slackPost()!.args.blocks, "Salad, soup");
    const luc = { id: FAKE_IDS.member, username: "luc", name: "luc", team_id: FAKE_IDS.teamId };
    const ts = (slackPost()!.response as { ts: string }).ts;
    const on = { container: { type: "message", message_ts: ts, channel_id: FAKE_IDS.general, is_ephemeral: false }, message: { type: "message", user: FAKE_IDS.botUserId, ts, text: "", blocks: [] } };
    expect((await s.send(blockActions({ user: luc, ...on, actions: [buttonAction(salad.action_id!, salad.value!)] }))).status).toBe(200);
    const [survey] = await s.app.deps.repos.surveys.open(communityId);
    await expect.poll(async () => (await s.app.deps.repos.surveys.responses(survey!)).length).toBe(2);
    const expected = [
      ["Name", "Lunch where?"],
      ["Adele Vance", "Pizza"],
      ["Luc Member", "Salad, soup"],
    ];

    // Slack: the steward's file lands in their DM, with the exact CSV (BOM, the comma quoted); nothing in the channel.
    expect((await s.send(slashCommand({ text: `export survey ${survey!.id}` }))).status).toBe(200);
    const sent = () => [...s.fake.files.values()].find((f) => f.completed && f.filename === `survey-${survey!.id}.csv`);
    await expect.poll(sent, { timeout: 10_000 }).toBeTruthy();
    expect(sent()!.completed).toMatchObject({ title: "Responses to Lunch where?", userOfDm: FAKE_IDS.facilitator });
    expect(sent()!.completed!.initialComment).toContain("Here are the 2 responses to *Lunch where?* as a CSV file, with each person's name.");
    const bytes = sent()!.bytes!;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toContain('\r\nLuc Member,"Salad, soup"\r\n');
    expect(parsed(bytes)).toEqual(expected);
    expect(s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === FAKE_IDS.general && JSON.stringify(c.args).includes("CSV"))).toEqual([]);

    // Slack: Luc is a member, not a steward: a private refusal, and no file.
    const files = s.fake.files.size;
    expect((await s.send(slashCommand({ text: `export survey ${survey!.id}`, user_id: FAKE_IDS.member, user_name: "luc" }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().some((c) => c.args.user === FAKE_IDS.member && blocksText(c.args.blocks).includes("Only the facilitators"))).toBe(true);
    expect(s.fake.files.size).toBe(files);

    // Teams: Megan asks in the channel; the file is offered in her 1:1 chat only, and Allow uploads the same CSV.
    const before = connector.calls.length;
    expect((await post(s.app.url, message(connector.serviceUrl, `export survey ${survey!.id}`, where))).status).toBe(200);
    const offered = () => connector.calls.slice(before).find((c) => consentOf(c.activity as Sent)?.name === `survey-${survey!.id}.csv`);
    await expect.poll(offered).toBeTruthy();
    expect((offered()!.activity as { conversation?: { conversationType?: string } }).conversation?.conversationType).toBe("personal");
    const offer = () => consentOf(offered()!.activity as Sent);
    expect(offer()!.content.sizeInBytes).toBe(bytes.length);
    expect(offer()!.content.description).toContain("Here are the 2 responses to Lunch where?");
    expect(connector.calls.slice(before).filter((c) => consentOf(c.activity as Sent)).map((c) => c.conversationId)).toEqual([offered()!.conversationId]);
    expect(offered()!.conversationId).not.toContain(GENERAL.id);
    const session = connector.uploadSession(`survey-${survey!.id}.csv`);
    expect((await post(s.app.url, fileConsentAnswer(connector.serviceUrl, "accept", offer()!.content.acceptContext, uploadInfo(session), { user: MEGAN }))).status).toBe(200);
    expect(parsed(session.bytes!)).toEqual(expected);

    // Teams: Adele is a member: she is told privately, and offered nothing.
    const adeleBefore = connector.calls.length;
    expect((await post(s.app.url, message(connector.serviceUrl, `export survey ${survey!.id}`, { ...where, user: ADELE }))).status).toBe(200);
    type Addressed = { conversation?: { conversationType?: string }; recipient?: { id?: string }; summary?: string };
    const refusal = () => connector.calls.slice(adeleBefore).map((c) => c.activity as Addressed | undefined).find((a) => a?.summary?.includes("Only the facilitators of Data Stewards CoP can do that"));
    await expect.poll(refusal).toBeTruthy();
    expect(refusal()).toMatchObject({ conversation: { conversationType: "personal" }, recipient: { id: ADELE.id } });
    expect(connector.calls.slice(adeleBefore).filter((c) => JSON.stringify(c.activity ?? c.body).includes("file.consent"))).toEqual([]);
    expect(s.app.logs.filter((l) => Number(l.level) >= 50).map((l) => l.msg)).toEqual([]);
  }, 40_000);
});
