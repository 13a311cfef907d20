import type { types as Slack, ViewStateValue } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { Block, Card, FormBlock } from "../../src/core/kernel/card.js";
import { esc } from "../../src/core/kernel/text.js";
import { SLACK_LIMITS as L } from "../../src/slack/limits.js";
import { renderHome } from "../../src/slack/render/card/home.js";
import { actionVerb, renderWords } from "../../src/slack/render/card/kit.js";
import { BLOCK_RENDERERS, renderMessage } from "../../src/slack/render/card/message.js";
import { FIELD_RENDERERS, modalErrors, readModal, renderModal, type ViewStateValues } from "../../src/slack/render/card/modal.js";
import { mrkdwn } from "../../src/slack/render/card/mrkdwn.js";
import { blockProblems, checkView } from "../support/fakeSlackBlockKit.js";

const snapshot = (value: unknown, name: string) => expect(JSON.stringify(value, null, 2) + "\n").toMatchFileSnapshot(`./__snapshots__/slackRender/${name}.json`);
const json = (value: unknown) => JSON.stringify(value);

/** What Slack shows for mrkdwn: inert date tokens become their fallback, entities their characters. */
const INERT = /<!date\^00000000\^\{_\}\|([^>]*)>/g;
const shown = (text: string) => text.replace(INERT, "$1").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
/** The formatting characters Slack could pair: everything outside inert tokens. */
const pairable = (text: string) => text.replace(INERT, "").replace(/[^*_~`]/g, "");

const FORM = FormBlock.parse({
  type: "form", verb: "event.create", title: "New event", submitLabel: "Create", cancelLabel: "Cancel", token: "sealed.token.abc",
  error: "Please **check** the fields below.",
  reopen: { label: "Open the form", verb: "event.create.open", data: { community: "c1" } },
  fields: [
    { name: "title", kind: "shortText", label: "Title", hint: "Up to 80 characters.", placeholder: "Monthly webinar", required: true, max: 80, value: "Data *stewardship* & you" },
    { name: "agenda", kind: "longText", label: "Agenda", value: "Intro\nTalk\nQ&A" },
    { name: "seats", kind: "number", label: "Seats", min: 1, max: 500, value: "40" },
    { name: "format", kind: "choice", label: "Format", value: "online", choices: [{ value: "online", label: "Online" }, { value: "room", label: "In a room" }] },
    { name: "topics", kind: "multiChoice", label: "Topics", value: ["fair", "ethics"], choices: ["fair", "ethics", "tools"].map((v) => ({ value: v, label: v.toUpperCase() })) },
    { name: "tags", kind: "multiChoice", label: "Tags", value: ["t3"], choices: Array.from({ length: 12 }, (_, i) => ({ value: `t${i}`, label: `Tag ${i}` })) },
    { name: "day", kind: "date", label: "Day", value: "2026-05-01" },
    { name: "at", kind: "time", label: "At", value: "14:30" },
    { name: "starts", kind: "dateTime", label: "Starts", value: "2026-05-01T14:30", zone: "Europe/Rome", error: "Enter a date (YYYY-MM-DD) and a time (HH:MM)." },
    { name: "link", kind: "url", label: "Join link", value: "https://meet.example/abc?x=1&y=2" },
    { name: "host", kind: "person", label: "Host", value: "U0123ABCD" },
  ],
});

/** One card with every block kind, as a presenter would write it (people's text through esc()). */
const CARD = Card.parse({
  title: "Data Stewards CoP: snake_case_name",
  summary: `**${esc("Ana <Duarte>")}** posted an update to _Data Stewards_.`,
  tone: "success",
  blocks: [
    { type: "text", text: "Welcome to **Data Stewards**. See [the guide](https://example.org/guide?a=1&b=2).", tone: "info" },
    { type: "text", text: "Upcoming", style: "heading" },
    { type: "text", text: `Typed: ${esc("*Ana* snake_case_name ~x~ `rm`")}`, style: "subtle" },
    { type: "facts", facts: [{ label: "Status", value: "**Launched**" }, { label: "`/cop charter`", value: "Shows the charter" }, { label: "Domain", value: esc("R&D <data>") }] },
    { type: "list", heading: "Goals", items: ["Share practice", esc("Build *one* catalogue")], omitted: 2 },
    { type: "list", heading: "Resources", items: [], empty: "Nothing shared yet." },
    { type: "table", columns: ["Name", "Role"], rows: [["Ana", "facilitator"], ["Ben <Okafor>", "member"]], omitted: 1 },
    { type: "chart", kind: "bar", title: "Answers", categories: ["Yes", "No", "Maybe"], series: [{ name: "Votes", values: [12, 6, 12] }], alt: "12 yes, 6 no, 12 maybe." },
    { type: "image", url: "https://example.org/photo.png", alt: "The group at the kick-off" },
    { type: "context", texts: ["Updated by **Ana**", esc("#cop-general")] },
    { type: "actions", actions: [{ label: "Yes", verb: "survey.answer", data: { q: 1, a: "yes" }, style: "primary" }, { label: "No", verb: "survey.answer", data: { q: 1, a: "no" } }, { label: "Leave", verb: "member.leave", style: "danger" }] },
    FORM,
  ],
});

const textBlock = (text: string): Card => Card.parse({ title: "T", summary: "S", blocks: [{ type: "text", text }] });
const sectionText = (card: Card, at = 1) => (renderMessage(card).blocks[at] as Slack.SectionBlock).text!.text;

describe("Slack card renderer", () => {
  it("has one renderer per card block kind and per form field kind", () => {
    const kinds = Block.options.map((o) => o.shape.type.value);
    expect(Object.keys(BLOCK_RENDERERS).sort()).toEqual([...kinds].sort());
    expect(Object.keys(FIELD_RENDERERS)).toHaveLength(10);
  });

  it("renders every block kind as valid Block Kit", async () => {
    const message = renderMessage(CARD);
    expect(blockProblems(message.blocks, "message", "/blocks")).toEqual([]);
    expect(message.text).toBe("Ana &lt;Duarte&gt; posted an update to Data Stewards.");
    expect(message.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: ":white_check_mark: Data Stewards CoP: snake_case_name", emoji: true } });
    const all = json(message.blocks);
    expect(all).toContain("▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇ 12 (40%)");
    expect(all).toContain("…and 1 more.");
    expect(all).toContain("…and 2 more.");
    expect(all).toContain('"alt_text":"The group at the kick-off"');
    expect(all).toContain('"action_id":"event.create.open"');
    // Slack's automatic parsing would make a typed @here or #channel live: every mrkdwn object is verbatim.
    expect(all.match(/"type":"mrkdwn"/g)!.length).toBe(all.match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*","verbatim":true/g)!.length);
    await snapshot(message, "message");
  });

  it("renders the same card as a Home tab within the view's limits", async () => {
    const home = renderHome(CARD);
    expect(checkView(home, ["home"])).toEqual({ ok: true });
    const big = renderHome(Card.parse({ title: "Home", summary: "S", blocks: Array.from({ length: 300 }, (_, i) => ({ type: "text", text: `Part ${i}` })) }));
    expect(big.blocks).toHaveLength(L.view.blocks);
    expect(checkView(big, ["home"])).toEqual({ ok: true });
    await snapshot(home, "home");
  });

  describe("mrkdwn", () => {
    it("keeps the catalog's markup and shows people's text exactly as typed, never formatted", () => {
      for (const typed of ["*Ana*", "snake_case_name", "~x~", "`rm`", "_hi_ *there* ~~a~~ ```b```"]) {
        const out = mrkdwn(`**Team**: ${esc(typed)}`);
        expect(out.startsWith("*Team*: ")).toBe(true);
        expect(pairable(out)).toBe("**");
        expect(shown(out)).toBe(`*Team*: ${typed}`);
      }
      expect(mrkdwn("_italic_ and `code`")).toBe("_italic_ and `code`");
      expect(mrkdwn(`**${esc("*Ana*")}**`)).toBe("*<!date^00000000^{_}|*>Ana<!date^00000000^{_}|*>*");
    });

    it("escapes &, < and > everywhere, so no mention or link can be injected", () => {
      const out = mrkdwn(esc("<!channel> & <https://evil.example|click> &amp;"));
      expect(out).toBe("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; &amp;amp;");
      expect(mrkdwn("[a & b](https://x.example/?a=1&b=2|3)")).toBe("<https://x.example/?a=1&amp;b=2%7C3|a &amp; b>");
      expect(mrkdwn(`[${esc("*x*")}](https://x.example)`)).toBe("<https://x.example|\u2217x\u2217>");
      expect(mrkdwn("[run](javascript:void)")).toBe("run");
    });

    it("strips bidi overrides and NUL, and keeps a typed > from opening a quote", () => {
      expect(mrkdwn(esc("a\u202Eb\u0000c\u2066d"))).toBe("abcd");
      expect(mrkdwn(esc("> quoted\nnot > quoted"))).toBe("\u00ad&gt; quoted\nnot &gt; quoted");
    });

    it("puts a word boundary around markup inside a word (CJK, compounds)", () => {
      expect(mrkdwn("名前**太郎**です")).toBe("名前\u200b*太郎*\u200bです");
      expect(mrkdwn("a **b** c")).toBe("a *b* c");
    });

    it("gives plain_text fields plain words", () => {
      const { blocks } = renderMessage(Card.parse({ title: "snake_case_name **x**", summary: "S", blocks: [{ type: "actions", actions: [{ label: "Say *hi*", verb: "v" }] }] }));
      expect(json(blocks)).toContain('"text":"snake_case_name **x**"');
      expect(json(blocks)).toContain('"text":"Say *hi*"');
    });
  });

  describe("limits", () => {
    it("cuts long text between entities and says it was cut", () => {
      const text = sectionText(textBlock(esc("a&<".repeat(2_000))));
      expect(text.length).toBeLessThanOrEqual(L.section.text);
      expect(text).toMatch(/…\n\(shortened: the full text did not fit in one message\)$/);
      expect(text.replace(/&(amp|lt|gt);/g, "")).not.toMatch(/[&<>]/);
    });

    it("never cuts inside a link, an inert token or a grapheme", () => {
      const links = sectionText(textBlock("[label](https://example.org/a) ".repeat(200)));
      expect(links.split("<").length).toBe(links.split(">").length);
      expect(links).not.toMatch(/<[^>]*$/m);
      const inert = sectionText(textBlock(esc("*_".repeat(1_000))));
      expect(inert.replace(INERT, "")).not.toMatch(/[<>]/);
      const family = "👩‍👩‍👧‍👦";
      const emoji = sectionText(textBlock(family.repeat(1_000)));
      expect(emoji.split("…")[0]!.replaceAll(family, "")).toBe("");
    });

    it("keeps every plain_text field inside its limit", () => {
      const long = "x".repeat(5_000);
      const card = Card.parse({ title: long, summary: long.repeat(10), blocks: [{ type: "actions", actions: [{ label: long, verb: "v" }] }, { type: "image", url: "https://e.example/i.png", alt: long }] });
      const { text, blocks } = renderMessage(card);
      expect(blockProblems(blocks, "message", "/blocks")).toEqual([]);
      expect(text.length).toBeLessThanOrEqual(L.message.textRecommended);
    });

    it("lists what fits and counts the rest with the presenter's own omissions", () => {
      const items = Array.from({ length: 2_000 }, (_, i) => `Item ${i} ${esc("<x>")}`);
      const { blocks } = renderMessage(Card.parse({ title: "T", summary: "S", blocks: [{ type: "list", items, omitted: 5 }] }));
      expect(blockProblems(blocks, "message", "/blocks")).toEqual([]);
      const shownItems = json(blocks).split("• ").length - 1;
      expect(json(blocks.at(-1))).toContain(`…and ${(2_005 - shownItems).toLocaleString("en")} more.`);
    });

    it("splits facts ten to a section and keeps buttons when parts must go", () => {
      const facts = Array.from({ length: 25 }, (_, i) => ({ label: `L${i}`, value: `V${i}` }));
      const parts = Array.from({ length: 80 }, (_, i) => ({ type: "text", text: `Part ${i}` }));
      const card = Card.parse({ title: "T", summary: "S", blocks: [{ type: "facts", facts }, ...parts, { type: "actions", actions: [{ label: "Go", verb: "go" }] }] });
      const { blocks } = renderMessage(card);
      expect(blocks).toHaveLength(L.message.blocks);
      expect(blocks.slice(1, 4).map((b) => (b as Slack.SectionBlock).fields!.length)).toEqual([10, 10, 5]);
      expect(blocks.at(-2)!.type).toBe("actions");
      expect(json(blocks.at(-1))).toContain("…and 36 more parts that did not fit in one message.");
      expect(blockProblems(blocks, "message", "/blocks")).toEqual([]);
    });

    it("says what was left out in the reader's language", () => {
      const card = Card.parse({ title: "T", summary: "S", blocks: [{ type: "list", items: ["a"], omitted: 3 }] });
      expect(json(renderMessage(card, renderWords("qps")).blocks)).not.toContain("…and 3 more.");
    });

    it("refuses button data it would have to cut", () => {
      const card = Card.parse({ title: "T", summary: "S", blocks: [{ type: "actions", actions: [{ label: "Go", verb: "go", data: { x: "y".repeat(2_000) } }] }] });
      expect(() => renderMessage(card)).toThrow(/2000/);
    });
  });

  it("makes repeated verbs unique within the block, and reads the verb back", () => {
    const verbs = ["vote", "vote", "skip", "vote"].map((verb) => ({ label: verb, verb, data: { n: 1 } }));
    const { blocks } = renderMessage(Card.parse({ title: "T", summary: "S", blocks: [{ type: "actions", actions: verbs }] }));
    const ids = (blocks[1] as Slack.ActionsBlock).elements.map((e) => (e as Slack.Button).action_id!);
    expect(ids).toEqual(["vote", "vote#2", "skip", "vote#3"]);
    expect(ids.map(actionVerb)).toEqual(["vote", "vote", "skip", "vote"]);
    expect((blocks[1] as Slack.ActionsBlock).elements.map((e) => (e as Slack.Button).value)).toEqual(Array(4).fill('{"n":1}'));
  });
});

type Option = { text: Slack.PlainTextElement; value: string };
/** The parts of an input element a submission echoes. */
interface Drawn {
  type: string;
  action_id: string;
  initial_value?: string;
  initial_option?: Option;
  initial_options?: Option[];
  initial_date?: string;
  initial_time?: string;
  initial_user?: string;
}

/** A view_submission state for a modal left as drawn: each input's initial value, as Slack would send it back. */
function submitted(view: Slack.ModalView): ViewStateValues {
  const values: ViewStateValues = {};
  for (const block of view.blocks as Slack.KnownBlock[]) {
    if (block.type !== "input") continue;
    const e = block.element as unknown as Drawn;
    const option = (o: Option) => ({ text: o.text, value: o.value });
    const state: ViewStateValue = { type: e.type };
    if (["plain_text_input", "url_text_input", "number_input"].includes(e.type)) state.value = e.initial_value ?? null;
    if (e.type === "static_select") state.selected_option = e.initial_option ? option(e.initial_option) : null;
    if (e.type === "checkboxes" || e.type === "multi_static_select") state.selected_options = (e.initial_options ?? []).map(option);
    if (e.type === "datepicker") state.selected_date = e.initial_date ?? null;
    if (e.type === "timepicker") state.selected_time = e.initial_time ?? null;
    if (e.type === "users_select") state.selected_user = e.initial_user ?? null;
    values[block.block_id!] = { [e.action_id]: state };
  }
  return values;
}

describe("Slack modal", () => {
  const intro = [Block.parse({ type: "text", text: "Tell the community **when** it meets." })];

  it("renders every field kind as a valid modal", async () => {
    const modal = renderModal(FORM, intro);
    expect(checkView(modal, ["modal"])).toEqual({ ok: true });
    expect(modal).toMatchObject({ callback_id: "event.create", private_metadata: "sealed.token.abc", title: { text: "New event" }, submit: { text: "Create" }, close: { text: "Cancel" } });
    const types = (modal.blocks as Slack.KnownBlock[]).map((b) => (b.type === "input" ? `${b.block_id}:${b.element.type}` : b.type));
    expect(types).toEqual([
      "section", "section", "title:plain_text_input", "agenda:plain_text_input", "seats:number_input", "format:static_select", "topics:checkboxes",
      "tags:multi_static_select", "day:datepicker", "at:timepicker", "starts.date:datepicker", "starts.time:timepicker", "starts.zone:plain_text_input",
      "link:url_text_input", "host:users_select",
    ]);
    expect(json(modal)).not.toContain("max_length");
    expect(json(modal.blocks[10])).toContain("Enter a date (YYYY-MM-DD)");
    await snapshot(modal, "modal");
  });

  it("reads a submission back into the raw values for every field kind", () => {
    const raw = readModal(FORM, submitted(renderModal(FORM, intro)));
    for (const field of FORM.fields) expect(raw[field.name], field.name).toEqual(field.value);
    expect(raw).toMatchObject({ "starts.date": "2026-05-01", "starts.time": "14:30", "starts.zone": "Europe/Rome" });
  });

  it("leaves out empty initial values and reads an untouched form as empty", () => {
    const empty = FormBlock.parse({ ...FORM, error: "", fields: FORM.fields.map((f) => ({ ...f, value: f.kind === "multiChoice" ? [] : "", zone: "", error: "" })) });
    const modal = renderModal(empty, []);
    expect(checkView(modal, ["modal"])).toEqual({ ok: true });
    expect(json(modal)).not.toMatch(/"initial_/);
    const raw = readModal(empty, submitted(modal));
    for (const field of empty.fields) expect(raw[field.name], field.name).toEqual(field.kind === "multiChoice" ? [] : "");
  });

  it("keeps a value Slack would refuse out of its picker rather than fail to open", () => {
    const odd = FormBlock.parse({ ...FORM, fields: [{ name: "seats", kind: "number", label: "Seats", max: 10, value: "40" }, { name: "day", kind: "date", label: "Day", value: "soon" }] });
    expect(json(renderModal(odd, []))).not.toMatch(/"initial_/);
  });

  it("keys field errors by block id: a dateTime's under its date, stray ones under the first field", () => {
    expect(modalErrors({ starts: "Enter a date.", "starts.zone": "Unknown zone.", seats: "At most 500.", other: "Too early." }, FORM)).toEqual({
      "starts.date": "Enter a date.", "starts.zone": "Unknown zone.", seats: "At most 500.", title: "Too early.",
    });
  });

  it("keeps titles within 24 characters and refuses a token it would have to cut", () => {
    const long = FormBlock.parse({ ...FORM, title: "A very long form title for a modal", submitLabel: "Submit all of it right now" });
    expect(checkView(renderModal(long, []), ["modal"])).toEqual({ ok: true });
    expect(() => renderModal({ ...FORM, token: "t".repeat(3_001) }, [])).toThrow(/private_metadata/);
  });
});
