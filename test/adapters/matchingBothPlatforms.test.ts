import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";

import { blocksText, slackButton, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction, slashCommand } from "../support/slackRequests.js";
import { MEGAN, cardOf, cardText, message, post, press, thread, type TeamsUser } from "../support/teamsActivities.js";
import { linkTeamsAndSlack, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

/**
 * Peer matching through both adapters, in a community linked across Teams and Slack: Megan (Teams) and two Slack
 * members opt in; a round puts the three together, and each is told, in a direct message on their own platform,
 * how to reach the others: a Slack mention for the Slack colleague, and that the one on the other platform
 * cannot be messaged directly from there.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

describe("peer matching in a community linked across Teams and Slack", () => {
  it("introduces a Slack–Teams group by direct message on each platform, each told how to reach the others", async () => {
    const communityId = await linkTeamsAndSlack(s, connector);
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, "matching opt in", where))).status).toBe(200);
    expect((await s.send(slashCommand({ text: "matching opt in", user_id: FAKE_IDS.member, user_name: "luc" }))).status).toBe(200);
    expect((await s.send(slashCommand({ text: "matching opt in" }))).status).toBe(200);
    await expect.poll(async () => [...(await s.app.deps.repos.matching.prefs(communityId)).values()].filter((p) => p.optedIn).length).toBe(3);

    // Megan starts weekly pairs from Teams: three people make one group of three; the scheduler runs the round now.
    expect((await post(s.app.url, message(connector.serviceUrl, "matching on weekly size 2", where))).status).toBe(200);

    // Teams: one introduction in Megan's 1:1 chat, naming both Slack colleagues as being on Slack.
    const introsTo = (user: TeamsUser) =>
      connector.calls
        .filter((c) => c.kind === "createConversation" && c.status < 300 && JSON.stringify(c.body).includes(user.id))
        .flatMap((c) => connector.activitiesTo(c.conversationId!))
        .filter((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Meet your peer group"));
    await expect.poll(() => introsTo(MEGAN).length, { timeout: 20_000 }).toBe(1);
    const forMegan = cardText(cardOf(introsTo(MEGAN)[0]).body);
    expect(forMegan.match(/takes part from Slack, so you cannot message them directly from here/g)).toHaveLength(2);
    expect(forMegan).not.toContain("<@");

    // Slack: one DM to each Slack member; the Slack colleague is a mention, Megan is named as being on Teams.
    const dmChannels = () => new Map(s.fake.callsTo("conversations.open").map((c) => [(c.response as { channel: { id: string } }).channel.id, String(c.args.users)]));
    const dms = () => s.fake.callsTo("chat.postMessage").filter((c) => c.ok && dmChannels().has(String(c.args.channel)) && blocksText(c.args.blocks).includes("Meet your peer group"));
    await expect.poll(() => dms().length, { timeout: 20_000 }).toBe(2);
    const toSlack = new Map(dms().map((c) => [dmChannels().get(String(c.args.channel)), blocksText(c.args.blocks)]));
    expect([...toSlack.keys()].sort()).toEqual([FAKE_IDS.facilitator, FAKE_IDS.member].sort());
    const forLuc = toSlack.get(FAKE_IDS.member)!;
    expect(forLuc).toContain(`<@${FAKE_IDS.facilitator}>`);
    expect(forLuc).toMatch(/send them a direct message on Slack\./);
    expect(forLuc).toMatch(/\*Megan Bowen\* takes part from Microsoft Teams, so you cannot message them directly from here/);
    expect(toSlack.get(FAKE_IDS.facilitator)).toContain(`<@${FAKE_IDS.member}>`);

    // Near the end of the round (its check-in job run now rather than in five days): "did you meet?" on each platform.
    const [round] = await s.app.deps.repos.matching.recentRounds(communityId, 1);
    await s.app.kernel.runJob(s.app.kernel.registry.job("matching.checkIn")!, { communityId, roundId: round!.id }, { key: "check-in-now", dueAt: new Date(), lateMs: 0, signal: new AbortController().signal });
    const asksOnSlack = () => s.fake.callsTo("chat.postMessage").filter((c) => c.ok && dmChannels().get(String(c.args.channel)) === FAKE_IDS.member && blocksText(c.args.blocks).includes("Did you meet"));
    await expect.poll(() => asksOnSlack().length, { timeout: 20_000 }).toBe(1);
    const luc = { id: FAKE_IDS.member, username: "luc", name: "luc", team_id: FAKE_IDS.teamId };
    const yes = slackButton(asksOnSlack()[0]!.args.blocks, "Yes, we met");
    expect((await s.send(blockActions({ user: luc, actions: [buttonAction(yes.action_id!, yes.value!)] }))).status).toBe(200);
    const asksOnTeams = () =>
      connector.calls
        .filter((c) => c.kind === "createConversation" && c.status < 300 && JSON.stringify(c.body).includes(MEGAN.id))
        .flatMap((c) => connector.activitiesTo(c.conversationId!))
        .filter((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Did you meet"));
    await expect.poll(() => asksOnTeams().length, { timeout: 20_000 }).toBe(1);
    expect((await post(s.app.url, press(connector.serviceUrl, asksOnTeams()[0]!, "Not yet", { place: "personal", user: MEGAN }))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.matching.checkIns(communityId, round!.id)).map((a) => [a.personKey.split(":").pop(), a.met]).sort()).toEqual([
      [FAKE_IDS.member, true],
      [MEGAN.aadObjectId, false],
    ]);

    // Megan, a steward, sees the round's met-rate in the channel's reply (only to her).
    expect((await post(s.app.url, message(connector.serviceUrl, "matching", where))).status).toBe(200);
    const status = () => connector.calls.map((c) => String(JSON.stringify(c.body))).find((body) => body.includes("1 of 1 groups met (100%); 2 of 3 people answered"));
    await expect.poll(status, { timeout: 10_000 }).toBeTruthy();
    expect(connector.activitiesTo(thread("2")).some((a) => JSON.stringify(a).includes("groups met"))).toBe(false);

    // The settings form opens as a Slack modal for the Slack facilitator, holding the settings as they are.
    const modals = s.fake.callsTo("views.open").length;
    expect((await s.send(slashCommand({ text: "matching settings" }))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(modals + 1);
    const view = s.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; blocks: Array<{ block_id?: string }> };
    expect(view.callback_id).toBe("matching.settings.save");
    expect(view.blocks.map((b) => b.block_id).filter(Boolean)).toEqual(expect.arrayContaining(["on", "cadence", "size", "crossOrganisation", "crossPlatform", "buddies"]));
  }, 60_000);
});
