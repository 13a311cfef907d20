import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { slashCommand } from "../support/slackRequests.js";
import { GENERAL, GOOD_FORM, MEGAN, TENANT, executeAction, message, post } from "../support/teamsActivities.js";

let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => {
  connector = await startFakeBotConnector();
  s = await startSlackApp();
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
  await expect.poll(() => s.fake.callsTo("chat.postEphemeral").filter((c) => c.args.user === user).length).toBe(count);
  const call = s.fake.callsTo("chat.postEphemeral").filter((c) => c.args.user === user).at(-1)!;
  return `${String(call.args.text)}\n${blocksText(call.args.blocks)}`;
};

/** A facilitator sets up a community in a Teams channel and asks there for a link code (real Teams activities). */
async function codeFromTeams(): Promise<string> {
  const created = await post(s.app.url, executeAction(connector.serviceUrl, "community.setup", GOOD_FORM, { place: "channel", threadId: "1" }));
  expect(created.status).toBe(200);
  const before = connector.calls.length;
  const asked = await post(s.app.url, message(connector.serviceUrl, "link", { place: "channel", user: MEGAN }));
  expect(asked.status).toBe(200);
  await expect.poll(() => connector.calls.slice(before).some((c) => CODE.test(JSON.stringify(c.body)))).toBe(true);
  const said = connector.calls.slice(before).map((c) => JSON.stringify(c.body)).find((body) => CODE.test(body))!;
  return CODE.exec(said)![1]!;
}

describe("linking a Slack channel with a Teams channel", () => {
  let code: string;

  it("redeems a code made in Teams with /cop link CODE, and the community then lists both spaces", async () => {
    code = await codeFromTeams();
    const res = await s.send(slashCommand({ text: `link ${code}` }));
    expect(res.status).toBe(200);
    expect(await ephemeralText(FAKE_IDS.facilitator, 1)).toContain("You can manage *Data Stewards CoP* from here as a co-facilitator.");
    await expect.poll(() => s.fake.callsTo("chat.postMessage").length).toBe(1);
    const linked = s.fake.callsTo("chat.postMessage")[0]!;
    expect(linked.args.channel).toBe(FAKE_IDS.general);
    expect(String(linked.args.text)).toContain("This space is now part of *Data Stewards CoP*, together with Microsoft Teams: Data Stewards / General");

    const teams = await s.app.deps.repos.spaces.find(teamsSpace);
    const slack = await s.app.deps.repos.spaces.find(slackSpace);
    expect(slack?.communityId).toBe(teams?.communityId);
    const spaces = await s.app.deps.repos.spaces.listForCommunity(teams!.communityId);
    expect(spaces.map((sp) => sp.platform).sort()).toEqual(["slack", "teams"]);

    s.fake.reset();
    await s.send(slashCommand({ text: "charter" }));
    const charter = await ephemeralText(FAKE_IDS.facilitator, 1);
    expect(charter).toContain("Microsoft Teams: Data Stewards / General");
    expect(charter).toContain("Slack: #cop-general");
  });

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
