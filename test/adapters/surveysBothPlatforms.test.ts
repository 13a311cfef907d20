import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";

import { blocksText, type SlackTestApp, slackButton } from "../support/slackApp.js";
import { blockActions, buttonAction, slashCommand, viewSubmission } from "../support/slackRequests.js";
import { ADELE, MEGAN, TENANT, cardOf, cardText, inputsOf, message, post, press, shownNow, thread, updatedCardText } from "../support/teamsActivities.js";
import { TEAMS_GENERAL_SPACE, linkTeamsAndSlack, takePart, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";
import { memberFor, membersWhere } from "../../src/core/kernel/members.js";

/**
 * The surveys workflow through both adapters, which know nothing of it: a quick poll posted from Teams in a
 * community linked across Teams and Slack, answered on each platform's copy, tallied together, and stored
 * and logged without anyone's identity beside an anonymous answer.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

let linked: Promise<string> | undefined;
const linkedCommunity = () => (linked ??= linkTeamsAndSlack(s, connector));

describe("a quick poll in a community linked across Teams and Slack", () => {
  it("counts answers from Teams and Slack once per person, and keeps no identity with the anonymous answers", async () => {
    const communityId = await linkedCommunity();
    // Adele and Luc take part where the community meets (an answer alone enrols no one).
    await takePart(s, connector, communityId, { teams: [ADELE], slack: [FAKE_IDS.member] });
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, 'poll "Which day suits?" Tue Wed "Thu am"', where))).status).toBe(200);
    const poll = () => shownNow(connector.activitiesTo(thread("2"))).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Which day suits?") && cardText(cardOf(a).body).includes("answered"));
    await expect.poll(poll).toBeTruthy();
    expect(cardText(cardOf(poll()).body)).toContain("Anonymous: no one, not even the facilitators");
    const logsBefore = s.app.logs.length;

    // Adele answers "Tue" in Teams (Action.Submit, which every Teams client can send), then changes to "Wed".
    expect((await post(s.app.url, press(connector.serviceUrl, poll()!, "Tue", { ...where, user: ADELE }))).status).toBe(200);
    await expect.poll(() => cardText(cardOf(poll()).body)).toContain("Tue: 1 (100%)");
    // A second press within the same second shows with the refresh of every copy at the end of that second.
    expect((await post(s.app.url, press(connector.serviceUrl, poll()!, "Wed", { ...where, user: ADELE }))).status).toBe(200);
    await expect.poll(() => updatedCardText(connector, poll()!.id!), { timeout: 5_000 }).toContain("Wed: 1 (100%)");
    expect(updatedCardText(connector, poll()!.id!)).toContain("Tue: 0 (0%)");

    // The poll reached the linked Slack channel; Luc answers "Thu am" there and is told privately.
    const slackPost = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Which day suits?"));
    await expect.poll(slackPost, { timeout: 10_000 }).toBeTruthy();
    const thu = slackButton(slackPost()!.args.blocks, "Thu am");
    expect((await s.send(blockActions({ user: { id: FAKE_IDS.member, username: "luc", name: "luc", team_id: FAKE_IDS.teamId }, actions: [buttonAction(thu.action_id!, thu.value!)] }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().some((c) => `${blocksText(c.args.blocks)} ${String(c.args.text)}`.includes("You answered *Thu am*"))).toBe(true);

    const [survey] = await s.app.deps.repos.surveys.open(communityId);
    await expect.poll(async () => (await s.app.deps.repos.surveys.responses(survey!)).map((r) => r.answers.q1).sort()).toEqual([1, 2]);

    // Read every row the answers touched, and every log line since the poll was posted: no one is in them.
    const traces = [ADELE.id, ADELE.aadObjectId!, ADELE.name, FAKE_IDS.member, "Luc Member"];
    const rows: string[] = [];
    for await (const row of s.app.store.tables.surveyResponses.listEntities()) rows.push(JSON.stringify(row));
    // Two responses, and the counter rows beside them (numbers only).
    expect(rows.filter((r) => !r.includes('"rowKey":"~t:'))).toHaveLength(2);
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

describe("a quick poll for one space of a linked community", () => {
  it("`poll here` from Teams is posted in that channel only, and counts and takes answers from its members only", async () => {
    const communityId = await linkedCommunity();
    const postFanouts = async () => {
      let n = 0;
      for await (const row of s.app.scheduling.storage.tables.jobs.listEntities<{ json?: string }>()) if (row.json?.includes('"kind":"fanout"') && row.json.includes('"post:')) n += 1;
      return n;
    };
    await takePart(s, connector, communityId, { teams: [ADELE] });
    const before = await postFanouts();
    const everyone = await membersWhere(s.app.deps, communityId, () => true);
    const here = everyone.filter((m) => m.spaceKey === TEAMS_GENERAL_SPACE).length;
    expect(here).toBeGreaterThan(0);
    expect(here).toBeLessThan(everyone.length);
    const where = { place: "channel" as const, threadId: "9", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, 'poll here "Lunch here?" Pizza Salad', where))).status).toBe(200);
    const poll = () => shownNow(connector.activitiesTo(thread("9"))).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Lunch here?") && cardText(cardOf(a).body).includes("answered"));
    await expect.poll(poll).toBeTruthy();
    expect(cardText(cardOf(poll()).body)).toContain(`0 of ${here} answered`);
    expect(cardText(cardOf(poll()).body)).toContain("Asks the members of this space only.");
    expect((await post(s.app.url, press(connector.serviceUrl, poll()!, "Pizza", { ...where, user: ADELE }))).status).toBe(200);
    await expect.poll(() => cardText(cardOf(poll()).body)).toContain(`1 of ${here} answered`);
    // Posted in the Teams channel alone: no fan-out to the other spaces was ever scheduled, and Slack got nothing.
    expect(await postFanouts()).toBe(before);
    expect(s.fake.callsTo("chat.postMessage").filter((c) => blocksText(c.args.blocks).includes("Lunch here?"))).toEqual([]);
  }, 30_000);
});

describe("an answer through either adapter", () => {
  it("writes no conversation ref for the person who gives it (a member the app never heard from before), who is still answered privately", async () => {
    const communityId = await linkedCommunity();
    const nia = { id: "29:1nia-new", name: "Nia New", aadObjectId: "aad-0042-nia" };
    const omar = "U0OMAR042";
    s.fake.setUser({ id: omar, name: "omar" });
    const slackSpace = (await s.app.deps.repos.spaces.listForCommunity(communityId)).find((space) => space.platform === "slack")!.spaceKey;
    const now = new Date().toISOString();
    // Both are on the roster already (as a roster sync would put them), and the app has never heard from either.
    await s.app.deps.repos.members.add(memberFor({ personKey: `teams:${TENANT}:${nia.aadObjectId}`, displayName: nia.name, locale: "en" }, { communityId, spaceKey: TEAMS_GENERAL_SPACE, role: "member", now }), { optedOut: false });
    await s.app.deps.repos.members.add(memberFor({ personKey: `slack:${FAKE_IDS.teamId}:${omar}`, displayName: "omar", locale: "en" }, { communityId, spaceKey: slackSpace, role: "member", now }), { optedOut: false });
    const refsNaming = async (...traces: string[]) => {
      const found: string[] = [];
      for await (const row of s.app.store.tables.conversationRefs.listEntities()) if (traces.some((t) => JSON.stringify(row).includes(t))) found.push(JSON.stringify(row));
      return found;
    };

    const where = { place: "channel" as const, threadId: "10", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, 'poll "Tea or coffee?" Tea Coffee', where))).status).toBe(200);
    const poll = () => shownNow(connector.activitiesTo(thread("10"))).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Tea or coffee?") && cardText(cardOf(a).body).includes("answered"));
    await expect.poll(poll).toBeTruthy();
    expect((await post(s.app.url, press(connector.serviceUrl, poll()!, "Tea", { ...where, user: nia }))).status).toBe(200);
    await expect.poll(() => cardText(cardOf(poll()).body)).toContain("Tea: 1 (100%)");
    // She is told privately all the same, in a 1:1 chat opened from her press (and not stored), not in the thread.
    const toNia = () =>
      connector.calls
        .filter((c) => c.kind === "createConversation" && c.status < 300 && JSON.stringify(c.body).includes(nia.id))
        .flatMap((c) => connector.activitiesTo(c.conversationId!))
        .filter((a) => a.attachments?.length && cardText(cardOf(a).body).includes("You answered"));
    await expect.poll(() => toNia().length).toBe(1);
    expect(cardText(cardOf(toNia()[0]).body)).toContain("Tea");
    expect(connector.activitiesTo(thread("10")).filter((a) => (a.text ?? "").includes("could not answer you privately"))).toEqual([]);
    const slackPost = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Tea or coffee?"));
    await expect.poll(slackPost, { timeout: 10_000 }).toBeTruthy();
    const coffee = slackButton(slackPost()!.args.blocks, "Coffee");
    expect((await s.send(blockActions({ user: { id: omar, username: "omar", name: "omar", team_id: FAKE_IDS.teamId }, actions: [buttonAction(coffee.action_id!, coffee.value!)] }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().some((c) => c.args.user === omar && `${blocksText(c.args.blocks)} ${String(c.args.text)}`.includes("You answered *Coffee*"))).toBe(true);
    expect(await refsNaming(nia.aadObjectId, nia.id, omar)).toEqual([]);

    // What the answers left out: anything else they do is remembered, so the app can write to them later.
    await takePart(s, connector, communityId, { teams: [nia], slack: [omar] });
    await expect.poll(async () => (await refsNaming(nia.aadObjectId)).length).toBeGreaterThan(0);
    await expect.poll(async () => (await refsNaming(omar)).length).toBeGreaterThan(0);
  }, 30_000);
});

type ModalBlock = { block_id?: string; element?: { type?: string } };
/** The state Slack sends for a submitted modal: each field's element type with the values a person picked or typed. */
function modalState(blocks: ModalBlock[], values: Record<string, string | string[]>) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of blocks) {
    const value = block.block_id ? values[block.block_id] : undefined;
    if (!block.block_id || !block.element?.type) continue;
    const type = block.element.type;
    const option = (v: string) => ({ value: v, text: { type: "plain_text", text: v } });
    state[block.block_id] = {
      value:
        type === "static_select" || type === "radio_buttons"
          ? { type, selected_option: typeof value === "string" ? option(value) : null }
          : type === "checkboxes" || type === "multi_static_select"
            ? { type, selected_options: (Array.isArray(value) ? value : []).map(option) }
            : { type, value: typeof value === "string" ? value : null },
    };
  }
  return { values: state };
}

describe("a survey from a template in the linked community", () => {
  it("is answered in a form only the person sees, on each platform, and tallied together without identities", async () => {
    const communityId = await linkedCommunity();
    await takePart(s, connector, communityId, { teams: [ADELE], slack: [FAKE_IDS.member] });
    const where = { place: "channel" as const, threadId: "3", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, "survey", where))).status).toBe(200);
    const form = () => connector.activitiesTo(thread("3")).find((a) => cardText(cardOf(a).body).includes("Who sees the results"));
    await expect.poll(form).toBeTruthy();
    const values = { template: "quarterlyPulse", title: "Autumn pulse", privacy: "anonymous", visibility: "live", "deadline.date": new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), "deadline.time": "12:00", "deadline.zone": "Europe/Rome" };
    expect((await post(s.app.url, press(connector.serviceUrl, form()!, "Start", { ...where, values }))).status).toBe(200);
    const announced = () => shownNow(connector.activitiesTo(thread("3"))).find((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Autumn pulse") && cardText(cardOf(a).body).includes("4 questions"));
    await expect.poll(announced).toBeTruthy();
    const logsBefore = s.app.logs.length;

    // Adele presses Answer in the channel: the form comes to her own chat, never into the thread.
    const before = connector.activitiesTo(thread("3")).length;
    expect((await post(s.app.url, press(connector.serviceUrl, announced()!, "Answer", { ...where, user: ADELE }))).status).toBe(200);
    const adeleChat = () => connector.calls.find((c) => c.kind === "createConversation" && c.status === 201 && JSON.stringify(c.body).includes(ADELE.id))?.conversationId;
    await expect.poll(adeleChat).toBeTruthy();
    const prompt = () => connector.activitiesTo(adeleChat()!).find((a) => cardText(cardOf(a).body).includes("go in a form only you see"));
    await expect.poll(prompt).toBeTruthy();
    const personal = { place: "personal" as const, user: ADELE };
    expect((await post(s.app.url, press(connector.serviceUrl, prompt()!, "Open the form", personal))).status).toBe(200);
    const answerForm = () => connector.activitiesTo(`a:1personal-${ADELE.aadObjectId}`).find((a) => a.attachments?.length && "q1" in inputsOf(cardOf(a)));
    await expect.poll(answerForm).toBeTruthy();
    expect((await post(s.app.url, press(connector.serviceUrl, answerForm()!, "Answer", { ...personal, values: { q1: "5", q2: "4", q3: "10", q4: "More time to talk" } }))).status).toBe(200);
    await expect.poll(() => connector.activitiesTo(`a:1personal-${ADELE.aadObjectId}`).some((a) => JSON.stringify(a).includes("are recorded without your name"))).toBe(true);
    expect(connector.activitiesTo(thread("3")).length).toBe(before);

    // Luc answers in Slack: Answer opens a modal, only he sees it.
    const slackPost = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Autumn pulse"));
    await expect.poll(slackPost, { timeout: 10_000 }).toBeTruthy();
    const answer = slackButton(slackPost()!.args.blocks, "Answer");
    const luc = { id: FAKE_IDS.member, username: "luc", name: "luc", team_id: FAKE_IDS.teamId };
    const modals = s.fake.callsTo("views.open").length;
    expect((await s.send(blockActions({ user: luc, actions: [buttonAction(answer.action_id!, answer.value!)] }))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(modals + 1);
    const modal = s.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string; blocks: ModalBlock[] };
    const state = modalState(modal.blocks, { q1: "3", q2: "2", q3: "6", q4: "" });
    expect((await s.send(viewSubmission({ user: luc, view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state } }))).status).toBe(200);

    const [survey] = (await s.app.deps.repos.surveys.open(communityId)).filter((x) => x.title === "Autumn pulse");
    await expect.poll(async () => (await s.app.deps.repos.surveys.responses(survey!)).length).toBe(2);
    expect(cardText(cardOf(announced()).body)).toContain("Anonymous");

    // Live results for anyone who asks: averages and NPS over both platforms' answers.
    expect((await s.send(slashCommand({ text: `results ${survey!.id}`, user_id: FAKE_IDS.member }))).status).toBe(200);
    const results = () => s.fake.ephemerals().find((c) => c.args.user === FAKE_IDS.member && blocksText(c.args.blocks).includes("Results so far: Autumn pulse"));
    await expect.poll(results).toBeTruthy();
    const text = blocksText(results()!.args.blocks);
    expect(text).toContain("Average 4 out of 5");
    // One promoter (10) and one detractor (6): 0.
    expect(text).toContain("Net promoter score 0");
    expect(text).toContain("More time to talk");

    const traces = [ADELE.id, ADELE.aadObjectId!, ADELE.name, FAKE_IDS.member, "Luc Member"];
    const rows: string[] = [];
    for await (const row of s.app.store.tables.surveyResponses.listEntities({ queryOptions: { filter: `PartitionKey eq 'r:${communityId}:${survey!.id}'` } })) rows.push(JSON.stringify(row));
    // Two responses, the counters (numbers only), and Adele's free text in a row of its own (Luc wrote none).
    expect(rows.filter((r) => !r.includes('"rowKey":"~'))).toHaveLength(2);
    expect(rows.filter((r) => r.includes('"rowKey":"~x:'))).toEqual([expect.stringContaining("More time to talk")]);
    for (const trace of traces) expect(rows.filter((r) => r.includes(trace))).toEqual([]);
    const lines = s.app.logs.slice(logsBefore).map((l) => JSON.stringify(l));
    for (const trace of traces) expect(lines.filter((l) => l.includes(trace))).toEqual([]);
    expect(lines.filter((l) => l.includes("surveys.answer")).length).toBeGreaterThanOrEqual(2);
  }, 40_000);
});
