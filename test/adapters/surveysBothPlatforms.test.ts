import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { FAST } from "../support/scheduling.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction, slashCommand } from "../support/slackRequests.js";
import { ADELE, GENERAL, MEGAN, TENANT, cardOf, cardText, message, post, press, setUpInChannel, shownNow, thread } from "../support/teamsActivities.js";

/**
 * The surveys workflow through both adapters, which know nothing of it: a quick poll posted from Teams in a
 * community linked across Teams and Slack, answered on each platform's copy, tallied together, and stored
 * and logged without anyone's identity beside an anonymous answer.
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

const CODE = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/;
const teamsSpace = `teams:${TENANT}:${GENERAL.id}`;

async function linkedCommunity(): Promise<string> {
  await setUpInChannel(s.app.url, connector, "1");
  const before = connector.calls.length;
  await post(s.app.url, message(connector.serviceUrl, "link", { place: "channel", user: MEGAN }));
  await expect.poll(() => connector.calls.slice(before).some((c) => CODE.test(JSON.stringify(c.body)))).toBe(true);
  const code = CODE.exec(connector.calls.slice(before).map((c) => JSON.stringify(c.body)).find((body) => CODE.test(body))!)![1]!;
  expect((await s.send(slashCommand({ text: `link ${code}` }))).status).toBe(200);
  await expect.poll(() => s.fake.callsTo("chat.postMessage").some((c) => blocksText(c.args.blocks).includes("now meets in"))).toBe(true);
  return (await s.app.deps.repos.spaces.find(teamsSpace))!.communityId;
}

type Button = { action_id?: string; value?: string; text?: { text?: string } };
const slackButton = (blocks: unknown, label: string) => (blocks as Array<{ elements?: Button[] }>).flatMap((b) => b.elements ?? []).find((e) => e.text?.text === label)!;

describe("a quick poll in a community linked across Teams and Slack", () => {
  it("counts answers from Teams and Slack once per person, and keeps no identity with the anonymous answers", async () => {
    const communityId = await linkedCommunity();
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, 'poll "Which day suits?" Tue Wed "Thu am"', where))).status).toBe(200);
    const poll = () => shownNow(connector.activitiesTo(thread("2"))).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Which day suits?") && cardText(cardOf(a).body).includes("answered"));
    await expect.poll(poll).toBeTruthy();
    expect(cardText(cardOf(poll()).body)).toContain("Anonymous: no one, not even the facilitators");
    const logsBefore = s.app.logs.length;

    // Adele answers "Tue" in Teams (Action.Submit, which every Teams client can send), then changes to "Wed".
    expect((await post(s.app.url, press(connector.serviceUrl, poll()!, "Tue", { ...where, user: ADELE }))).status).toBe(200);
    await expect.poll(() => cardText(cardOf(poll()).body)).toContain("Tue: 1 (100%)");
    expect((await post(s.app.url, press(connector.serviceUrl, poll()!, "Wed", { ...where, user: ADELE }))).status).toBe(200);
    await expect.poll(() => cardText(cardOf(poll()).body)).toContain("Wed: 1 (100%)");
    expect(cardText(cardOf(poll()).body)).toContain("Tue: 0 (0%)");

    // The poll reached the linked Slack channel; Luc answers "Thu am" there and is told privately.
    const slackPost = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Which day suits?"));
    await expect.poll(slackPost, { timeout: 10_000 }).toBeTruthy();
    const thu = slackButton(slackPost()!.args.blocks, "Thu am");
    expect((await s.send(blockActions({ user: { id: FAKE_IDS.member, username: "luc", name: "luc", team_id: FAKE_IDS.teamId }, actions: [buttonAction(thu.action_id!, thu.value!)] }))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("chat.postEphemeral").some((c) => `${blocksText(c.args.blocks)} ${String(c.args.text)}`.includes("You answered *Thu am*"))).toBe(true);

    const [survey] = await s.app.deps.repos.surveys.open(communityId);
    await expect.poll(async () => (await s.app.deps.repos.surveys.responses(survey!)).map((r) => r.answers.q1).sort()).toEqual([1, 2]);

    // Read every row the answers touched, and every log line since the poll was posted: no one is in them.
    const traces = [ADELE.id, ADELE.aadObjectId!, ADELE.name, FAKE_IDS.member, "Luc Member"];
    const rows: string[] = [];
    for await (const row of s.app.store.tables.surveyResponses.listEntities()) rows.push(JSON.stringify(row));
    expect(rows).toHaveLength(2);
    for (const trace of traces) expect(rows.filter((r) => r.includes(trace))).toEqual([]);
    const lines = s.app.logs.slice(logsBefore).map((l) => JSON.stringify(l));
    // The requests were logged (path, status, time), just not who made them.
    expect(lines.filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(3);
    for (const trace of traces) expect(lines.filter((l) => l.includes(trace))).toEqual([]);

    // Megan closes it from Teams: the results reach both platforms, and the ballot key is gone.
    expect((await post(s.app.url, message(connector.serviceUrl, `close survey ${survey!.id}`, where))).status).toBe(200);
    const results = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Results: Which day suits?"));
    await expect.poll(results, { timeout: 10_000 }).toBeTruthy();
    expect(blocksText(results()!.args.blocks)).toContain("2 of");
    const keys: unknown[] = [];
    for await (const row of s.app.store.tables.surveyKeys.listEntities()) keys.push(row);
    expect(keys).toEqual([]);
  }, 30_000);
});
