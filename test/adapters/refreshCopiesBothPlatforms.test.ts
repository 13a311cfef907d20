import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";

import { blocksText, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction, slashCommand } from "../support/slackRequests.js";
import { ADELE, GENERAL, MEGAN, cardOf, cardText, message, post, press, shownNow, thread, updatedCardText, type TeamsUser } from "../support/teamsActivities.js";
import { linkTeamsAndSlack, takePart, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

/**
 * Counts updated in place on every copy: in a community linked across Teams and Slack, an answer pressed on
 * one platform's copy of an announcement shows on the other's (Slack chat.update, Teams updateActivity),
 * and a burst of answers from both ends with every copy showing the final counts.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

const JO: TeamsUser = { id: "29:1jo-lee", name: "Jo Lee", aadObjectId: "aad-0003-jo" };

let linked: Promise<string> | undefined;
const linkedCommunity = () => (linked ??= linkTeamsAndSlack(s, connector));

type Blocks = Array<{ elements?: Array<{ action_id?: string; value?: string; text?: { text?: string } }> }>;
const slackUser = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: FAKE_IDS.teamId });
/** Presses a button on the Slack message posted at `ts`, as Slack sends it. */
function slackPress(blocks: unknown, ts: string, user: string, label: string) {
  const button = (blocks as Blocks).flatMap((b) => b.elements ?? []).find((e) => e.text?.text === label)!;
  return s.send(blockActions({
    user: slackUser(user),
    container: { type: "message", message_ts: ts, channel_id: FAKE_IDS.general, is_ephemeral: false },
    message: { type: "message", user: FAKE_IDS.botUserId, ts, text: "", blocks: [] },
    actions: [buttonAction(button.action_id!, button.value!)],
  }));
}
/** What a Slack message shows now: its latest chat.update, as the channel sees it. */
const slackShows = (ts: string) => blocksText(s.fake.callsTo("chat.update").filter((c) => c.args.channel === FAKE_IDS.general && c.args.ts === ts).at(-1)?.args.blocks);
/** What a Teams message shows now: its latest update. */
const teamsShows = (activityId: string) => updatedCardText(connector, activityId);
const tsOf = (call: { response: unknown }) => String((call.response as { ts?: string }).ts ?? "");

describe("the copies of an announcement in a community linked across Teams and Slack", () => {
  it("show an answer pressed on either platform, and the final counts after a burst from both", async () => {
    const communityId = await linkedCommunity();
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, "event Monthly call on 2030-01-10 at 15:00 Europe/Rome for 60m every month", where))).status).toBe(200);
    const announced = () => shownNow(connector.activitiesTo(thread("2"))).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Monthly call") && cardText(cardOf(a).body).includes("Going: "));
    await expect.poll(announced).toBeTruthy();
    const teamsId = announced()!.id!;
    const slackPost = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Monthly call"));
    await expect.poll(slackPost, { timeout: 10_000 }).toBeTruthy();
    const slackTs = tsOf(slackPost()!);
    expect(slackTs).toMatch(/^\d+\.\d+$/);
    const slackAnswer = (user: string, label: string) => slackPress(slackPost()!.args.blocks, slackTs, user, label);

    // Adele answers in Teams: the Slack copy is updated in place with her answer.
    expect((await post(s.app.url, press(connector.serviceUrl, announced()!, "Going", { ...where, user: ADELE }))).status).toBe(200);
    await expect.poll(() => slackShows(slackTs), { timeout: 10_000 }).toContain("Going: 1 · Maybe: 0 · Not going: 0");

    // The facilitator answers in Slack: the Teams announcement is updated in place with it.
    expect((await slackAnswer(FAKE_IDS.facilitator, "Maybe")).status).toBe(200);
    await expect.poll(() => teamsShows(teamsId), { timeout: 10_000 }).toContain("Going: 1 · Maybe: 1 · Not going: 0");

    // A burst from both platforms at once: every copy ends showing the counts after it.
    const card = announced()!;
    const statuses = await Promise.all([
      post(s.app.url, press(connector.serviceUrl, card, "Not going", { ...where, user: MEGAN })).then((r) => r.status),
      post(s.app.url, press(connector.serviceUrl, card, "Maybe", { ...where, user: ADELE })).then((r) => r.status),
      post(s.app.url, press(connector.serviceUrl, card, "Going", { ...where, user: JO })).then((r) => r.status),
      slackAnswer(FAKE_IDS.member, "Going").then((r) => r.status),
      slackAnswer(FAKE_IDS.facilitator, "Going").then((r) => r.status),
    ]);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const [event] = await s.app.deps.repos.events.upcoming(communityId, new Date());
    await expect.poll(() => s.app.deps.repos.events.tally(communityId, event!.id, "2030-01-10T14:00:00Z")).toEqual({ going: 3, maybe: 1, no: 1 });
    const final = "Going: 3 · Maybe: 1 · Not going: 1";
    await expect.poll(() => slackShows(slackTs), { timeout: 10_000 }).toContain(final);
    await expect.poll(() => teamsShows(teamsId), { timeout: 10_000 }).toContain(final);
  }, 40_000);

  it("show a poll's counts on every copy: posted from Slack, answered in Teams and in Slack", async () => {
    await takePart(s, connector, await linkedCommunity(), { teams: [ADELE], slack: [FAKE_IDS.member] });
    expect((await s.send(slashCommand({ text: 'poll "Lunch order?" Pizza Salad' }))).status).toBe(200);
    // Posted in the Slack channel by the request itself, and in the Teams channel by the fan-out.
    const slackPoll = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Lunch order?"));
    await expect.poll(slackPoll).toBeTruthy();
    const slackTs = tsOf(slackPoll()!);
    const teamsPoll = () => shownNow(connector.activitiesTo(GENERAL.id)).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Lunch order?"));
    await expect.poll(teamsPoll, { timeout: 10_000 }).toBeTruthy();
    const teamsId = teamsPoll()!.id!;

    // Adele votes on the Teams copy: the Slack copy, which the app posted directly, shows it.
    expect((await post(s.app.url, press(connector.serviceUrl, teamsPoll()!, "Pizza", { place: "channel", user: ADELE }))).status).toBe(200);
    await expect.poll(() => slackShows(slackTs), { timeout: 10_000 }).toContain("Pizza: 1 (100%)");

    // Luc votes on the Slack copy: the Teams copy shows both answers.
    expect((await slackPress(slackPoll()!.args.blocks, slackTs, FAKE_IDS.member, "Salad")).status).toBe(200);
    await expect.poll(() => teamsShows(teamsId), { timeout: 10_000 }).toContain("Salad: 1 (50%)");
    expect(teamsShows(teamsId)).toContain("Pizza: 1 (50%)");
  }, 30_000);

  it("keep up with a burst of votes within Slack's update limit: every copy shows the final counts within seconds", async () => {
    // 60 people vote on the Slack copy as fast as Slack sends their presses; chat.update allows 50 a minute.
    const voters = Array.from({ length: 60 }, (_, n) => `UBURST${String(n).padStart(3, "0")}`);
    for (const id of voters) s.fake.setUser({ id, name: id.toLowerCase() });
    const general = s.fake.state.channels.get(FAKE_IDS.general)!;
    s.fake.setChannel({ id: FAKE_IDS.general, members: [...new Set([...general.members, ...voters])] });
    await takePart(s, connector, await linkedCommunity(), { slack: voters });
    expect((await s.send(slashCommand({ text: 'poll "Team dinner?" Thai Tapas' }))).status).toBe(200);
    const slackPoll = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Team dinner?"));
    await expect.poll(slackPoll).toBeTruthy();
    const { blocks } = slackPoll()!.args;
    const slackTs = tsOf(slackPoll()!);
    const teamsPoll = () => shownNow(connector.activitiesTo(GENERAL.id)).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Team dinner?"));
    await expect.poll(teamsPoll, { timeout: 10_000 }).toBeTruthy();
    const teamsId = teamsPoll()!.id!;
    // Slack's per-minute allowances start afresh for the burst (joining used some).
    s.fake.reset();

    const answers = await Promise.all(voters.map((id, n) => slackPress(blocks, slackTs, id, n % 2 ? "Tapas" : "Thai")));
    expect(answers.map((a) => a.status)).toEqual(voters.map(() => 200));
    await expect.poll(() => slackShows(slackTs), { timeout: 10_000 }).toContain("Thai: 30 (50%)");
    expect(slackShows(slackTs)).toContain("Tapas: 30 (50%)");
    await expect.poll(() => teamsShows(teamsId), { timeout: 10_000 }).toContain("Tapas: 30 (50%)");
    // Each voter was told their answer is in, and no update had to wait for Slack's limit.
    await expect.poll(() => new Set(s.fake.ephemerals().filter((c) => c.ok).map((c) => c.args.user))).toEqual(new Set(voters));
    expect(s.fake.calls.filter((c) => c.method === "chat.update" && c.status === 429)).toEqual([]);
  }, 60_000);
});
