import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { blocksText, slackButton, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction, newTriggerId, slashCommand, viewSubmission } from "../support/slackRequests.js";
import { MEGAN, buttonsOf, cardOf, cardText, message, post, press, shownNow, thread, type SentMessage } from "../support/teamsActivities.js";
import { linkTeamsAndSlack } from "../support/linked.js";

/**
 * The programme plan through both adapters (which know nothing of it), in a community linked across Teams and
 * Slack: imported from a Teams card and from a Slack modal, shown back, confirmed; its events announced on both.
 */
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

type ModalBlock = { block_id?: string; element?: { type?: string } };
/** The state Slack sends for a submitted modal: each field's element with what was picked or typed. */
function modalState(blocks: ModalBlock[], values: Record<string, string>) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of blocks) {
    if (!block.block_id || !block.element?.type) continue;
    const type = block.element.type;
    const value = values[block.block_id] ?? null;
    state[block.block_id] = {
      value: type === "static_select" || type === "radio_buttons" ? { type, selected_option: value === null ? null : { value, text: { type: "plain_text", text: value } } } : type === "datepicker" ? { type, selected_date: value } : { type, value },
    };
  }
  return { values: state };
}

/** Every card text the fake Bot Connector was sent, in any conversation. */
const teamsTexts = () => connector.calls.flatMap((c) => ((c.body as SentMessage | undefined)?.attachments?.length ? [cardText(cardOf(c.body as SentMessage).body)] : []));
const slackPosts = (method: string) => s.fake.callsTo(method).map((c) => c.args);

describe("a programme plan in a community linked across Teams and Slack", () => {
  it("is imported from a Teams card, shown back, confirmed, and its events reach both platforms; then replaced from a Slack modal", async () => {
    const communityId = await linkTeamsAndSlack(s, connector);
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };

    // Teams: the form comes as a card in the thread; Megan takes the built-in year from 2030 in Rome.
    expect((await post(s.app.url, message(connector.serviceUrl, "plan import", where))).status).toBe(200);
    const form = () => shownNow(connector.activitiesTo(thread("2"))).find((a) => a.attachments?.length && buttonsOf(cardOf(a)).some((b) => b.title === "Show what it creates"));
    await expect.poll(form).toBeTruthy();
    expect((await post(s.app.url, press(connector.serviceUrl, form() as SentMessage, "Show what it creates", { ...where, values: { source: "builtIn", start: "2030-01-01", zone: "Europe/Rome" } }))).status).toBe(200);
    const previewActivity = () => connector.calls.map((c) => c.body as SentMessage).find((b) => b?.attachments?.length && cardText(cardOf(b).body).includes("Confirm the plan: One-year programme"));
    await expect.poll(previewActivity, { timeout: 10_000 }).toBeTruthy();
    expect(cardText(cardOf(previewActivity()).body)).toContain("17 steps from 2030-01-01: 6 events, 1 survey and 10 other steps");
    // Nothing exists before Confirm.
    expect(await s.app.deps.repos.events.all(communityId)).toEqual([]);

    expect((await post(s.app.url, press(connector.serviceUrl, previewActivity()!, "Confirm and create", where))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.events.all(communityId)).length, { timeout: 10_000 }).toBe(6);
    // The announcements reach the Teams channel and the Slack channel.
    await expect.poll(() => teamsTexts().filter((t) => t.includes("Webinar 1") && t.includes("Going: 0")).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => slackPosts("chat.postMessage").filter((a) => a.channel === FAKE_IDS.general && blocksText(a.blocks).includes("Wrap-up session")).length, { timeout: 10_000 }).toBe(1);

    // Slack: the facilitator sees where the community stands, then undoes it and imports from a modal.
    expect((await s.send(slashCommand({ text: "plan" }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().map((c) => c.args).some((a) => blocksText(a.blocks).includes("0 of 17 steps done"))).toBe(true);
    expect((await s.send(slashCommand({ text: "plan undo" }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().map((c) => c.args).some((a) => blocksText(a.blocks).includes("6 events cancelled and 11 scheduled steps removed"))).toBe(true);

    const opened = s.fake.callsTo("views.open").length;
    expect((await s.send(slashCommand({ text: "plan import", trigger_id: newTriggerId() }))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(opened + 1);
    const modal = s.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string; blocks: ModalBlock[] };
    expect(modal.callback_id).toBe("plan.import.submit");
    const file = ["name: Pilot", "steps:", "  - { month: 1, kind: event, event: meeting, title: Kick-off call, day: 10, time: \"11:00\" }", "  - { month: 2, kind: task, text: Ask for success stories }"].join("\n");
    const state = modalState(modal.blocks, { source: "file", file, start: "2030-03-01", zone: "America/New_York" });
    expect((await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state } }))).status).toBe(200);
    const preview = () => s.fake.ephemerals().map((c) => c.args).find((a) => blocksText(a.blocks).includes("Confirm the plan: Pilot"));
    await expect.poll(preview, { timeout: 10_000 }).toBeTruthy();
    const confirm = slackButton(preview()!.blocks, "Confirm and create");
    expect((await s.send(blockActions({ actions: [buttonAction(confirm.action_id!, confirm.value!)] }))).status).toBe(200);
    await expect.poll(() => slackPosts("chat.postMessage").some((a) => a.channel === FAKE_IDS.general && blocksText(a.blocks).includes("Kick-off call")), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => teamsTexts().some((t) => t.includes("Kick-off call") && t.includes("{{TIME(2030-03-10T15:00:00Z)}}")), { timeout: 10_000 }).toBe(true);
  }, 60_000);
});
