import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { FAST } from "../support/scheduling.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { slashCommand } from "../support/slackRequests.js";
import { GENERAL, MEGAN, TENANT, cardOf, cardText, message, post, setUpInChannel } from "../support/teamsActivities.js";

let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => {
  connector = await startFakeBotConnector();
  // Both platforms in one app, with the scheduler's short test intervals: posts to the community fan out through it.
  s = await startSlackApp({ options: { scheduling: FAST } });
});
afterAll(async () => {
  await s?.stop();
  await connector?.stop();
});
beforeEach(() => s.fake.reset());

const CODE = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/;
const teamsSpace = `teams:${TENANT}:${GENERAL.id}`;
const slackSpace = `slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`;

const ephemeralText = async (user: string, count: number) => {
  await expect.poll(() => s.fake.ephemerals().filter((c) => c.args.user === user).length).toBe(count);
  const call = s.fake.ephemerals().filter((c) => c.args.user === user).at(-1)!;
  return `${String(call.args.text)}\n${blocksText(call.args.blocks)}`;
};
const postsTo = (channel: string) => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === channel);

/** A facilitator sets up a community in a Teams channel and asks there for a link code (real Teams activities). */
async function codeFromTeams(): Promise<string> {
  await setUpInChannel(s.app.url, connector, "1");
  const before = connector.calls.length;
  const asked = await post(s.app.url, message(connector.serviceUrl, "link", { place: "channel", user: MEGAN }));
  expect(asked.status).toBe(200);
  await expect.poll(() => connector.calls.slice(before).some((c) => CODE.test(JSON.stringify(c.body)))).toBe(true);
  const said = connector.calls.slice(before).map((c) => JSON.stringify(c.body)).find((body) => CODE.test(body))!;
  return CODE.exec(said)![1]!;
}

/** What the Teams channel (any thread of it) was sent: each card's notification text and what it shows. */
const teamsChannelTexts = () =>
  connector.calls
    .filter((c) => c.conversationId?.startsWith(GENERAL.id) && c.status < 300 && c.activity?.attachments?.length)
    .map((c) => `${String(c.activity?.summary)}\n${cardText(cardOf(c.activity))}`);

describe("linking a Slack channel with a Teams channel", () => {
  let code: string;

  it("redeems a code made in Teams with /cop link CODE, and the community then lists both spaces", async () => {
    code = await codeFromTeams();
    const res = await s.send(slashCommand({ text: `link ${code}` }));
    expect(res.status).toBe(200);
    expect(await ephemeralText(FAKE_IDS.facilitator, 1)).toContain("You can manage Data Stewards CoP from here as its Co-facilitator.");
    // The channel is told where the community now meets, then sees its charter.
    await expect.poll(() => postsTo(FAKE_IDS.general).length).toBe(2);
    const [linked, charter] = postsTo(FAKE_IDS.general);
    expect(String(linked!.args.text)).toBe("Data Stewards CoP now meets in Microsoft Teams: Data Stewards / General and Slack: #cop-general. Events, surveys, digests and totals cover all of them.");
    expect(blocksText(charter!.args.blocks)).toContain("Data Stewards CoP");

    const teams = await s.app.deps.repos.spaces.find(teamsSpace);
    const slack = await s.app.deps.repos.spaces.find(slackSpace);
    expect(slack?.communityId).toBe(teams?.communityId);
    const spaces = await s.app.deps.repos.spaces.listForCommunity(teams!.communityId);
    expect(spaces.map((sp) => sp.platform).sort()).toEqual(["slack", "teams"]);

    s.fake.reset();
    await s.send(slashCommand({ text: "charter" }));
    const shown = await ephemeralText(FAKE_IDS.facilitator, 1);
    expect(shown).toContain("Microsoft Teams: Data Stewards / General");
    expect(shown).toContain("Slack: #cop-general");
    // The Teams channel hears where the community now meets too, through the scheduler.
    await expect.poll(() => teamsChannelTexts().some((t) => t.includes("now meets in Microsoft Teams: Data Stewards / General and Slack: #cop-general")), { timeout: 10_000 }).toBe(true);
  });

  it("announces a status change made in Slack in the linked Teams channel too", async () => {
    const started = Date.now();
    const res = await s.send(slashCommand({ text: "status launched" }));
    expect(res.status).toBe(200);
    await expect.poll(() => postsTo(FAKE_IDS.general).map((c) => String(c.args.text))).toEqual(["Data Stewards CoP is now at the Launched stage."]);
    // The same notice reaches the Teams channel through the scheduler's fan-out, in well under the test's limit.
    await expect.poll(() => teamsChannelTexts().some((t) => t.includes("Data Stewards CoP is now at the Launched stage.")), { timeout: 12_000, interval: 100 }).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
    // Once: the Slack channel it was said in is not sent it again (the fan-out's audience leaves it out).
    expect(await s.app.work.drain(5_000)).toBe(true);
    await expect.poll(async () => (await s.app.scheduling.storage.queue.getProperties()).approximateMessagesCount).toBe(0);
    expect(postsTo(FAKE_IDS.general)).toHaveLength(1);
    expect(teamsChannelTexts().filter((t) => t.includes("is now at the Launched stage"))).toHaveLength(1);
  }, 20_000);

  it("refuses a code that was already used, with a clear private message", async () => {
    const res = await s.send(slashCommand({ text: `link ${code.toLowerCase()}`, channel_id: FAKE_IDS.private, channel_name: "cop-core-team" }));
    expect(res.status).toBe(200);
    expect(await ephemeralText(FAKE_IDS.facilitator, 1)).toContain("That link code is not valid: it may be mistyped, already used, or older than 15 minutes.");
    expect(await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.private}`)).toBeUndefined();
    expect(s.fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("refuses an expired code, with the same clear private message", async () => {
    const teams = await s.app.deps.repos.spaces.find(teamsSpace);
    const past = Date.now() - 16 * 60_000;
    await s.app.deps.repos.linkCodes.create({
      code: "EXPRD234", communityId: teams!.communityId, createdBy: `teams:${TENANT}:${MEGAN.aadObjectId}`, createdIn: teamsSpace,
      createdAt: new Date(past).toISOString(), expiresAt: new Date(past + 15 * 60_000).toISOString(),
    });
    await s.send(slashCommand({ text: "link EXPR-D234", channel_id: FAKE_IDS.private, channel_name: "cop-core-team" }));
    expect(await ephemeralText(FAKE_IDS.facilitator, 1)).toContain("That link code is not valid");
    expect(await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.private}`)).toBeUndefined();
  });
});
