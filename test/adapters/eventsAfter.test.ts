import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { FAST } from "../support/scheduling.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction, slashCommand, viewSubmission } from "../support/slackRequests.js";
import { ADELE, GENERAL, MEGAN, TENANT, cardOf, cardText, message, post, press, shownNow, thread, updatedCardText, type SentMessage, type TeamsUser } from "../support/teamsActivities.js";
import { linkTeamsAndSlack, TEAMS_GENERAL_SPACE } from "../support/linked.js";

/**
 * After an event, through both adapters: the steward who scheduled it (in Teams) is asked in her 1:1 chat
 * once the app's clock passes the end; she confirms who came and posts the follow-up from there. It reaches
 * the Teams channel and the linked Slack channel, and the 1:1 chats of those who said going but did not come,
 * on each platform; those who came get no message.
 */
const LEE: TeamsUser = { id: "29:1lee-gu", name: "Lee Gu", aadObjectId: "aad-0003-lee" };
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => {
  connector = await startFakeBotConnector({ members: [MEGAN, ADELE, LEE] });
  s = await startSlackApp({ options: { scheduling: FAST, clock } });
});
afterAll(async () => {
  await s?.stop();
  await connector?.stop();
});

/** Waits for what a person would see, however busy the machine. */
const SOON = { timeout: 10_000 };
const slackUser = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: FAKE_IDS.teamId });
const textOf = (a: SentMessage | undefined) => (a?.attachments?.length ? cardText(cardOf(a).body) : "");
const meganOwnChat = `a:1personal-${MEGAN.aadObjectId}`;
/** The 1:1 chat the app opened with a Teams person, if any. */
const chatWith = (user: TeamsUser) => connector.calls.find((c) => c.kind === "createConversation" && c.status === 201 && JSON.stringify(c.body).includes(user.id))?.conversationId;
const slackDmsTo = (user: string) => {
  const dms = new Set(s.fake.callsTo("conversations.open").filter((c) => JSON.stringify(c.args).includes(user)).map((c) => (c.response as { channel?: { id?: string } }).channel?.id));
  return s.fake.callsTo("chat.postMessage").filter((c) => dms.has(c.args.channel as string)).map((c) => blocksText(c.args.blocks));
};

/** Megan sets the community up in Teams and Ana links the Slack channel (once for this file's app). */
async function linkedCommunity(): Promise<void> {
  if (await s.app.deps.repos.spaces.find(TEAMS_GENERAL_SPACE)) return;
  await linkTeamsAndSlack(s, connector, { slackNow: clock.now().getTime() });
}

/** The latest message in a Teams conversation whose card says `words`. */
const latest = (conversationId: string, words: string) => () => shownNow(connector.activitiesTo(conversationId)).filter((a) => textOf(a).includes(words)).at(-1);

describe("after an event in a community linked across Teams and Slack", () => {
  it("asks the steward, takes attendance and the follow-up from her 1:1 chat, and sends it to both spaces and to the no-shows on both platforms", async () => {
    await linkedCommunity();
    const start = new Date(clock.now().getTime() + 2 * 86_400_000);
    const [date, time] = [start.toISOString().slice(0, 10), "10:00"];
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, `event Sync call on ${date} at ${time} UTC for 30m`, where))).status).toBe(200);
    const announced = latest(thread("2"), "Going: ");
    await expect.poll(announced, SOON).toBeTruthy();

    // Adele and Lee say going in Teams; Luc (a member) and Ana (the Slack facilitator) say going in Slack.
    for (const user of [ADELE, LEE]) expect((await post(s.app.url, press(connector.serviceUrl, announced()!, "Going", { ...where, user }))).status).toBe(200);
    // The second press in the same second shows with the refresh of every copy at the end of it.
    await expect.poll(() => updatedCardText(connector, announced()!.id!), SOON).toContain("Going: 2");
    const slackPost = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Sync call"));
    await expect.poll(slackPost, { timeout: 10_000 }).toBeTruthy();
    const going = (slackPost()!.args.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string; text?: { text?: string } }> }>).flatMap((b) => b.elements ?? []).find((e) => e.text?.text === "Going")!;
    for (const user of [FAKE_IDS.member, FAKE_IDS.facilitator]) {
      expect((await s.send(blockActions({ user: slackUser(user), actions: [buttonAction(going.action_id!, going.value!)] }))).status).toBe(200);
    }
    const communityId = (await s.app.deps.repos.spaces.find(`teams:${TENANT}:${GENERAL.id}`))!.communityId;
    const [event] = await s.app.deps.repos.events.upcoming(communityId, clock.now());
    await expect.poll(() => s.app.deps.repos.events.tally(communityId, event!.id, `${date}T10:00:00Z`), { timeout: 10_000 }).toEqual({ going: 4, maybe: 0, no: 0 });

    // The app's clock passes the end: the scheduler runs the ask, which reaches Megan's 1:1 chat.
    offsetMs = Date.parse(`${date}T10:31:00Z`) - Date.now();
    await expect.poll(() => chatWith(MEGAN) && latest(chatWith(MEGAN)!, "How did Sync call go?")(), { timeout: 15_000 }).toBeTruthy();
    const ask = latest(chatWith(MEGAN)!, "How did Sync call go?")()!;

    // Attendance, pre-filled from the answers: everyone who said going is ticked; she unticks Lee and Luc.
    expect((await post(s.app.url, press(connector.serviceUrl, ask, "Confirm attendance", { place: "personal", user: MEGAN }))).status).toBe(200);
    await expect.poll(latest(meganOwnChat, "Who came?"), SOON).toBeTruthy();
    const form = latest(meganOwnChat, "Who came?")()!;
    const choices = JSON.stringify(cardOf(form)).match(/"title":"([^"]+) \(Going\)","value":"([^"]+)"/g)!.map((m) => JSON.parse(`{${m}}`) as { title: string; value: string });
    expect(choices.map((c) => c.title)).toEqual(["Adele Vance (Going)", "Ana Facilitator (Going)", "Lee Gu (Going)", "Luc Member (Going)"]);
    // Everyone who said going is ticked.
    expect(JSON.stringify(cardOf(form))).toContain(`"value":"${choices.map((c) => c.value).join(",")}"`);
    const came = choices.filter((c) => /Adele|Ana/.test(c.title)).map((c) => c.value);
    expect((await post(s.app.url, press(connector.serviceUrl, form, "Confirm attendance", { place: "personal", user: MEGAN, values: { present: came.join(","), others: "1" } }))).status).toBe(200);
    await expect.poll(() => connector.activitiesTo(meganOwnChat).map(textOf).join("\n"), SOON).toMatch(/Attendance for \*\*Sync call\*\* on .* is saved: 3 people\.\nMarked as there: Adele Vance and Ana Facilitator\. Others who came: 1\./);

    // The follow-up: a non-https recording link comes back as the field's error with what she typed kept.
    expect((await post(s.app.url, press(connector.serviceUrl, ask, "Write the follow-up", { place: "personal", user: MEGAN }))).status).toBe(200);
    await expect.poll(latest(meganOwnChat, "What was discussed"), SOON).toBeTruthy();
    const followUp = latest(meganOwnChat, "What was discussed")()!;
    const typed = { discussed: "Shared checklists across partners.", actions: "Adele: circulate the checklist", recording: "http://example.org/rec" };
    expect((await post(s.app.url, press(connector.serviceUrl, followUp, "Post the follow-up", { place: "personal", user: MEGAN, values: typed }))).status).toBe(200);
    await expect.poll(() => textOf(latest(meganOwnChat, "What was discussed")()), SOON).toContain("Enter a web address starting with https://.");
    const refused = latest(meganOwnChat, "What was discussed")()!;
    expect(JSON.stringify(cardOf(refused))).toContain("http://example.org/rec");
    expect(JSON.stringify(cardOf(refused))).toContain("Shared checklists across partners.");
    const before = connector.calls.length;
    expect((await post(s.app.url, press(connector.serviceUrl, refused, "Post the follow-up", { place: "personal", user: MEGAN, values: { recording: "https://example.org/rec" } }))).status).toBe(200);

    // Both spaces get it.
    await expect.poll(() => connector.calls.slice(before).some((c) => c.conversationId?.startsWith(GENERAL.id) && JSON.stringify(c.body).includes("Follow-up: Sync call")), SOON).toBe(true);
    await expect.poll(() => s.fake.callsTo("chat.postMessage").some((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Follow-up: Sync call")), { timeout: 10_000 }).toBe(true);
    // The no-shows get it privately on their own platform; those who came do not.
    await expect.poll(() => chatWith(LEE) && connector.activitiesTo(chatWith(LEE)!).map(textOf).join("\n"), { timeout: 15_000 }).toMatch(/We missed you at \*\*Sync call\*\*/);
    await expect.poll(() => slackDmsTo(FAKE_IDS.member).join("\n"), { timeout: 15_000 }).toMatch(/We missed you at \*Sync call\*/);
    expect(chatWith(ADELE) ? connector.activitiesTo(chatWith(ADELE)!).map(textOf).join("\n") : "").not.toMatch(/We missed you/);
    expect(slackDmsTo(FAKE_IDS.facilitator).join("\n")).not.toMatch(/We missed you/);

    // `event ID` in Slack: names for a steward, counts for a member.
    const ephemeralTo = (user: string, words: string) => () => s.fake.ephemerals().filter((c) => c.args.user === user).map((c) => blocksText(c.args.blocks)).find((t) => t.includes(words));
    const id = event!.id.slice(0, 8);
    // Slack's requests are signed at the time of the app's clock, as they would be on that day.
    const signedNow = { now: clock.now().getTime() };
    expect((await s.send(slashCommand({ text: `event ${id}` }, signedNow))).status).toBe(200);
    await expect.poll(ephemeralTo(FAKE_IDS.facilitator, "Attendance:"), SOON).toMatch(/Going \(4\): Adele Vance, Ana Facilitator, Lee Gu and Luc Member/);
    expect(ephemeralTo(FAKE_IDS.facilitator, "Attendance:")()).toMatch(/Attendance:\* 3 people: Adele Vance and Ana Facilitator/);
    expect((await s.send(slashCommand({ text: `event ${id}`, user_id: FAKE_IDS.member, user_name: "luc" }, signedNow))).status).toBe(200);
    await expect.poll(ephemeralTo(FAKE_IDS.member, "Attendance:"), SOON).toMatch(/Going: 4 · Maybe: 0 · Not going: 0/);
    expect(ephemeralTo(FAKE_IDS.member, "Attendance:")()).not.toMatch(/Lee Gu|Ana Facilitator/);
  }, 60_000);

  it("asks a steward who scheduled in Slack in their Slack DM; the follow-up modal opened from there refuses bad input and posts to both spaces", async () => {
    await linkedCommunity();
    const signed = () => ({ now: clock.now().getTime() });
    const date = new Date(clock.now().getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    expect((await s.send(slashCommand({ text: `event Slack sync on ${date} at 09:00 UTC for 30m` }, signed()))).status).toBe(200);
    const announcement = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Slack sync") && blocksText(c.args.blocks).includes("Going: "));
    await expect.poll(announcement, SOON).toBeTruthy();
    const elements = (blocks: unknown) => (blocks as Array<{ elements?: Array<{ action_id?: string; value?: string; text?: { text?: string } }> }>).flatMap((b) => b.elements ?? []);
    const going = elements(announcement()!.args.blocks).find((e) => e.text?.text === "Going")!;
    expect((await s.send(blockActions({ user: slackUser(FAKE_IDS.member), actions: [buttonAction(going.action_id!, going.value!)] }, signed()))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().some((c) => c.args.user === FAKE_IDS.member && blocksText(c.args.blocks).includes("Slack sync")), SOON).toBe(true);

    offsetMs = Date.parse(`${date}T09:31:00Z`) - Date.now();
    const ask = () => s.fake.callsTo("chat.postMessage").find((c) => String(c.args.channel).startsWith("D") && blocksText(c.args.blocks).includes("How did Slack sync go?"));
    await expect.poll(ask, { timeout: 15_000 }).toBeTruthy();
    expect(slackDmsTo(FAKE_IDS.facilitator).join("\n")).toContain("How did Slack sync go?");
    const dm = String(ask()!.args.channel);
    const write = elements(ask()!.args.blocks).find((e) => e.text?.text === "Write the follow-up")!;
    const opened = s.fake.callsTo("views.open").length;
    const inDm = { channel: { id: dm, name: "directmessage" }, container: { type: "message", message_ts: "1700000001.000100", channel_id: dm, is_ephemeral: false } };
    expect((await s.send(blockActions({ ...inDm, user: slackUser(FAKE_IDS.facilitator), actions: [buttonAction(write.action_id!, write.value!)] }, signed()))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length, SOON).toBe(opened + 1);
    const modal = s.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe("events.followUp");

    const text = (value: string | null) => ({ value: { type: "plain_text_input", value } });
    const url = (value: string | null) => ({ value: { type: "url_text_input", value } });
    const state = (recording: string) => ({ values: { discussed: text("Slack-side review of the checklist."), decisions: text(null), actions: text("Luc: try it"), resources: text(null), recording: url(recording), slides: url(null), nextSteps: text(null) } });
    const refused = await s.send(viewSubmission({ user: slackUser(FAKE_IDS.facilitator), view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: state("http://example.org/rec") } }, signed()));
    expect(await refused.json()).toEqual({ response_action: "errors", errors: { recording: "Enter a web address starting with https://." } });
    const teamsBefore = connector.calls.length;
    const posted = await s.send(viewSubmission({ user: slackUser(FAKE_IDS.facilitator), view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: state("https://example.org/rec") } }, signed()));
    expect(posted.status).toBe(200);
    await expect.poll(() => s.fake.callsTo("chat.postMessage").some((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Follow-up: Slack sync")), SOON).toBe(true);
    await expect.poll(() => connector.calls.slice(teamsBefore).some((c) => c.conversationId?.startsWith(GENERAL.id) && JSON.stringify(c.body).includes("Follow-up: Slack sync")), { timeout: 15_000 }).toBe(true);
    // Attendance was not confirmed: everyone who said going or maybe gets it privately.
    await expect.poll(() => slackDmsTo(FAKE_IDS.member).join("\n"), { timeout: 15_000 }).toMatch(/We missed you at \*Slack sync\*/);
  }, 60_000);
});
