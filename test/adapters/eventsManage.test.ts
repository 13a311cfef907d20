import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shortId } from "../../src/core/workflows/events/occurrences.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { FAST } from "../support/scheduling.js";
import { blocksText, startSlackApp, type SlackTestApp, slackButton } from "../support/slackApp.js";
import { blockActions, buttonAction, newTriggerId, slashCommand, viewSubmission } from "../support/slackRequests.js";
import { ADELE, MEGAN, buttonsOf, cardOf, cardText, message, post, press, shownNow, thread, type SentMessage } from "../support/teamsActivities.js";
import { linkTeamsAndSlack } from "../support/linked.js";

/**
 * Changing and cancelling events through both adapters, which know nothing of events: a community linked
 * across Teams and Slack, a monthly call scheduled in Teams, one date moved from Slack, a stale edit
 * refused, and a date cancelled from Teams with everyone told on both platforms.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
let communityId: string;
beforeAll(async () => {
  connector = await startFakeBotConnector();
  s = await startSlackApp({ options: { scheduling: FAST } });
  communityId = await linkedCommunity();
}, 30_000);
afterAll(async () => {
  await s?.stop();
  await connector?.stop();
});

const LUC = { id: FAKE_IDS.member, username: "luc", name: "luc", team_id: FAKE_IDS.teamId };

const linkedCommunity = () => linkTeamsAndSlack(s, connector);

/** Schedules a monthly call from a Teams thread; returns its id and the thread's announcement as shown now. */
async function scheduleInTeams(title: string, threadId: string) {
  const where = { place: "channel" as const, threadId, user: MEGAN };
  expect((await post(s.app.url, message(connector.serviceUrl, `event ${title} on 2030-01-10 at 15:00 Europe/Rome for 60m every month`, where))).status).toBe(200);
  await expect.poll(async () => (await s.app.deps.repos.events.upcoming(communityId, new Date())).some((e) => e.title === title)).toBe(true);
  const event = (await s.app.deps.repos.events.upcoming(communityId, new Date())).find((e) => e.title === title)!;
  const announced = () => shownNow(connector.activitiesTo(thread(threadId))).find((a) => a.attachments?.length && cardText(cardOf(a).body).includes("Going: "));
  await expect.poll(announced).toBeTruthy();
  return { id: event.id, where, announced };
}

/** Everything Teams was sent or had updated, across conversations, as a person would read it. */
const teamsText = () => connector.calls.filter((c) => c.activity?.attachments?.length).map((c) => cardText((c.activity!.attachments![0]!.content as { body?: unknown }).body));
const slackPosts = (channel: string) => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === channel);

type ModalBlock = { type: string; block_id?: string; element?: Record<string, unknown> & { type: string; initial_option?: { value: string } } };
/** What a modal submits: each input as drawn (its initial value), `typed` over it by block id. */
function modalState(blocks: ModalBlock[], typed: Record<string, string>) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of blocks.filter((x) => x.type === "input" && x.block_id && x.element)) {
    const el = b.element!;
    const v = typed[b.block_id!] ?? ((el.initial_value ?? el.initial_date ?? el.initial_time ?? el.initial_option?.value ?? null) as string | null);
    const state =
      el.type === "static_select" ? { selected_option: v ? { value: v, text: { type: "plain_text", text: v } } : null } : el.type === "datepicker" ? { selected_date: v } : el.type === "timepicker" ? { selected_time: v } : { value: v };
    values[b.block_id!] = { [String(el.action_id)]: { type: el.type, ...state } };
  }
  return { values };
}

async function openModal(text: string) {
  const opened = s.fake.callsTo("views.open").length;
  expect((await s.send(slashCommand({ text, trigger_id: newTriggerId() }))).status).toBe(200);
  await expect.poll(() => s.fake.callsTo("views.open").length).toBe(opened + 1);
  return s.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string; blocks: ModalBlock[] };
}
const submitModal = (modal: Awaited<ReturnType<typeof openModal>>, typed: Record<string, string>) =>
  s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, state: modalState(modal.blocks, typed) } }));

describe("changing and cancelling an event in a community linked across Teams and Slack", () => {
  it("moves one date of the series from Slack and both spaces see it; a stale edit is refused with the current values", async () => {
    const { id, where } = await scheduleInTeams("Monthly call", "2");
    // The second date, 14 February 2030 at 15:00 in Rome, moves to 16:30 the same day, typed in Slack.
    const modal = await openModal(`edit event ${shortId(id)} 2030-02-14`);
    expect(blocksText(modal.blocks)).toContain("Only this date");
    expect((await submitModal(modal, { "start.time": "16:30" })).status).toBe(200);
    const moved = `<!date^${Date.parse("2030-02-14T15:30:00Z") / 1000}^`;
    await expect.poll(() => slackPosts(FAKE_IDS.general).some((c) => blocksText(c.args.blocks).includes("Changed: Monthly call") && blocksText(c.args.blocks).includes(moved))).toBe(true);
    await expect.poll(() => teamsText().some((t) => t.includes("Changed: Monthly call") && t.includes("{{TIME(2030-02-14T15:30:00Z)}}")), { timeout: 10_000 }).toBe(true);

    // Slack's steward opens the series' form; Megan saves a new title in Teams meanwhile.
    const stale = await openModal(`edit event ${shortId(id)}`);
    expect((await post(s.app.url, message(connector.serviceUrl, `edit event ${shortId(id)}`, where))).status).toBe(200);
    const form = () => shownNow(connector.activitiesTo(thread("2"))).find((a) => a.attachments?.length && buttonsOf(cardOf(a)).some((b) => b.title === "Save"));
    await expect.poll(form).toBeTruthy();
    expect((await post(s.app.url, press(connector.serviceUrl, form() as SentMessage, "Save", { ...where, values: { title: "Monthly DMP call" } }))).status).toBe(200);
    await expect.poll(async () => (await s.app.deps.repos.events.get(communityId, id))?.value.title).toBe("Monthly DMP call");
    // The form held what was stored: only the title changed, the moved date kept its own time.
    const saved = (await s.app.deps.repos.events.get(communityId, id))!.value;
    expect([saved.start, saved.zone, saved.minutes, saved.recurrence, saved.changes?.map((c) => [c.at, c.start])]).toEqual(["2030-01-10T15:00", "Europe/Rome", 60, "monthly", [["2030-02-14T14:00:00Z", "2030-02-14T15:30:00Z"]]]);

    const refused = await submitModal(stale, { agenda: "Templates we use" });
    expect(refused.status).toBe(200);
    const body = (await refused.json()) as { response_action: string; view: { blocks: ModalBlock[] } };
    expect(body.response_action).toBe("update");
    const shown = blocksText(body.view.blocks);
    expect(shown).toContain("was changed by someone else after you opened this form, so nothing was saved");
    expect(shown).toContain("Changed meanwhile by someone else to: Monthly DMP call");
    const initial = (block: string) => body.view.blocks.find((b) => b.block_id === block)!.element!.initial_value;
    expect([initial("title"), initial("agenda")]).toEqual(["Monthly DMP call", "Templates we use"]);
    expect((await s.app.deps.repos.events.get(communityId, id))!.value.agenda).toBe("");
  }, 60_000);

  it("cancels a date from Teams: both spaces told, those going or maybe messaged on each platform, no reminder, answers refused", async () => {
    const { id, where, announced } = await scheduleInTeams("Orientation call", "3");
    const first = "2030-01-10T14:00:00Z";
    // Adele is going (Teams); Luc may go (Slack).
    expect((await post(s.app.url, press(connector.serviceUrl, announced()!, "Going", { ...where, user: ADELE }))).status).toBe(200);
    await expect.poll(() => cardText(cardOf(announced()).body)).toContain("Going: 1");
    const slackAnnouncement = () => slackPosts(FAKE_IDS.general).find((c) => blocksText(c.args.blocks).includes("Orientation call") && blocksText(c.args.blocks).includes("Going: "));
    await expect.poll(slackAnnouncement, { timeout: 10_000 }).toBeTruthy();
    const maybe = slackButton(slackAnnouncement()!.args.blocks, "Maybe");
    expect((await s.send(blockActions({ user: LUC, actions: [buttonAction(maybe.action_id!, maybe.value!)] }))).status).toBe(200);
    await expect.poll(() => s.app.deps.repos.events.tally(communityId, id, first)).toEqual({ going: 1, maybe: 1, no: 0 });

    // Megan cancels the first date in Teams, with a word for those who come.
    expect((await post(s.app.url, message(connector.serviceUrl, `cancel event ${shortId(id)} 2030-01-10`, where))).status).toBe(200);
    const form = () => shownNow(connector.activitiesTo(thread("3"))).find((a) => a.attachments?.length && buttonsOf(cardOf(a)).some((b) => b.title === "Cancel it"));
    await expect.poll(form).toBeTruthy();
    expect((await post(s.app.url, press(connector.serviceUrl, form() as SentMessage, "Cancel it", { ...where, values: { message: "See you in February." } }))).status).toBe(200);

    // Both spaces are told.
    await expect.poll(() => teamsText().some((t) => t.includes("Cancelled: Orientation call") && t.includes("See you in February."))).toBe(true);
    await expect.poll(() => slackPosts(FAKE_IDS.general).some((c) => blocksText(c.args.blocks).includes("Cancelled: Orientation call")), { timeout: 10_000 }).toBe(true);
    // Adele in her Teams chat and Luc in his Slack DM, each once.
    const why = "You get this because you said you would come.";
    const toAdele = () => connector.calls.filter((c) => c.conversationId?.startsWith("a:") && JSON.stringify(c.body).includes(why) && JSON.stringify(c.body).includes("Orientation call"));
    await expect.poll(() => toAdele().length, { timeout: 10_000 }).toBe(1);
    expect(JSON.stringify(toAdele()[0]!.body)).toContain(ADELE.aadObjectId);
    await expect.poll(() => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel !== FAKE_IDS.general && blocksText(c.args.blocks).includes(why)).length, { timeout: 10_000 }).toBe(1);
    const dm = s.fake.callsTo("conversations.open").find((c) => JSON.stringify(c.args).includes(FAKE_IDS.member));
    expect(dm).toBeTruthy();

    // Its reminders, run as the scheduler runs them when they come due, send nothing.
    const reminder = s.app.kernel.registry.job("events.reminder")!;
    const jobs: Array<{ key: string; dueAt: string; payload: Record<string, unknown> }> = [];
    for await (const row of s.app.scheduling.storage.tables.jobs.listEntities<{ json?: string }>()) {
      const job = row.json ? (JSON.parse(row.json) as { kind: string; key: string; dueAt: string; payload: Record<string, unknown> }) : undefined;
      if (job?.kind === "events.reminder" && job.payload.eventId === id) jobs.push(job);
    }
    const cancelled = jobs.filter((j) => j.payload.occurrence === first);
    expect(cancelled).toHaveLength(2);
    for (const job of cancelled) await s.app.kernel.runJob(reminder, job.payload, { key: job.key, dueAt: new Date(job.dueAt), lateMs: 0, signal: new AbortController().signal });
    const fanouts: string[] = [];
    for await (const row of s.app.scheduling.storage.tables.jobs.listEntities<{ json?: string }>()) fanouts.push(row.json ? (JSON.parse(row.json) as { key: string }).key : "");
    expect(fanouts.filter((key) => cancelled.some((j) => key === `reminder:${j.key}`))).toEqual([]);
    // The next date's reminder does go out, to both platforms; the cancelled date's never does.
    const february = jobs.find((j) => j.payload.occurrence === "2030-02-14T14:00:00Z" && j.payload.offset === "P1D")!;
    await s.app.kernel.runJob(reminder, february.payload, { key: february.key, dueAt: new Date(february.dueAt), lateMs: 0, signal: new AbortController().signal });
    const reminders = () => slackPosts(FAKE_IDS.general).filter((c) => blocksText(c.args.blocks).includes("Reminder: Orientation call"));
    await expect.poll(() => reminders().length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => teamsText().filter((t) => t.includes("Reminder: Orientation call")).length, { timeout: 10_000 }).toBe(1);
    expect(blocksText(reminders()[0]!.args.blocks)).toContain(`<!date^${Date.parse("2030-02-14T14:00:00Z") / 1000}^`);
    expect(teamsText().filter((t) => t.includes("Reminder: Orientation call") && t.includes(first))).toEqual([]);

    // Answering it now: a private refusal, and the announcement shows the cancellation without buttons.
    const ephemerals = s.fake.ephemerals().length;
    const going = slackButton(slackAnnouncement()!.args.blocks, "Going");
    const ts = (slackAnnouncement()!.response as { ts: string }).ts;
    const on = { container: { type: "message", message_ts: ts, channel_id: FAKE_IDS.general, is_ephemeral: false }, message: { type: "message", user: FAKE_IDS.botUserId, ts, text: "", blocks: [] } };
    expect((await s.send(blockActions({ user: LUC, ...on, actions: [buttonAction(going.action_id!, going.value!)] }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().slice(ephemerals).some((c) => blocksText(c.args.blocks).includes("is cancelled, so there is nothing to answer"))).toBe(true);
    await expect.poll(() => s.fake.callsTo("chat.update").some((c) => c.args.ts === ts && c.ok && blocksText(c.args.blocks).includes("Cancelled: Orientation call"))).toBe(true);
    const teamsAnnouncement = announced()!.id;
    const nowShown = () => shownNow(connector.activitiesTo(thread("3"))).find((a) => a.id === teamsAnnouncement);
    expect((await post(s.app.url, press(connector.serviceUrl, announced()!, "Going", { ...where, user: ADELE }))).status).toBe(200);
    await expect.poll(() => cardText(cardOf(nowShown()).body)).toContain("Cancelled: Orientation call");
    expect(buttonsOf(cardOf(nowShown()))).toEqual([]);
    expect(await s.app.deps.repos.events.tally(communityId, id, first)).toEqual({ going: 1, maybe: 1, no: 0 });
  }, 60_000);
});
