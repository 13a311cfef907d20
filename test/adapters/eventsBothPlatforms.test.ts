import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";

import { blocksText, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction, eventCallback, events } from "../support/slackRequests.js";
import { ADELE, MEGAN, cardOf, cardText, message, post, press, shownNow, thread } from "../support/teamsActivities.js";
import { linkTeamsAndSlack, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

/**
 * The events workflow through both adapters, which know nothing of it: a community linked across Teams and
 * Slack, an event scheduled in Teams, and an RSVP pressed on each platform's copy of the announcement.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

const linkedCommunity = () => linkTeamsAndSlack(s, connector);

describe("an event in a community linked across Teams and Slack", () => {
  it("counts an RSVP pressed in Teams and one pressed in Slack on the same occurrence", async () => {
    const communityId = await linkedCommunity();
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, "event Monthly call on 2030-01-10 at 15:00 Europe/Rome for 60m every month", where))).status).toBe(200);
    const announced = () => shownNow(connector.activitiesTo(thread("2"))).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Monthly call") && cardText(cardOf(a).body).includes("Going: "));
    await expect.poll(announced).toBeTruthy();
    // Teams shows the instant with its own date and time functions, in each reader's zone.
    expect(JSON.stringify(cardOf(announced()))).toContain("{{DATE(2030-01-10T14:00:00Z, LONG)}} {{TIME(2030-01-10T14:00:00Z)}}");

    // Adele presses "Going" in Teams (Action.Submit, as every Teams client sends it).
    expect((await post(s.app.url, press(connector.serviceUrl, announced()!, "Going", { ...where, user: ADELE }))).status).toBe(200);
    await expect.poll(() => cardText(cardOf(announced()).body)).toContain("Going: 1");

    // The announcement reached the linked Slack channel through the scheduler, with Slack's date token.
    const slackPost = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Monthly call"));
    await expect.poll(slackPost, { timeout: 10_000 }).toBeTruthy();
    expect(blocksText(slackPost()!.args.blocks)).toContain(`<!date^${Date.parse("2030-01-10T14:00:00Z") / 1000}^{date_long_pretty} {time}|`);
    const button = (slackPost()!.args.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string; text?: { text?: string } }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.text?.text === "Going")!;
    expect((await s.send(blockActions({ actions: [buttonAction(button.action_id!, button.value!)] }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().some((c) => blocksText(c.args.blocks).includes("You said you are going to *Monthly call*") || String(c.args.text).includes("You said you are going"))).toBe(true);

    const [event] = await s.app.deps.repos.events.upcoming(communityId, new Date());
    await expect.poll(() => s.app.deps.repos.events.tally(communityId, event!.id, "2030-01-10T14:00:00Z")).toEqual({ going: 2, maybe: 0, no: 0 });

    // Each sees the event among their next events with their own answer: the Slack App Home…
    const publishes = s.fake.callsTo("views.publish").length;
    await s.send(eventCallback(events.appHomeOpened({ user: FAKE_IDS.facilitator })));
    await expect.poll(() => s.fake.callsTo("views.publish").length).toBe(publishes + 1);
    const home = blocksText((s.fake.callsTo("views.publish").at(-1)!.args.view as { blocks: unknown }).blocks);
    expect(home).toContain("Your next events");
    expect(home).toMatch(/Monthly call\* \(Meeting, .*\): .*You are going\./);
    // …and `my events` in Teams personal chat, where Megan, who scheduled it but did not answer, is told so.
    for (const [user, answer] of [[ADELE, "You are going."], [MEGAN, "You have not answered."]] as const) {
      const chat = `a:1personal-${user.aadObjectId}`;
      expect((await post(s.app.url, message(connector.serviceUrl, "my events", { place: "personal", user }))).status).toBe(200);
      const mine = () => connector.activitiesTo(chat).filter((a) => a.attachments?.length).map((a) => cardText(cardOf(a).body)).find((t) => t.includes("Your next events"));
      await expect.poll(mine).toContain("Monthly call");
      expect(mine()).toContain(answer);
    }
  }, 30_000);
});
