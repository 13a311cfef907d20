import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { occurrencesOf } from "../../src/core/workflows/events/recurrence.js";
import { type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { readCalendar } from "../support/icalendar.js";

import { blocksText, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction } from "../support/slackRequests.js";
import { ADELE, GENERAL, MEGAN, cardOf, cardText, message, post, press, shownNow, thread } from "../support/teamsActivities.js";
import { linkTeamsAndSlack, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

/**
 * An event's calendar file, from the link on its announcement in Teams and in Slack, fetched over real HTTP
 * from the running app and read by a calendar parser, as a calendar app would.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

const CALENDAR_LINK = /http:\/\/127\.0\.0\.1:\d+\/w\/events\/calendar\/[\w-]+\.[\w-]+\.ics/;

const linkedCommunity = () => linkTeamsAndSlack(s, connector);

describe("an event's calendar file", () => {
  it("is linked from the announcement on both platforms and parses to the event's own instants across the end of summer time", async () => {
    const communityId = await linkedCommunity();
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    const line = "event Weekly call on 2027-10-07 at 18:00 Europe/Rome for 45m every week until 2027-11-11";
    expect((await post(s.app.url, message(connector.serviceUrl, line, where))).status).toBe(200);
    const announced = () => shownNow(connector.activitiesTo(thread("2"))).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Weekly call"));
    await expect.poll(announced).toBeTruthy();
    const teamsCard = JSON.stringify(cardOf(announced()));
    expect(teamsCard).toMatch(/\[Add to calendar\]\(http:\/\/127\.0\.0\.1:\d+\/w\/events\/calendar\//);
    const link = CALENDAR_LINK.exec(teamsCard)![0];

    // Slack's copy of the announcement carries the same link, as Slack writes one.
    const slackPost = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Weekly call"));
    await expect.poll(slackPost, { timeout: 10_000 }).toBeTruthy();
    expect(blocksText(slackPost()!.args.blocks)).toContain(`<${link}|Add to calendar>`);

    const answer = await fetch(link);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(answer.headers.get("content-disposition")).toMatch(/^attachment; filename="?Weekly-call\.ics"?$/);
    const read = readCalendar(await answer.text());
    const [event] = await s.app.deps.repos.events.upcoming(communityId, new Date());
    expect(read.instants).toEqual(occurrencesOf(event!));
    expect(read.instants.slice(2, 6)).toEqual(["2027-10-21T16:00:00Z", "2027-10-28T16:00:00Z", "2027-11-04T17:00:00Z", "2027-11-11T17:00:00Z"]);
    expect(read).toMatchObject({ tzid: "Europe/Rome", zones: ["Europe/Rome"], summary: "Weekly call", durationMinutes: 45 });
    // The log names the route, not the token that opens it.
    expect(JSON.stringify(s.app.logs)).not.toContain(link.split("/").at(-1)!.split(".")[0]);

    // "Calendar file" attaches the same file where each platform allows: in Slack, in the presser's DM…
    const button = (slackPost()!.args.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string; text?: { text?: string } }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.text?.text === "Calendar file")!;
    expect((await s.send(blockActions({ actions: [buttonAction(button.action_id!, button.value!)] }))).status).toBe(200);
    await expect.poll(() => [...s.fake.files.values()].find((f) => f.completed && f.filename === "Weekly-call.ics")).toBeTruthy();
    const attached = [...s.fake.files.values()].find((f) => f.filename === "Weekly-call.ics")!;
    expect(attached.completed).toMatchObject({ userOfDm: FAKE_IDS.facilitator });
    expect(readCalendar(attached.bytes!.toString("utf8")).instants).toEqual(read.instants);
    // …and in Teams, offered in the presser's 1:1 chat (Teams asks before saving it to their OneDrive).
    expect((await post(s.app.url, press(connector.serviceUrl, announced()!, "Calendar file", { ...where, user: ADELE }))).status).toBe(200);
    const consent = () =>
      connector.calls.find((c) => c.status < 300 && c.activity?.attachments?.some((x) => x.contentType === "application/vnd.microsoft.teams.card.file.consent"));
    await expect.poll(consent).toBeTruthy();
    expect(consent()!.activity!.attachments![0]).toMatchObject({ name: "Weekly-call.ics" });
    // In Adele's own 1:1 chat, never in the channel's thread.
    expect(consent()!.conversationId).not.toContain(GENERAL.id);
    const opened = connector.calls.find((c) => c.kind === "createConversation" && c.conversationId === consent()!.conversationId);
    expect(JSON.stringify(opened?.body)).toContain(ADELE.id);
  }, 30_000);

  it("answers a wrong or forged link with 404 and a reason, and nothing else", async () => {
    const forged = Buffer.from(JSON.stringify(["c1", "e1"])).toString("base64url");
    for (const file of [`${forged}.${"A".repeat(43)}.ics`, "nothing.ics", "x.y"]) {
      const answer = await fetch(`${s.app.url}/w/events/calendar/${file}`);
      expect(answer.status).toBe(404);
      expect(await answer.json()).toMatchObject({ error: "not_found", message: expect.stringMatching(/link|calendar/) });
    }
  });
});
