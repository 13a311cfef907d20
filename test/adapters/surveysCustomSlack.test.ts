import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { blockActions, buttonAction, newTriggerId, slashCommand, viewSubmission } from "../support/slackRequests.js";

/** A custom survey written in a real Slack modal, refused with field errors, then announced, answered and tallied. */
let s: SlackTestApp;
beforeAll(async () => {
  s = await startSlackApp();
});
afterAll(async () => {
  await s?.stop();
});

type ModalBlock = { type?: string; block_id?: string; element?: { type?: string; initial_value?: string; options?: Array<{ value: string; text: { text: string } }> } };
type Modal = { callback_id: string; private_metadata: string; blocks: ModalBlock[] };

/** The state Slack sends for a submitted modal: each input's element type with what a person picked or typed. */
function modalState(blocks: ModalBlock[], values: Record<string, string | string[]>) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of blocks) {
    if (!block.block_id || !block.element?.type) continue;
    const value = values[block.block_id];
    const type = block.element.type;
    const option = (v: string) => ({ value: v, text: { type: "plain_text", text: v } });
    state[block.block_id] = {
      value:
        type === "static_select" || type === "radio_buttons"
          ? { type, selected_option: typeof value === "string" ? option(value) : null }
          : type === "checkboxes" || type === "multi_static_select"
            ? { type, selected_options: (Array.isArray(value) ? value : []).map(option) }
            : type === "datepicker"
              ? { type, selected_date: typeof value === "string" ? value : null }
              : type === "timepicker"
                ? { type, selected_time: typeof value === "string" ? value : null }
                : { type, value: typeof value === "string" ? value : null },
    };
  }
  return { values: state };
}

const SETUP = { name: "Data Stewards CoP", domain: "research data management", audience: "data stewards in partner universities", purposes: ["learning"], goals: "Share practice" };

async function openModal(text: string, user = FAKE_IDS.facilitator): Promise<Modal> {
  const before = s.fake.callsTo("views.open").length;
  expect((await s.send(slashCommand({ text, user_id: user, trigger_id: newTriggerId() }))).status).toBe(200);
  await expect.poll(() => s.fake.callsTo("views.open").length).toBe(before + 1);
  return s.fake.callsTo("views.open").at(-1)!.args.view as Modal;
}
const FAY: { id: string; username: string; name: string; team_id: string } = { id: FAKE_IDS.facilitator, username: "fay", name: "fay", team_id: FAKE_IDS.teamId };
const submit = async (modal: Modal, values: Record<string, string | string[]>, user = FAY) =>
  s.send(viewSubmission({ user, view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, blocks: modal.blocks, state: modalState(modal.blocks, values) } }));

describe("a custom survey written in a Slack modal", () => {
  it("shows bad definitions as field errors with everything kept, then is announced, answered in a modal of its questions and tallied", async () => {
    const setup = await openModal("setup");
    expect((await submit(setup, SETUP)).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("chat.postMessage").some((c) => c.args.channel === FAKE_IDS.general)).toBe(true);

    const modal = await openModal("custom survey");
    const deadline = { "deadline.date": new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), "deadline.time": "12:00", "deadline.zone": "Europe/Rome" };
    const good = { title: "Spring series", intro: "Three questions.", questions: "How useful was it? | rating\nWhich day suits? | single | Tue; Wed\nAnything else? | text 300 | optional", privacy: "anonymous", visibility: "live", audience: "community", ...deadline };

    // A duplicate option: Slack keeps the modal open with the error under the field, and what was typed stays in it.
    const refused = await submit(modal, { ...good, questions: "Which day suits? | single | Tue; tue" });
    expect(refused.status).toBe(200);
    const answer = (await refused.json()) as { response_action: string; errors?: Record<string, string>; view?: { blocks: ModalBlock[] } };
    expect(answer.response_action).toBe("errors");
    expect(answer.errors).toEqual({ questions: "Line 1: the option tue is there twice." });
    const past = (await (await submit(modal, { ...good, "deadline.date": "2020-01-01" })).json()) as { response_action: string; errors?: Record<string, string> };
    expect(past).toMatchObject({ response_action: "errors", errors: { "deadline.date": expect.stringMatching(/already passed/) } });
    expect(await s.app.deps.repos.surveys.open((await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`))!.communityId)).toEqual([]);

    expect((await submit(modal, good)).status).toBe(200);
    const announced = () => s.fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes("Spring series"));
    await expect.poll(announced, { timeout: 10_000 }).toBeTruthy();
    expect(blocksText(announced()!.args.blocks)).toContain("Three questions.");

    // Luc presses Answer: a modal of the survey's own questions, which he submits.
    const button = (announced()!.args.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string; text?: { text?: string } }> }>).flatMap((b) => b.elements ?? []).find((e) => e.text?.text === "Answer")!;
    const luc = { id: FAKE_IDS.member, username: "luc", name: "luc", team_id: FAKE_IDS.teamId };
    const opened = s.fake.callsTo("views.open").length;
    expect((await s.send(blockActions({ user: luc, actions: [buttonAction(button.action_id!, button.value!)] }))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.open").length).toBe(opened + 1);
    const form = s.fake.callsTo("views.open").at(-1)!.args.view as Modal;
    expect(blocksText(form.blocks)).toContain("How useful was it?");
    expect(blocksText(form.blocks)).toContain("Which day suits?");
    expect((await submit(form, { q1: "4", q2: "1", q3: "More case studies" }, luc)).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().some((c) => c.args.user === FAKE_IDS.member && `${blocksText(c.args.blocks)} ${String(c.args.text)}`.includes("recorded without your name"))).toBe(true);

    // The results, live: the answer from the modal is counted.
    expect((await s.send(slashCommand({ text: `results ${String(JSON.parse(button.value!).survey ?? "")}`, user_id: FAKE_IDS.member }))).status).toBe(200);
    const results = () => s.fake.ephemerals().find((c) => c.args.user === FAKE_IDS.member && blocksText(c.args.blocks).includes("Results so far: Spring series"));
    await expect.poll(results).toBeTruthy();
    expect(blocksText(results()!.args.blocks)).toContain("Average 4 out of 5");
    expect(blocksText(results()!.args.blocks)).toContain("Wed: 1 (100%)");
    expect(blocksText(results()!.args.blocks)).toContain("More case studies");
  }, 30_000);
});
