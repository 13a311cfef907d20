import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { linkTeamsAndSlack, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

import { blocksText, type SlackTestApp } from "../support/slackApp.js";
import { newTriggerId, slashCommand, viewSubmission } from "../support/slackRequests.js";
import { GENERAL, MEGAN, cardOf, cardText, message, post, press, shownNow, thread } from "../support/teamsActivities.js";

/**
 * Stories and the digest through the real adapters, in a community linked across Teams and Slack: a story is
 * shared from a Slack modal and from a Teams card; once approved, the digest reaches the Slack channel and the
 * Teams channel, its times written so each platform shows them in each reader's own zone.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

type ModalBlock = { type: string; block_id?: string; element?: Record<string, unknown> & { type: string; initial_option?: { value: string } } };
/** What a modal submits: each input as drawn (its initial value), `typed` over it by block id. */
function modalState(blocks: ModalBlock[], typed: Record<string, string>) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of blocks.filter((x) => x.type === "input" && x.block_id && x.element)) {
    const el = b.element!;
    const v = typed[b.block_id!] ?? ((el.initial_value ?? el.initial_option?.value ?? null) as string | null);
    const state = el.type === "static_select" || el.type === "radio_buttons" ? { selected_option: v ? { value: v, text: { type: "plain_text", text: v } } : null } : { value: v };
    values[b.block_id!] = { [String(el.action_id)]: { type: el.type, ...state } };
  }
  return { values };
}

describe("summaries in a community linked across Teams and Slack", () => {
  it("takes stories from a Slack modal and a Teams card, and posts the digest in both channels with times per reader", async () => {
    const communityId = await linkTeamsAndSlack(s, connector);
    const pending = async () => (await s.app.deps.repos.summaries.pendingStories(communityId)).map((p) => p.value.title).sort();

    // Slack: `/cop story` opens the form as a modal; submitting it stores the story for the stewards.
    const opened = s.fake.callsTo("views.open").length;
    expect((await s.send(slashCommand({ text: "story", trigger_id: newTriggerId() }))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(opened + 1);
    const modal = s.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string; blocks: ModalBlock[] };
    expect(modal.callback_id).toBe("summaries.story.submit");
    const state = modalState(modal.blocks, { kind: "reflection", title: "Fewer emails", body: "Questions now go to the channel.", share: "no" });
    expect((await s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state } }))).status).toBe(200);
    await expect.poll(pending, { timeout: 15_000 }).toEqual(["Fewer emails"]);

    // Teams: `story` in a channel thread shows the form as a card; its submit button sends it.
    const where = { place: "channel" as const, threadId: "4", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, "story", where))).status).toBe(200);
    const form = () => connector.activitiesTo(thread("4")).find((a) => a.attachments?.length && cardText(cardOf(a).body).includes("What happened, or what changed"));
    await expect.poll(form).toBeTruthy();
    const values = { kind: "success", title: "Checklist adopted", body: "Three labs use the shared checklist.", link: "https://example.org/checklist", share: "yes" };
    expect((await post(s.app.url, press(connector.serviceUrl, form()!, "Send to the stewards", { ...where, values }))).status).toBe(200);
    await expect.poll(pending, { timeout: 15_000 }).toEqual(["Checklist adopted", "Fewer emails"]);

    // The stewards approve both (their buttons are driven in the integration tests).
    for (const { value, etag } of await s.app.deps.repos.summaries.pendingStories(communityId)) {
      await s.app.deps.repos.summaries.decideStory({ ...value, status: "approved", decidedBy: value.author, decidedByName: "A steward", decidedAt: new Date().toISOString() }, etag);
    }

    // Megan turns the digest on from Teams; its occurrence is run now rather than next week.
    expect((await post(s.app.url, message(connector.serviceUrl, "digest weekly on monday at 09:00 Europe/Rome", where))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.summaries.schedule(communityId))?.value.on).toBe(true);
    const { series } = (await s.app.deps.repos.summaries.schedule(communityId))!.value;
    const dueAt = new Date(Date.now() + 1000);
    await s.app.kernel.runJob(s.app.kernel.registry.job("summaries.digest")!, { communityId, series }, { key: "digest-now", dueAt, lateMs: 0, signal: new AbortController().signal });

    const inSlack = () => s.fake.callsTo("chat.postMessage").filter((c) => c.ok && c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("What's new in"));
    await expect.poll(() => inSlack().length, { timeout: 20_000 }).toBe(1);
    const slackText = blocksText(inSlack()[0]!.args.blocks);
    expect(slackText).toContain("Reflection *Fewer emails*");
    expect(slackText).toContain("Success story *Checklist adopted*");
    // Slack shows the instant in each reader's zone.
    expect(slackText).toMatch(/since <!date\^\d+\^\{date_long_pretty\} \{time\}\|/);

    const inTeams = () => shownNow(connector.activitiesTo(GENERAL.id)).filter((a) => a.attachments?.length && cardText(cardOf(a).body).includes("What's new in"));
    await expect.poll(() => inTeams().length, { timeout: 20_000 }).toBe(1);
    const teamsText = cardText(cardOf(inTeams()[0]).body);
    expect(teamsText).toContain("Checklist adopted");
    expect(teamsText).toContain("Fewer emails");
    // Teams shows it in each reader's zone too (Adaptive Card date functions).
    expect(teamsText).toMatch(/since \{\{DATE\([0-9T:-]+Z, LONG\)\}\} \{\{TIME\([0-9T:-]+Z\)\}\}/);
  }, 60_000);
});
