import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";

import { blocksText, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction, slashCommand } from "../support/slackRequests.js";
import { ADELE, GENERAL, MEGAN, cardOf, cardText, message, post, press, shownNow, thread, updatedCardText } from "../support/teamsActivities.js";
import { linkTeamsAndSlack, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

/**
 * Reminders before an event, through both adapters: those who said going or maybe get a direct message on
 * their own platform (a Teams 1:1 chat the app opens, a Slack DM), the channels get the reminder, and
 * whoever muted reminders gets no message.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

const linkedCommunity = () => linkTeamsAndSlack(s, connector);

const slackUser = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: FAKE_IDS.teamId });

describe("reminders in a community linked across Teams and Slack", () => {
  it("reach those going or maybe by direct message on their platform, and nobody who muted them", async () => {
    const communityId = await linkedCommunity();
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, "event webinar: Reading club on 2030-01-10 at 15:00 Europe/Rome for 60m", where))).status).toBe(200);
    const announced = () => shownNow(connector.activitiesTo(thread("2"))).find((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Reading club") && cardText(cardOf(a).body).includes("Going: "));
    await expect.poll(announced).toBeTruthy();
    expect(cardText(cardOf(announced()).body)).toContain("Webinar");

    // Teams: Adele and Megan are going; Megan then mutes reminders.
    expect((await post(s.app.url, press(connector.serviceUrl, announced()!, "Going", { ...where, user: ADELE }))).status).toBe(200);
    await expect.poll(() => cardText(cardOf(announced()).body)).toContain("Going: 1");
    expect((await post(s.app.url, press(connector.serviceUrl, announced()!, "Going", where))).status).toBe(200);
    // The second press in the same second shows with the refresh of every copy at the end of it.
    await expect.poll(() => updatedCardText(connector, announced()!.id!), { timeout: 5_000 }).toContain("Going: 2");
    expect((await post(s.app.url, message(connector.serviceUrl, "mute reminders", where))).status).toBe(200);
    await expect.poll(() => JSON.stringify(connector.calls.map((c) => c.body))).toContain("You will get no reminder messages from");

    // Slack: the member says maybe; the facilitator says going, then mutes reminders.
    const slackPost = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Reading club"));
    await expect.poll(slackPost, { timeout: 10_000 }).toBeTruthy();
    const button = (label: string) =>
      (slackPost()!.args.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string; text?: { text?: string } }> }>).flatMap((b) => b.elements ?? []).find((e) => e.text?.text === label)!;
    const maybe = button("Maybe");
    expect((await s.send(blockActions({ user: slackUser(FAKE_IDS.member), actions: [buttonAction(maybe.action_id!, maybe.value!)] }))).status).toBe(200);
    const going = button("Going");
    expect((await s.send(blockActions({ actions: [buttonAction(going.action_id!, going.value!)] }))).status).toBe(200);
    const [event] = await s.app.deps.repos.events.upcoming(communityId, new Date());
    await expect.poll(() => s.app.deps.repos.events.tally(communityId, event!.id, "2030-01-10T14:00:00Z")).toEqual({ going: 3, maybe: 1, no: 0 });
    expect((await s.send(slashCommand({ text: "mute reminders" }))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.events.muted(communityId)).size).toBe(2);

    // The day-before reminder comes due: the running scheduler claims it and sends it.
    const stored = await s.app.deps.repos.events.get(communityId, event!.id);
    expect(stored?.value.reminders).toEqual(["P1D", "PT1H"]);
    const payload = { communityId, eventId: event!.id, occurrence: "2030-01-10T14:00:00Z", offset: "P1D", what: "reminder" };
    await s.app.deps.jobs.schedule({ kind: "events.reminder", key: "reminder-due-now", dueAt: new Date(), payload });
    await expect.poll(async () => (await s.app.deps.jobs.fanoutProgress("reminder-dm:reminder-due-now"))?.done, { timeout: 20_000 }).toBe(true);
    expect(await s.app.deps.jobs.fanoutProgress("reminder-dm:reminder-due-now")).toMatchObject({ total: 2, sent: 2, failed: 0 });

    // Teams: the reminder is in Adele's 1:1 chat with the app (where her RSVP was confirmed too), not in Megan's.
    const opened = connector.calls.filter((c) => c.kind === "createConversation" && c.status < 300);
    const remindersTo = (user: { id: string }) =>
      opened
        .filter((c) => JSON.stringify(c.body).includes(user.id))
        .flatMap((c) => connector.activitiesTo(c.conversationId!))
        .filter((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Reminder: Reading club"));
    expect(remindersTo(ADELE).map((a) => cardText(cardOf(a).body))).toEqual([expect.stringContaining("To change your answer, use the buttons on the event in your channel.")]);
    expect(remindersTo(MEGAN)).toEqual([]);

    // Slack: a DM to the member, none to the facilitator who muted.
    const dmChannels = new Map(s.fake.callsTo("conversations.open").map((c) => [(c.response as { channel: { id: string } }).channel.id, String(c.args.users)]));
    const dms = s.fake.callsTo("chat.postMessage").filter((c) => c.ok && dmChannels.has(String(c.args.channel)));
    expect(dms.map((c) => [dmChannels.get(String(c.args.channel)), String(c.args.text)])).toEqual([[FAKE_IDS.member, expect.stringContaining("Reading club")]]);
    expect(blocksText(dms[0]!.args.blocks)).toContain(`<!date^${Date.parse("2030-01-10T14:00:00Z") / 1000}^`);

    // Both channels get the reminder too, muted or not.
    await expect.poll(() => s.fake.callsTo("chat.postMessage").some((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Reminder: Reading club")), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => connector.calls.some((c) => c.conversationId?.startsWith(GENERAL.id) && String(JSON.stringify(c.body)).includes("Reminder: Reading club"))).toBe(true);
  }, 60_000);
});
