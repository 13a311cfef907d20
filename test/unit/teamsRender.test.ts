import { describe, expect, it } from "vitest";
import { Card, type BlockType } from "../../src/core/kernel/card.js";
import { esc } from "../../src/core/kernel/text.js";
import { BLOCK_DATA } from "../../src/teams/render/blocks.js";
import { cardActivity, renderCard, type AdaptiveCard } from "../../src/teams/render/index.js";
import { teamsMarkdown } from "../../src/teams/render/markdown.js";
import { MAX_CARD_BYTES, TEAMS_LIMITS, teamsBytes } from "../../src/teams/limits.js";

type Json = { [key: string]: unknown };
const card = (input: unknown): Card => Card.parse(input);
const text = (value: string, more: object = {}) => ({ type: "text", text: value, ...more });
const field = (name: string, kind: string, more: object = {}) => ({ name, kind, label: `${name} label`, ...more });
const TYPED = "5 * 3 _x_ [Re-authenticate](https://phish.example) <https://phish.example> C:\\temp ~~gone~~ `code` **bold**";
const series = (...names: string[]) => names.map((name, n) => ({ name, values: [3 + n, 5, 2 + n] }));
const chart = (kind: string, names: string[]) => card({ title: `Chart ${kind}`, summary: "Attendance", blocks: [{ type: "chart", kind, title: "Attendance", categories: ["Jan", "Feb", "Mar"], series: series(...names), alt: "Attendance rose from 3 in January to 5 in February." }] });

/** Representative cards for every block kind; each is snapshotted and, in teamsRenderBrowser.test.ts, parsed by Microsoft's renderer. */
const CARDS: Record<string, Card> = {
  "text-styles": card({ title: "Welcome", summary: "Welcome to **Data Stewards**", blocks: [text("Intro with **bold**, _italic_, `help` and [the guide](https://example.org/guide)."), text("Section", { style: "heading" }), text("Small print", { style: "subtle" }), text("Careful: this cannot be undone.", { tone: "warning" })] }),
  "notice-error": card({ title: "CoP Companion", summary: "Only the facilitators of **Data Stewards** can do that.", tone: "error", blocks: [text("Only the facilitators of **Data Stewards** can do that.", { tone: "error" })] }),
  facts: card({ title: "Charter", summary: "Charter", blocks: [{ type: "facts", facts: [{ label: "Status", value: "Launched" }, { label: "Domain", value: esc("Research *data* management") }] }] }),
  list: card({ title: "Goals", summary: "Goals", blocks: [{ type: "list", heading: "Goals", items: ["Share practice", esc("- not a list"), esc("1. not a list either")], omitted: 4 }, { type: "list", heading: "Outcomes", items: [], empty: "None yet." }] }),
  table: card({ title: "Results", summary: "Results", blocks: [{ type: "table", columns: ["Question", "Yes", "No"], rows: [["Useful?", "12", "3"], [esc("Pace_ok?"), "9", "6"]], omitted: 2 }] }),
  "chart-bar": chart("bar", ["Attendees"]),
  "chart-bar-grouped": chart("bar", ["Teams", "Slack"]),
  "chart-horizontalBar": chart("horizontalBar", ["Attendees"]),
  "chart-horizontalBar-stacked": chart("horizontalBar", ["Teams", "Slack"]),
  "chart-pie": chart("pie", ["Attendees"]),
  "chart-donut": chart("donut", ["Attendees"]),
  "chart-line": chart("line", ["Teams", "Slack"]),
  image: card({ title: "Poster", summary: "Poster", blocks: [{ type: "image", url: "https://example.org/poster.png", alt: "Poster of the March webinar" }] }),
  context: card({ title: "Digest", summary: "Digest", blocks: [text("Body"), { type: "context", texts: ["Only you see this.", "Updated 5 minutes ago"] }] }),
  actions: card({ title: "Event", summary: "Event", blocks: [{ type: "actions", actions: [{ label: "Agenda", verb: "events.agenda", data: { eventId: "e1" } }] }, text("Will you come?"), { type: "actions", actions: [{ label: "Yes", verb: "events.rsvp", data: { eventId: "e1", answer: "yes" }, style: "primary" }, { label: "Cancel event", verb: "events.cancel", data: { eventId: "e1", verb: "spoofed" }, style: "danger" }] }] }),
  form: card({
    title: "Schedule an event", summary: "Form: Schedule an event",
    blocks: [text("Fill in the details."), {
      type: "form", verb: "events.schedule", title: "Schedule an event", submitLabel: "Schedule", cancelLabel: "Cancel", token: "sealed.token.value",
      error: "Please correct the fields marked below. Nothing was saved yet.",
      fields: [
        field("title", "shortText", { required: true, max: 80, hint: "Up to 80 characters.", value: "x".repeat(120), error: "Too long: 120 characters, at most 80." }),
        field("agenda", "longText", { placeholder: "What we will cover", value: "Line one\nLine two" }),
        field("seats", "number", { min: 1, max: 500, value: "40" }),
        field("format", "choice", { required: true, choices: [{ value: "webinar", label: "Webinar" }, { value: "workshop", label: "Workshop" }], value: "webinar" }),
        field("topics", "multiChoice", { choices: [{ value: "a", label: "Data" }, { value: "b", label: "Ethics" }, { value: "c", label: "Tools" }], value: ["a", "c"] }),
        field("day", "date", { value: "2026-03-05" }),
        field("at", "time", { value: "14:30" }),
        field("start", "dateTime", { required: true, value: "2026-03-05T14:30", zone: "Europe/Rome" }),
        field("link", "url", { hint: "The meeting's join link." }),
        // Editing: the current host is offered as a choice, so the picker shows their name.
        field("host", "person", { required: true, choices: [{ value: "aad-ana", label: "Ana Duarte" }], value: "aad-ana" }),
      ],
    }],
  }),
  "typed-text": card({ title: `Charter of ${TYPED}`, summary: `Charter of **${esc(TYPED)}**`, blocks: [text(esc(TYPED)), { type: "facts", facts: [{ label: esc("*Name*"), value: esc(TYPED) }] }, { type: "list", items: [esc(TYPED)] }] }),
};

/** Every object in a card whose `type` matches. */
function find(node: unknown, type: RegExp): Json[] {
  if (Array.isArray(node)) return node.flatMap((item) => find(item, type));
  if (!node || typeof node !== "object") return [];
  const self = typeof (node as Json).type === "string" && type.test((node as Json).type as string) ? [node as Json] : [];
  return [...self, ...Object.values(node).flatMap((value) => find(value, type))];
}
const texts = (c: AdaptiveCard) => find(c, /^TextBlock$/).map((block) => block.text as string);

describe("Teams renderer: neutral card → Adaptive Card 1.5 through cards/blocks/ templates", () => {
  for (const [name, input] of Object.entries(CARDS)) {
    it(`${name}: renders completely within the size limit and matches its snapshot`, async () => {
      const { card: rendered, fallback, bytes } = renderCard(input);
      expect(fallback.length).toBeGreaterThan(0);
      expect(rendered).toMatchObject({ type: "AdaptiveCard", version: TEAMS_LIMITS.card.version, fallbackText: fallback });
      expect(JSON.stringify(rendered), "an unexpanded binding or a null property").not.toMatch(/"\$(data|when)"|\$\{|null/);
      expect(bytes).toBe(teamsBytes(rendered));
      expect(bytes).toBeLessThanOrEqual(MAX_CARD_BYTES);
      await expect(`${JSON.stringify(rendered, null, 2)}\n`).toMatchFileSnapshot(`./__snapshots__/teamsRender/${name}.json`);
    });
  }

  it("renders every block kind into its element", () => {
    const kinds = new Set(Object.values(CARDS).flatMap((c) => c.blocks.map((b) => b.type)));
    expect([...kinds].sort()).toEqual(Object.keys(BLOCK_DATA).sort() as BlockType[]);
    const shown = (name: string, type: RegExp) => find(renderCard(CARDS[name]!).card, type);
    expect(shown("facts", /^FactSet$/)[0]!.facts).toEqual([{ title: "Status", value: "Launched" }, { title: "Domain", value: String.raw`Research \*data\* management` }]);
    expect(texts(renderCard(CARDS.list!).card)).toEqual(["Goals", "Goals", "• Share practice", String.raw`• \- not a list`, String.raw`• 1\. not a list either`, "…and 4 more.", "Outcomes", "None yet."]);
    const [table] = shown("table", /^Table$/);
    expect(table!.rows).toHaveLength(3);
    expect(table!.fallback).toMatchObject({ type: "Container" });
    expect(texts(renderCard(CARDS.table!).card)).toContain("…and 2 more.");
    expect(shown("image", /^Image$/)).toEqual([{ type: "Image", url: "https://example.org/poster.png", altText: "Poster of the March webinar" }]);
    expect(shown("context", /^TextBlock$/).filter((b) => b.isSubtle).map((b) => b.text)).toEqual(["Only you see this.", "Updated 5 minutes ago"]);
    const expected = { "chart-bar": "Chart.VerticalBar", "chart-bar-grouped": "Chart.VerticalBar.Grouped", "chart-horizontalBar": "Chart.HorizontalBar", "chart-horizontalBar-stacked": "Chart.HorizontalBar.Stacked", "chart-pie": "Chart.Pie", "chart-donut": "Chart.Donut", "chart-line": "Chart.Line" };
    for (const [name, type] of Object.entries(expected)) {
      const [element] = shown(name, /^Chart\./);
      expect(element, name).toMatchObject({ type, title: "Attendance" });
      expect(find(element!.fallback, /^Table$/), `${name}: a table of the values where charts do not render`).toHaveLength(1);
      expect(texts(renderCard(CARDS[name]!).card), `${name}: alt text`).toContain("Attendance rose from 3 in January to 5 in February.");
    }
    expect(shown("chart-pie", /^Chart\.Pie$/)[0]!.data).toEqual([{ legend: "Jan", value: 3 }, { legend: "Feb", value: 5 }, { legend: "Mar", value: 2 }]);
    expect(shown("chart-line", /^Chart\.Line$/)[0]!.data).toEqual([{ legend: "Teams", values: [{ x: "Jan", y: 3 }, { x: "Feb", y: 5 }, { x: "Mar", y: 2 }] }, { legend: "Slack", values: [{ x: "Jan", y: 4 }, { x: "Feb", y: 5 }, { x: "Mar", y: 3 }] }]);
  });

  it("gives the heading the tone's glyph and the body its container style, so meaning never rests on colour", () => {
    const { card: notice } = renderCard(CARDS["notice-error"]!);
    expect(notice.body).toMatchObject([{ type: "TextBlock", text: "⛔ CoP Companion", style: "heading" }, { type: "Container", style: "attention" }]);
    expect(texts(notice).filter((t) => t.startsWith("⛔"))).toHaveLength(1); // the text of the same tone needs no second glyph
    expect(find(renderCard(CARDS["text-styles"]!).card, /^Container$/)).toContainEqual({ type: "Container", style: "warning", items: [{ type: "TextBlock", text: "⚠️ Careful: this cannot be undone.", wrap: true }] });
  });

  it("makes every button an Action.Submit with its verb in data (Action.Execute fails on Teams mobile)", () => {
    for (const [name, input] of Object.entries(CARDS)) {
      for (const action of find(renderCard(input).card, /^Action\./)) {
        expect(action.type, name).toBe("Action.Submit");
        expect((action.data as Json).verb, name).toEqual(expect.any(String));
      }
    }
    const { card: rendered } = renderCard(CARDS.actions!);
    expect(find(rendered.body, /^ActionSet$/)).toEqual([{ type: "ActionSet", actions: [{ type: "Action.Submit", title: "Agenda", data: { eventId: "e1", verb: "events.agenda" } }] }]);
    expect(rendered.actions).toEqual([
      { type: "Action.Submit", title: "Yes", style: "positive", data: { eventId: "e1", answer: "yes", verb: "events.rsvp" } },
      { type: "Action.Submit", title: "Cancel event", style: "destructive", data: { eventId: "e1", verb: "events.cancel" } },
    ]);
  });

  it("maps each form field kind to its inputs, ids exactly the field names, values prefilled, never a maxLength", () => {
    const { card: rendered } = renderCard(CARDS.form!);
    const inputs = Object.fromEntries(find(rendered, /^Input\./).map(({ id, ...rest }) => [id as string, rest]));
    expect(Object.keys(inputs)).toEqual(["title", "agenda", "seats", "format", "topics", "day", "at", "start.date", "start.time", "start.zone", "link", "host"]);
    expect(inputs.title).toEqual({ type: "Input.Text", label: "title label", value: "x".repeat(120), isRequired: true, errorMessage: "Too long: 120 characters, at most 80." });
    expect(inputs.agenda).toMatchObject({ type: "Input.Text", isMultiline: true, placeholder: "What we will cover", value: "Line one\nLine two" });
    expect(inputs.seats).toMatchObject({ type: "Input.Number", value: 40, min: 1, max: 500, errorMessage: "At least 1. At most 500." });
    expect(inputs.format).toMatchObject({ type: "Input.ChoiceSet", style: "compact", isMultiSelect: false, value: "webinar", choices: [{ title: "Webinar", value: "webinar" }, { title: "Workshop", value: "workshop" }] });
    expect(inputs.topics).toMatchObject({ type: "Input.ChoiceSet", style: "expanded", isMultiSelect: true, value: "a,c" });
    expect(inputs.day).toMatchObject({ type: "Input.Date", value: "2026-03-05" });
    expect(inputs.at).toMatchObject({ type: "Input.Time", value: "14:30" });
    expect(inputs["start.date"]).toMatchObject({ type: "Input.Date", value: "2026-03-05", isRequired: true, errorMessage: "Required." });
    expect(inputs["start.time"]).toMatchObject({ type: "Input.Time", value: "14:30", isRequired: true });
    expect(inputs["start.zone"]).toMatchObject({ type: "Input.Text", value: "Europe/Rome", isRequired: false });
    expect(inputs.link).toMatchObject({ type: "Input.Text", style: "Url" });
    expect(inputs.host).toMatchObject({ type: "Input.ChoiceSet", "choices.data": { type: "Data.Query", dataset: "graph.microsoft.com/users" }, value: "aad-ana", isRequired: true });
    expect(JSON.stringify(rendered)).not.toContain("maxLength");
    const shown = texts(rendered);
    expect(shown).toContain("⚠ Please correct the fields marked below. Nothing was saved yet.");
    expect(shown).toContain("Up to 80 characters.");
    expect(find(rendered, /^TextBlock$/)).toContainEqual({ type: "TextBlock", text: "⚠ Too long: 120 characters, at most 80.", color: "Attention", size: "Small", wrap: true, spacing: "None" });
    expect(find(rendered, /^Action\./)).toEqual([{ type: "Action.Submit", title: "Schedule", style: "positive", data: { verb: "events.schedule", formToken: "sealed.token.value" }, associatedInputs: "auto" }]);
    expect(shown.filter((t) => t === "Schedule an event"), "the form's title is the card's heading, once").toHaveLength(1);
  });

  it("shows what people typed as typed, and writes the catalog's markdown the way Teams renders it", () => {
    const { card: rendered, fallback } = renderCard(CARDS["typed-text"]!);
    const escaped = String.raw`5 \* 3 \_x\_ \[Re-authenticate\](https://phish.example) \<https://phish.example> C:\\temp \~\~gone\~\~ \`code\` \*\*bold\*\*`;
    expect(texts(rendered)).toEqual([`Charter of ${escaped}`, escaped, `• ${escaped}`]);
    expect(find(rendered, /^FactSet$/)[0]!.facts).toEqual([{ title: String.raw`\*Name\*`, value: escaped }]);
    expect(fallback).toBe(`Charter of ${TYPED}`);
    expect(cardActivity(CARDS["typed-text"]!).summary).toBe(fallback);
    expect(teamsMarkdown("Type `help` or **stop** in _time_ [here](https://x.example/a_b) [there](javascript:alert)")).toBe("Type “help” or **stop** in _time_ [here](https://x.example/a_b) there");
    expect(teamsMarkdown(esc("# title\n> quote\n+ item\n2) item a > b | c"))).toBe(String.raw`\# title` + "\n" + String.raw`\> quote` + "\n" + String.raw`\+ item` + "\n" + String.raw`2\) item a > b | c`);
  });

  const graphemes = (value: string) => [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(value)].map((s) => s.segment);
  it("cuts long text only between graphemes and never inside an escape or a markdown span, and says so", () => {
    const coder = "👩🏽‍💻";
    const accent = "e\u0301";
    const huge = card({
      title: coder.repeat(400), summary: accent.repeat(5000),
      blocks: [text(coder.repeat(5000)), text(accent.repeat(5000)), text(esc("*_[]<\\").repeat(2000)), text(`**${"bold ".repeat(19)}bold** `.repeat(400)), { type: "list", items: Array.from({ length: 40 }, () => coder.repeat(300)) }],
    });
    const { card: rendered, fallback, bytes } = renderCard(huge);
    expect(bytes).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const [heading, first, second, third, fourth, ...rest] = texts(rendered);
    for (const [shown, unit] of [[heading, coder], [first, coder], [second, accent], [fallback, accent], [rest[0]!.slice(2), coder]] as const) {
      expect(shown!.endsWith("…"), shown).toBe(true);
      expect(new Set(graphemes(shown!.slice(0, -1))), "whole graphemes only").toEqual(new Set([unit]));
    }
    expect(third, "escapes whole").toMatch(/^(\\[*_[\]<\\])+…$/);
    expect(fourth, "bold spans whole").toMatch(/^(\*\*(bold ){19}bold\*\* )*\*\*(bold ){19}bold\*\*…$/);
    expect(texts(rendered)).toContain("(shortened: the full text did not fit in one message)");
  });

  it("keeps the largest card under Teams' limit with its envelope, saying what it left out", () => {
    const items = Array.from({ length: 400 }, (_, i) => esc(`Item ${i} ${"practice ".repeat(40)}`));
    const huge = card({
      title: "Digest", summary: "Monthly digest",
      blocks: [
        ...Array.from({ length: 60 }, () => text("word ".repeat(400))),
        { type: "list", heading: "Resources", items, omitted: 100 },
        { type: "table", columns: ["A", "B", "C"], rows: items.map((item) => [item, item, item]) },
        { type: "facts", facts: items.map((item) => ({ label: "Fact", value: item })) },
        { type: "actions", actions: [{ label: "Open", verb: "digest.open" }] },
      ],
    });
    const { card: rendered, bytes } = renderCard(huge);
    expect(bytes).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const activityBytes = teamsBytes({ ...cardActivity(huge), from: { id: "28:x", name: "CoP Companion" }, conversation: { id: `19:${"x".repeat(60)}` } });
    expect(activityBytes).toBeLessThanOrEqual(TEAMS_LIMITS.message.maxBytes);
    const shown = texts(rendered);
    expect(shown).toContain("(shortened: the full text did not fit in one message)");
    expect(shown.some((t) => /^…and \d+ more parts? that did not fit in one message\.$/.test(t))).toBe(true);
    expect(rendered.actions, "buttons are the last thing left out").toEqual([{ type: "Action.Submit", title: "Open", data: { verb: "digest.open" } }]);
    const list = renderCard(card({ title: "Resources", summary: "Resources", blocks: [{ type: "list", items, omitted: 100 }] })).card;
    const bullets = texts(list).filter((t) => t.startsWith("• ")).length;
    expect(bullets).toBeGreaterThan(0);
    expect(bullets).toBeLessThanOrEqual(TEAMS_LIMITS.card.listItems);
    expect(texts(list)).toContain(`…and ${500 - bullets} more.`);
  });

  it("says what it cut in the reader's words when given, English otherwise", () => {
    const items = Array.from({ length: 30 }, (_, i) => `Point ${i}`);
    const words = { more: (n: number) => `…et ${n} de plus.`, partsOmitted: (n: number) => `…et ${n} parties de plus.`, textCut: () => "(raccourci)" };
    const list = (locale?: string) => card({ title: "Liste", summary: "Liste", locale, blocks: [{ type: "list", items }, text("mot ".repeat(1000))] });
    const french = texts(renderCard(list(), words).card);
    expect(french).toContain("…et 5 de plus.");
    expect(french).toContain("(raccourci)");
    expect(texts(renderCard(list()).card)).toContain("…and 5 more.");
    const pseudo = texts(renderCard(list("qps-ploc")).card);
    expect(pseudo, "the card's own locale when no words are given").toContain("⟦…áñd 5 móré.⟧");
  });
});
