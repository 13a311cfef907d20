import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { FAST } from "../support/scheduling.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { slashCommand } from "../support/slackRequests.js";
import { MEGAN, cardOf, cardText, message, post, type TeamsUser } from "../support/teamsActivities.js";
import { linkTeamsAndSlack } from "../support/linked.js";

/**
 * Peer matching through both adapters, in a community linked across Teams and Slack: Megan (Teams) and two Slack
 * members opt in; a round puts the three together, and each is told, in a direct message on their own platform,
 * how to reach the others: a Slack mention for the Slack colleague, and that the one on the other platform
 * cannot be messaged directly from there.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => {
  connector = await startFakeBotConnector();
  s = await startSlackApp({ options: { scheduling: FAST } });
});
afterAll(async () => {
  await s?.stop();
  await connector?.stop();
});

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
  }, 60_000);
});
