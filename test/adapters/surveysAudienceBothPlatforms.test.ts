import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { membersWhere } from "../../src/core/kernel/members.js";
import { liveOccurrences } from "../../src/core/workflows/events/occurrences.js";
import { type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";

import { blocksText, type SlackTestApp, slackButton } from "../support/slackApp.js";
import { blockActions, buttonAction, slashCommand } from "../support/slackRequests.js";
import { ADELE, MEGAN, cardOf, cardText, inputsOf, message, post, press, thread, type TeamsUser } from "../support/teamsActivities.js";
import { linkTeamsAndSlack, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

/**
 * A survey for an event date's attendees, through both adapters: the attendees (one on Teams, one on Slack) get it
 * by direct message on their own platform and answer from there; the steward who is not an attendee gets no invitation.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

const luc = { id: FAKE_IDS.member, username: "luc", name: "luc", team_id: FAKE_IDS.teamId };

describe("a survey for an event's attendees, in a community linked across Teams and Slack", () => {
  it("reaches the attendees on Teams and Slack by direct message, and each answers from it", async () => {
    const communityId = await linkTeamsAndSlack(s, connector);
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    // Adele (Teams) and Luc (Slack) join the roster; Megan schedules the call.
    expect((await post(s.app.url, message(connector.serviceUrl, "surveys", { ...where, user: ADELE }))).status).toBe(200);
    expect((await s.send(slashCommand({ text: "surveys", user_id: FAKE_IDS.member, user_name: "luc" }))).status).toBe(200);
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    expect((await post(s.app.url, message(connector.serviceUrl, `event Monthly call on ${day} at 15:00 Europe/Rome for 60m`, where))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.events.all(communityId)).length).toBe(1);
    await expect.poll(async () => (await membersWhere(s.app.deps, communityId, () => true)).length).toBe(4);
    const [event] = await s.app.deps.repos.events.all(communityId);
    const members = await membersWhere(s.app.deps, communityId, () => true);
    const attendees = members.filter((m) => m.personKey.includes(ADELE.aadObjectId) || m.personKey.endsWith(FAKE_IDS.member)).map((m) => m.personKey);
    expect(attendees).toHaveLength(2);
    // The attendance as a steward confirmed it.
    await s.app.deps.repos.events.confirmAttendance(communityId, { eventId: event!.id, occurrence: liveOccurrences(event!)[0]!.id, people: attendees, others: 0, by: members[0]!.personKey, at: new Date().toISOString() });

    expect((await post(s.app.url, message(connector.serviceUrl, "survey", where))).status).toBe(200);
    const form = () => connector.activitiesTo(thread("2")).find((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Who is asked"));
    await expect.poll(form).toBeTruthy();
    const values = { template: "quarterlyPulse", title: "Call feedback", privacy: "anonymous", visibility: "live", "deadline.date": new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), "deadline.time": "12:00", "deadline.zone": "Europe/Rome", audience: "attended", event: event!.id, eventDate: day };
    expect((await post(s.app.url, press(connector.serviceUrl, form()!, "Start", { ...where, values }))).status).toBe(200);
    await expect.poll(() => JSON.stringify(connector.calls.map((c) => c.body))).toContain("is sent by direct message to 2 people");

    // Teams: Adele's 1:1 chat holds the invitation; Megan's holds none.
    const invitesTo = (user: TeamsUser) =>
      connector.calls
        .filter((c) => c.kind === "createConversation" && c.status < 300 && JSON.stringify(c.body).includes(user.id))
        .flatMap((c) => connector.activitiesTo(c.conversationId!))
        .filter((a) => a.attachments?.length && cardText(cardOf(a).body).includes("You are asked to answer"));
    await expect.poll(() => invitesTo(ADELE).length, { timeout: 20_000 }).toBe(1);
    expect(invitesTo(MEGAN)).toEqual([]);
    const adeleHere = { place: "personal" as const, user: ADELE };
    expect((await post(s.app.url, press(connector.serviceUrl, invitesTo(ADELE)[0]!, "Answer", adeleHere))).status).toBe(200);
    const answerForm = () => connector.activitiesTo(`a:1personal-${ADELE.aadObjectId}`).find((a) => a.attachments?.length && "q1" in inputsOf(cardOf(a)));
    await expect.poll(answerForm).toBeTruthy();
    expect((await post(s.app.url, press(connector.serviceUrl, answerForm()!, "Answer", { ...adeleHere, values: { q1: "5", q2: "4", q3: "10", q4: "" } }))).status).toBe(200);
    const [survey] = (await s.app.deps.repos.surveys.open(communityId)).filter((x) => x.title === "Call feedback");
    await expect.poll(async () => (await s.app.deps.repos.surveys.responses(survey!)).length).toBe(1);

    // Slack: a DM to Luc whose Answer button opens the form.
    const dmChannels = () => new Map(s.fake.callsTo("conversations.open").map((c) => [(c.response as { channel: { id: string } }).channel.id, String(c.args.users)]));
    const dms = () => s.fake.callsTo("chat.postMessage").filter((c) => c.ok && dmChannels().has(String(c.args.channel)) && blocksText(c.args.blocks).includes("You are asked to answer"));
    await expect.poll(() => dms().length, { timeout: 20_000 }).toBe(1);
    expect(dmChannels().get(String(dms()[0]!.args.channel))).toBe(FAKE_IDS.member);
    const answer = slackButton(dms()[0]!.args.blocks, "Answer");
    const modals = s.fake.callsTo("views.open").length;
    expect((await s.send(blockActions({ user: luc, actions: [buttonAction(answer.action_id!, answer.value!)] }))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(modals + 1);
    expect(s.fake.callsTo("views.open").at(-1)!.args.view).toMatchObject({ callback_id: "surveys.answer", blocks: expect.arrayContaining([expect.objectContaining({ block_id: "q1" })]) });
  }, 60_000);
});
