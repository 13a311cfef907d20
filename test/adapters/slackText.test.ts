/**
 * What people type reaches Slack as they typed it: markup characters shown, not applied; invisible controls
 * gone; long text cut only where it is safe, saying so; and every command named as it is typed in Slack.
 * Real signed requests at the real server, answers read from the fake Web API.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { newTriggerId, slashCommand, viewSubmission } from "../support/slackRequests.js";

let s: SlackTestApp;
beforeAll(async () => {
  s = await startSlackApp();
});
afterAll(async () => {
  await s?.stop();
});
beforeEach(() => s.fake.reset());

type Call = { args: Record<string, unknown> };
type Field = { type: string; text: string };
type Block = { type: string; block_id?: string; text?: Field; fields?: Field[] };

/** A date token with an invalid format: Slack shows its fallback (after the `|`) as plain, unformatted text. */
const INERT = /<!date\^\d+\^[^|>]*\|([^>]*)>/g;
/** What Slack shows for a mrkdwn text: inert tokens as their fallback, entities decoded, zero-width spaces unseen. */
const shown = (mrkdwn: string) => mrkdwn.replace(INERT, "$1").replace(/\u200b/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
/** The characters Slack could still read as formatting: everything outside the inert tokens. */
const formattable = (mrkdwn: string) => mrkdwn.replace(INERT, "");
/** Every string Slack reads in a message: its `text` and every text object of its blocks. */
const stringsOf = (call: Call) => [String(call.args.text), ...blocksText(call.args.blocks).split("\n")];
// eslint-disable-next-line no-control-regex -- NUL is exactly what must not get through.
const INVISIBLE = /[\u0000\u202A-\u202E\u2066-\u2069]/;

/** state.values of the setup modal as Slack sends it. */
function formState(values: Record<string, string | string[]>) {
  const text = (value: unknown) => ({ value: { type: "plain_text_input", value: typeof value === "string" ? value : null } });
  const purposes = (values.purposes as string[] | undefined) ?? ["learning"];
  return {
    values: {
      ...Object.fromEntries(["name", "domain", "audience", "goals", "outcomes", "participation", "contribution", "conflictResolution"].map((f) => [f, text(values[f])])),
      purposes: { value: { type: "checkboxes", selected_options: purposes.map((p) => ({ value: p, text: { type: "plain_text", text: p } })) } },
    },
  };
}

async function openSetup(channel: string) {
  await s.send(slashCommand({ text: "setup", channel_id: channel, trigger_id: newTriggerId() }));
  await expect.poll(() => s.fake.callsTo("views.open").length).toBe(1);
  return s.fake.callsTo("views.open")[0]!.args.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
}

const submit = (modal: { callback_id: string; private_metadata: string; blocks: unknown[] }, values: Record<string, string | string[]>) =>
  s.send(viewSubmission({ view: { callback_id: modal.callback_id, private_metadata: modal.private_metadata, blocks: modal.blocks, state: formState(values) } }));

const postsTo = (channel: string) => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === channel);
const fieldsOf = (call: Call) => (call.args.blocks as Block[]).flatMap((b) => b.fields ?? []);
const fieldValue = (call: Call, label: string) => {
  const field = fieldsOf(call).find((f) => f.text.startsWith(`*${label}*\n`));
  if (!field) throw new Error(`no ${label} in ${blocksText(call.args.blocks).slice(0, 500)}`);
  return field.text.slice(label.length + 3);
};

function channel(id: string) {
  s.fake.setChannel({ id, name: id.toLowerCase(), members: [FAKE_IDS.botUserId, FAKE_IDS.facilitator, FAKE_IDS.member] });
  return id;
}

describe("what people typed, in the charter Slack shows", () => {
  const DOMAIN = "*bold* _italic_ ~struck~ `code` snake_case_name 2*3*4";
  const AUDIENCE = "people who write **markdown**, ```fences``` & <html>";
  // A right-to-left override makes "gnp.exe" read as "exe.png"; NUL and isolates are invisible too.
  const NAME = "Q&A \u202Egnp.exe\u202C Stewards\u0000 \u2066CoP\u2069";

  it("shows *, _, ~ and backticks as typed, and strips bidi overrides and NUL", async () => {
    const where = channel("C0MARKUP1");
    const modal = await openSetup(where);
    const res = await submit(modal, { name: NAME, domain: DOMAIN, audience: AUDIENCE, goals: "Write *the* guide\n_Share_ ~practice~" });
    expect(res.status).toBe(200);
    await expect.poll(() => postsTo(where).length).toBe(1);
    const charter = postsTo(where)[0]!;

    for (const [label, typed] of [["Domain", DOMAIN], ["Audience", AUDIENCE]] as const) {
      const value = fieldValue(charter, label);
      expect(shown(value)).toBe(typed);
      expect(formattable(value)).not.toMatch(/[*_~`]/);
    }
    const goals = (charter.args.blocks as Block[]).map((b) => b.text?.text ?? "").find((t) => t.startsWith("*Goals*"))!;
    expect(shown(goals)).toBe("*Goals*\n• Write *the* guide\n• _Share_ ~practice~");
    expect(formattable(goals.slice("*Goals*".length))).not.toMatch(/[*_~`]/);

    // Nothing invisible anywhere a person reads: the channel's post, the notification text, the confirmation.
    const confirmation = s.fake.ephemerals()[0]!;
    for (const call of [charter, confirmation]) for (const text of stringsOf(call)) expect(text).not.toMatch(INVISIBLE);
    // The heading is plain_text, which Slack shows as is.
    expect((charter.args.blocks as Block[])[0]).toMatchObject({ type: "header", text: { type: "plain_text", text: "Q&A gnp.exe Stewards CoP" } });
    const stored = await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${where}`);
    expect((await s.app.deps.repos.communities.get(stored!.communityId))?.value.charter.name).toBe("Q&A gnp.exe Stewards CoP");
  });
});

describe("commands as they are typed in Slack", () => {
  /** Every "Type …" a message says, with what follows it. */
  const typeInstructions = (call: Call) => stringsOf(call).flatMap((t) => [...t.matchAll(/\bType (\S+ \S+)/g)].map((m) => m[1]!));

  it("names commands as /cop … in every answer and its notification text, never a bare word or a note about cards", async () => {
    const where = channel("C0PHRASE1");
    // Each answer before the next command: Slack has its ack before a command runs, so two may answer in either order.
    await s.send(slashCommand({ text: "roles", channel_id: where }));
    await expect.poll(() => s.fake.ephemerals().length).toBe(1);
    await s.send(slashCommand({ text: "frobnicate", channel_id: where }));
    await expect.poll(() => s.fake.ephemerals().length).toBe(2);
    const modal = await openSetup(where);
    await submit(modal, { name: "Phrasing CoP", domain: "plain language", audience: "writers" });
    await expect.poll(() => s.fake.ephemerals().length).toBe(3);
    await s.send(slashCommand({ text: "help", channel_id: where }));
    await expect.poll(() => s.fake.ephemerals().length).toBe(4);

    const [noCommunity, unknown, created, help] = s.fake.ephemerals();
    expect(String(noCommunity!.args.text)).toBe("This space is not part of a community yet. Type /cop setup to create one, or /cop link CODE with a code from a facilitator.");
    expect(String(unknown!.args.text)).toBe('I did not understand "frobnicate". Type /cop help to see what I can do.');
    expect(String(created!.args.text)).toBe("Phrasing CoP is set up in this space, and you are its facilitator. Type /cop charter to see it, or /cop help for what comes next.");
    expect(blocksText(created!.args.blocks)).toContain("Type `/cop charter` to see it, or `/cop help`");
    expect(blocksText(help!.args.blocks)).toContain("`/cop charter`");
    expect(blocksText(help!.args.blocks)).toContain("`/cop assign ROLE @person`");

    const everything = [...s.fake.ephemerals(), ...s.fake.callsTo("chat.postMessage")];
    for (const call of everything) {
      for (const said of typeInstructions(call)) expect(said).toMatch(/^`?\/cop /);
      for (const text of stringsOf(call)) expect(text).not.toMatch(/client that shows cards|open this message in/i);
    }
  });
});

describe("long text", () => {
  it("refuses a field typed over its limit with the limit, beside the field, and stores nothing", async () => {
    const where = channel("C0LONG001");
    const modal = await openSetup(where);
    const res = await submit(modal, { name: "Long CoP", domain: "d", audience: "a", participation: "R&D ".repeat(800) });
    expect(await res.json()).toEqual({ response_action: "errors", errors: { participation: "Too long: 3199 characters, at most 1000." } });
    expect(await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${where}`)).toBeUndefined();
  });

  it("cuts a 3,000-character field between entities, says it was shortened, and shows or counts every goal", async () => {
    const where = channel("C0LONG002");
    const goals = Array.from({ length: 10 }, (_, i) => `Goal ${i + 1}: ${"R&D ".repeat(47)}`.trim());
    // Each outcome is mostly formatting characters, each kept literal by a token of its own: far longer in mrkdwn.
    const outcomes = Array.from({ length: 10 }, (_, i) => `Outcome ${i + 1} ${"*x".repeat(90)}`);
    // 1,000 characters typed; 3,000 once each & is written &amp;.
    const participation = "&x".repeat(500);
    const modal = await openSetup(where);
    const res = await submit(modal, { name: "Long CoP", domain: "d", audience: "a", goals: goals.join("\n"), outcomes: outcomes.join("\n"), participation });
    expect(res.status).toBe(200);
    await expect.poll(() => postsTo(where).length).toBe(1);
    const charter = postsTo(where)[0]!;
    expect(charter).toMatchObject({ ok: true });

    // No entity is split: every & starts one.
    for (const text of stringsOf(charter)) expect(text.replace(/&(amp|lt|gt);/g, "")).not.toContain("&");
    const guideline = fieldValue(charter, "Participation guideline");
    expect(guideline.length).toBeLessThanOrEqual(2_000 - "*Participation guideline*\n".length);
    expect(guideline).toMatch(/^(&amp;x)+(&amp;)?…\n\(shortened: the full text did not fit in one message\)$/);

    // Every goal is there, in order, across as many sections as it takes.
    const text = shown(blocksText(charter.args.blocks));
    const at = goals.map((g) => text.indexOf(g));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // Outcomes that do not fit are counted, never dropped without a word.
    const shownOutcomes = outcomes.filter((o) => text.includes(o));
    expect(shownOutcomes.length).toBeGreaterThan(0);
    expect(shownOutcomes).toEqual(outcomes.slice(0, shownOutcomes.length));
    const counted = Number(/…and (\d+) more\./.exec(text)?.[1] ?? 0);
    expect(shownOutcomes.length + counted).toBe(outcomes.length);
  });
});
