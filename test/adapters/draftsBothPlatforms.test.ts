import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { FAST } from "../support/scheduling.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { slashCommand, viewSubmission } from "../support/slackRequests.js";
import { ADELE, GENERAL, MEGAN, cardOf, cardText, message, post, press, shownNow, thread, type SentMessage } from "../support/teamsActivities.js";
import { linkTeamsAndSlack } from "../support/linked.js";
import { aiEnv, SAMPLE_DRAFT, startFakeAzureOpenAI, type FakeAzureOpenAI } from "../support/fakeAzureOpenAI.js";

/**
 * Follow-ups drafted from notes, through both adapters, with the app configured for a (fake) Azure OpenAI
 * deployment: in Teams from the after-event ask in the steward's 1:1 chat (cards replaced in place), in Slack
 * with `/cop draft follow-up ID` (modals updated in place); the steward edits the draft and posts it to both spaces.
 */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let s: SlackTestApp;
let connector: FakeBotConnector;
let ai: FakeAzureOpenAI;
let communityId: string;
beforeAll(async () => {
  ai = await startFakeAzureOpenAI();
  connector = await startFakeBotConnector({ members: [MEGAN, ADELE] });
  s = await startSlackApp({ env: aiEnv(ai), options: { scheduling: FAST, clock } });
  communityId = await linkTeamsAndSlack(s, connector, { slackNow: clock.now().getTime() });
});
afterAll(async () => {
  await s?.stop();
  await connector?.stop();
  await ai?.close();
});

const SOON = { timeout: 10_000 };
const NOTES = "Checklist reviewed; adopted for new datasets. Ana circulates it by Friday. https://example.org/fair-checklist";
const textOf = (a: SentMessage | undefined) => (a?.attachments?.length ? cardText(cardOf(a).body) : "");
const meganOwnChat = `a:1personal-${MEGAN.aadObjectId}`;
const chatWith = (id: string) => connector.calls.find((c) => c.kind === "createConversation" && c.status === 201 && JSON.stringify(c.body).includes(id))?.conversationId;
const latest = (conversationId: string, words: string) => () => shownNow(connector.activitiesTo(conversationId)).filter((a) => textOf(a).includes(words) || JSON.stringify(a.attachments ?? []).includes(words)).at(-1);
const signed = () => ({ now: clock.now().getTime() });
const postedInBoth = async (words: string, teamsFrom: number) => {
  await expect.poll(() => s.fake.callsTo("chat.postMessage").some((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes(words)), { timeout: 15_000 }).toBe(true);
  await expect.poll(() => connector.calls.slice(teamsFrom).some((c) => c.conversationId?.startsWith(GENERAL.id) && JSON.stringify(c.body).includes(words)), { timeout: 15_000 }).toBe(true);
};

/** Schedules an event in Teams that started `hoursAgo` before the (moved) clock, and returns its id. */
async function pastEvent(title: string): Promise<string> {
  const start = new Date(clock.now().getTime() + 2 * 86_400_000);
  const date = start.toISOString().slice(0, 10);
  expect((await post(s.app.url, message(connector.serviceUrl, `event ${title} on ${date} at 10:00 UTC for 30m`, { place: "channel", threadId: title, user: MEGAN }))).status).toBe(200);
  await expect.poll(() => shownNow(connector.activitiesTo(thread(title))).some((a) => textOf(a).includes("Going: ")), SOON).toBe(true);
  const event = (await s.app.deps.repos.events.upcoming(communityId, clock.now())).find((e) => e.title === title)!;
  offsetMs = Date.parse(`${date}T10:31:00Z`) - Date.now();
  return event.id;
}

describe("drafting a follow-up from notes, with Azure OpenAI configured", () => {
  it("in Teams: Draft from notes on the ask opens the notes card; the draft comes back as the follow-up form, edited and posted to both spaces", async () => {
    await pastEvent("Sync call");
    await expect.poll(() => chatWith(MEGAN.id) && latest(chatWith(MEGAN.id)!, "How did Sync call go?")(), { timeout: 15_000 }).toBeTruthy();
    const ask = latest(chatWith(MEGAN.id)!, "How did Sync call go?")()!;
    expect((await post(s.app.url, press(connector.serviceUrl, ask, "Draft from notes", { place: "personal", user: MEGAN }))).status).toBe(200);
    await expect.poll(latest(meganOwnChat, "Paste your notes"), SOON).toBeTruthy();
    const notes = latest(meganOwnChat, "Paste your notes")()!;

    // The service is busy: the same card comes back with the notes and why.
    ai.next({ kind: "status", status: 429, retryAfter: "20" });
    expect((await post(s.app.url, press(connector.serviceUrl, notes, "Draft", { place: "personal", user: MEGAN, values: { notes: NOTES } }))).status).toBe(200);
    await expect.poll(() => JSON.stringify(cardOf(latest(meganOwnChat, "Paste your notes")()!)), SOON).toContain("try again in 20 seconds");
    const kept = latest(meganOwnChat, "Paste your notes")()!;
    expect(JSON.stringify(cardOf(kept))).toContain(JSON.stringify(NOTES).slice(1, -1));

    expect((await post(s.app.url, press(connector.serviceUrl, kept, "Draft", { place: "personal", user: MEGAN }))).status).toBe(200);
    await expect.poll(latest(meganOwnChat, "What was discussed"), SOON).toBeTruthy();
    const followUp = latest(meganOwnChat, "What was discussed")()!;
    expect(JSON.stringify(cardOf(followUp))).toContain(SAMPLE_DRAFT.discussed);
    expect(JSON.stringify(cardOf(followUp))).toContain("Ana: circulate the checklist by Friday");
    expect(ai.requests.filter((r) => r.status === 200).at(-1)!.body.messages!.at(-1)!.content).toContain(NOTES);

    const before = connector.calls.length;
    const edited = { discussed: "Checklist reviewed and adopted (Teams edit)." };
    expect((await post(s.app.url, press(connector.serviceUrl, followUp, "Post the follow-up", { place: "personal", user: MEGAN, values: edited }))).status).toBe(200);
    await postedInBoth("Checklist reviewed and adopted (Teams edit).", before);
  }, 60_000);

  it("in Slack: `/cop draft follow-up ID` opens the notes modal, replaced by the pre-filled follow-up modal; a member is refused", async () => {
    const eventId = await pastEvent("Slack review");
    const calls = ai.requests.length;
    expect((await s.send(slashCommand({ text: `draft follow-up ${eventId}`, user_id: FAKE_IDS.member, user_name: "luc" }, signed()))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().filter((c) => c.args.user === FAKE_IDS.member).map((c) => blocksText(c.args.blocks)).join("\n"), SOON).toMatch(/Only the facilitators/);

    const opened = s.fake.callsTo("views.open").length;
    expect((await s.send(slashCommand({ text: `draft follow-up ${eventId}` }, signed()))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length, SOON).toBe(opened + 1);
    const modal = s.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe("drafts.draft");
    expect(ai.requests.length).toBe(calls);

    const notesState = { values: { notes: { value: { type: "plain_text_input", value: NOTES } } } };
    ai.next({ kind: "malformed", content: "not json" });
    const failed = await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: notesState } }, signed()));
    const again = (await failed.json()) as { response_action: string; view: { callback_id: string; blocks: unknown } };
    expect(again.response_action).toBe("update");
    expect(again.view.callback_id).toBe("drafts.draft");
    expect(JSON.stringify(again.view.blocks)).toContain("not a follow-up");
    expect(JSON.stringify(again.view.blocks)).toContain(JSON.stringify(NOTES).slice(1, -1));

    const drafted = await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: notesState } }, signed()));
    const next = (await drafted.json()) as { response_action: string; view: { callback_id: string; private_metadata: string; blocks: unknown } };
    expect(next.response_action).toBe("update");
    expect(next.view.callback_id).toBe("events.followUp");
    expect(JSON.stringify(next.view.blocks)).toContain(SAMPLE_DRAFT.discussed);
    expect(ai.lastUserText()).toContain(NOTES);
    // Nothing was posted before the steward submits the follow-up.
    expect(s.fake.callsTo("chat.postMessage").some((c) => blocksText(c.args.blocks).includes("Follow-up: Slack review"))).toBe(false);

    const text = (value: string | null) => ({ value: { type: "plain_text_input", value } });
    const url = (value: string | null) => ({ value: { type: "url_text_input", value } });
    const state = { values: { discussed: text("Slack-side edit of the draft."), decisions: text("Adopt the checklist"), actions: text("Ana: circulate the checklist"), resources: text(null), recording: url(null), slides: url(null), nextSteps: text(null) } };
    const before = connector.calls.length;
    expect((await s.send(viewSubmission({ view: { callback_id: next.view.callback_id, private_metadata: next.view.private_metadata, state } }, signed()))).status).toBe(200);
    await postedInBoth("Slack-side edit of the draft.", before);
    // The key never reaches a log line (nor do the notes).
    const logged = JSON.stringify(s.app.logs);
    expect(logged).toContain("drafting a follow-up failed");
    expect(logged).not.toContain(ai.apiKey);
    expect(logged).not.toContain("circulates it by Friday");
  }, 60_000);

  it("in Slack: a draft slower than Slack's 3 seconds keeps the notes in the modal, then replaces it with the pre-filled follow-up", async () => {
    const eventId = await pastEvent("Slow call");
    const opened = s.fake.callsTo("views.open").length;
    expect((await s.send(slashCommand({ text: `draft follow-up ${eventId}` }, signed()))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length, SOON).toBe(opened + 1);
    // Slack sends the modal's blocks back with its state: the kept modal is made from them.
    const modal = s.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    const viewId = (s.fake.callsTo("views.open").at(-1)!.response as { view: { id: string } }).view.id;
    const updates = s.fake.callsTo("views.update").length;
    ai.next({ kind: "slow", ms: 3500, then: { kind: "draft", content: SAMPLE_DRAFT } });
    const notesState = { values: { notes: { value: { type: "plain_text_input", value: NOTES } } } };
    const answered = await s.send(viewSubmission({ view: { id: viewId, callback_id: modal.callback_id, private_metadata: modal.private_metadata, blocks: modal.blocks, state: notesState } }, signed()));
    const kept = (await answered.json()) as { response_action: string; view: { blocks: unknown } };
    expect(kept.response_action).toBe("update");
    expect(JSON.stringify(kept.view.blocks)).toContain("taking longer");
    expect(JSON.stringify(kept.view.blocks)).toContain(JSON.stringify(NOTES).slice(1, -1));
    // When the draft arrives, the modal becomes the follow-up form, filled in.
    const replaced = () => s.fake.callsTo("views.update").slice(updates).find((c) => (c.args.view as { callback_id?: string }).callback_id === "events.followUp");
    await expect.poll(replaced, { timeout: 15_000 }).toBeTruthy();
    expect(replaced()!.args.view_id).toBe(viewId);
    expect((replaced()!.response as { ok: boolean }).ok).toBe(true);
    expect(JSON.stringify((replaced()!.args.view as { blocks: unknown }).blocks)).toContain(SAMPLE_DRAFT.discussed);
  }, 60_000);
});
