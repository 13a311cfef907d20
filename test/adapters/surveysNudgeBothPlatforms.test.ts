import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";

import { blocksText, type SlackTestApp, slackButton } from "../support/slackApp.js";
import { blockActions, buttonAction, slashCommand } from "../support/slackRequests.js";
import { ADELE, MEGAN, cardOf, cardText, inputsOf, message, post, press, shownNow, thread, type TeamsUser } from "../support/teamsActivities.js";
import { linkTeamsAndSlack, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

/**
 * Survey reminders through both adapters: a steward's "remind survey ID" reaches, by direct message on their own
 * platform, the members who have not answered (a Teams 1:1 chat, a Slack DM), not the one who answered nor the
 * one who muted survey reminders; and the Answer button works from the direct message.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

const luc = { id: FAKE_IDS.member, username: "luc", name: "luc", team_id: FAKE_IDS.teamId };

describe("survey reminders in a community linked across Teams and Slack", () => {
  it("reach by direct message the Slack and Teams members who have not answered, never the one who answered or who muted them", async () => {
    const communityId = await linkTeamsAndSlack(s, connector);
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, "survey", where))).status).toBe(200);
    const form = () => connector.activitiesTo(thread("2")).find((a) => cardText(cardOf(a).body).includes("Who sees the results"));
    await expect.poll(form).toBeTruthy();
    const values = { template: "quarterlyPulse", title: "Winter pulse", privacy: "anonymous", visibility: "live", "deadline.date": new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), "deadline.time": "12:00", "deadline.zone": "Europe/Rome" };
    expect((await post(s.app.url, press(connector.serviceUrl, form()!, "Start", { ...where, values }))).status).toBe(200);
    const announced = () => shownNow(connector.activitiesTo(thread("2"))).find((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Winter pulse") && cardText(cardOf(a).body).includes("4 questions"));
    await expect.poll(announced).toBeTruthy();
    const [survey] = (await s.app.deps.repos.surveys.open(communityId)).filter((x) => x.title === "Winter pulse");

    // Adele answers in Teams (through the form in her own chat).
    expect((await post(s.app.url, press(connector.serviceUrl, announced()!, "Answer", { ...where, user: ADELE }))).status).toBe(200);
    const chatOf = (user: TeamsUser) => connector.calls.find((c) => c.kind === "createConversation" && c.status === 201 && JSON.stringify(c.body).includes(user.id))?.conversationId;
    await expect.poll(() => chatOf(ADELE)).toBeTruthy();
    const prompt = () => connector.activitiesTo(chatOf(ADELE)!).find((a) => cardText(cardOf(a).body).includes("go in a form only you see"));
    await expect.poll(prompt).toBeTruthy();
    const adeleHere = { place: "personal" as const, user: ADELE };
    expect((await post(s.app.url, press(connector.serviceUrl, prompt()!, "Open the form", adeleHere))).status).toBe(200);
    const answerForm = () => connector.activitiesTo(`a:1personal-${ADELE.aadObjectId}`).find((a) => a.attachments?.length && "q1" in inputsOf(cardOf(a)));
    await expect.poll(answerForm).toBeTruthy();
    expect((await post(s.app.url, press(connector.serviceUrl, answerForm()!, "Answer", { ...adeleHere, values: { q1: "5", q2: "4", q3: "10", q4: "" } }))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.surveys.responses(survey!)).length).toBe(1);

    // Luc (Slack member) looks at the open surveys but does not answer; the Slack facilitator mutes survey reminders.
    expect((await s.send(slashCommand({ text: "surveys", user_id: FAKE_IDS.member, user_name: "luc" }))).status).toBe(200);
    expect((await s.send(slashCommand({ text: "mute survey reminders" }))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.surveys.muted(communityId)).size).toBe(1);
    await expect.poll(async () => (await s.app.deps.repos.members.get(communityId, `slack:${FAKE_IDS.teamId}:${FAKE_IDS.member}`)) !== undefined).toBe(true);

    // Megan sends a reminder now from Teams; the running scheduler delivers the direct messages.
    expect((await post(s.app.url, message(connector.serviceUrl, `remind survey ${survey!.id}`, where))).status).toBe(200);
    await expect.poll(() => JSON.stringify(connector.calls.map((c) => c.body))).toContain("is on its way to 2 members who have not answered yet");

    // Teams: the reminder is in Megan's 1:1 chat, not in Adele's (she answered).
    const remindersTo = (user: TeamsUser) =>
      connector.calls
        .filter((c) => c.kind === "createConversation" && c.status < 300 && JSON.stringify(c.body).includes(user.id))
        .flatMap((c) => connector.activitiesTo(c.conversationId!))
        .filter((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Reminder: Winter pulse"));
    await expect.poll(() => remindersTo(MEGAN).length, { timeout: 20_000 }).toBe(1);
    expect(cardText(cardOf(remindersTo(MEGAN)[0]).body)).toMatch(/You have not answered \*\*Winter pulse\*\* yet\. It closes \{\{DATE\(.*Z, LONG\)\}\}/);
    expect(remindersTo(ADELE)).toEqual([]);

    // Slack: a DM to Luc, none to the facilitator who muted them.
    const dmChannels = () => new Map(s.fake.callsTo("conversations.open").map((c) => [(c.response as { channel: { id: string } }).channel.id, String(c.args.users)]));
    const dms = () => s.fake.callsTo("chat.postMessage").filter((c) => c.ok && dmChannels().has(String(c.args.channel)) && blocksText(c.args.blocks).includes("Reminder: Winter pulse"));
    await expect.poll(() => dms().length, { timeout: 20_000 }).toBe(1);
    expect(dmChannels().get(String(dms()[0]!.args.channel))).toBe(FAKE_IDS.member);
    expect(blocksText(dms()[0]!.args.blocks)).toContain(`<!date^${Date.parse(survey!.closesAt!) / 1000}^`);

    // The Answer button works from the DM: in Slack it opens the form; in Teams the form comes to Megan's chat.
    const answer = slackButton(dms()[0]!.args.blocks, "Answer");
    const modals = s.fake.callsTo("views.open").length;
    expect((await s.send(blockActions({ user: luc, actions: [buttonAction(answer.action_id!, answer.value!)] }))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(modals + 1);
    expect(s.fake.callsTo("views.open").at(-1)!.args.view).toMatchObject({ callback_id: "surveys.answer", title: { text: "Quarterly pulse" }, blocks: expect.arrayContaining([expect.objectContaining({ block_id: "q1" })]) });
    const meganHere = { place: "personal" as const, user: MEGAN };
    expect((await post(s.app.url, press(connector.serviceUrl, remindersTo(MEGAN)[0]!, "Answer", meganHere))).status).toBe(200);
    await expect.poll(() => connector.activitiesTo(`a:1personal-${MEGAN.aadObjectId}`).some((a) => a.attachments?.length && "q1" in inputsOf(cardOf(a)))).toBe(true);
  }, 60_000);
});
