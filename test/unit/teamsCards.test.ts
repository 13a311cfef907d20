import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../../src/core/domain.js";
import type { View } from "../../src/core/views.js";
import { TEMPLATES, renderCard, viewActivity } from "../../src/teams/cards.js";
import { MAX_CARD_BYTES, TEAMS_LIMITS, teamsBytes } from "../../src/teams/limits.js";
import { CHROMIUM_PATH } from "../support/playground.js";
import { SAMPLE_CHARTER } from "../support/core.js";

const long = (n: number, word = "practice ") => word.repeat(Math.ceil(n / word.length)).slice(0, n);
const charter = SAMPLE_CHARTER;
const people = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ personKey: `teams:t:${i}`, displayName: `Person ${String(i).padStart(3, "0")} ${long(100, "x")}`, role: i === 0 ? ("facilitator" as const) : ("member" as const) }));

/** Representative data for every View kind, plus the largest data the core's limits allow. */
const VIEWS: Record<string, View> = {
  "help-new-space": { kind: "help", locale: "en", canManage: true },
  "help-member": { kind: "help", locale: "en-GB", canManage: false, communityName: "Data Stewards CoP", intro: { key: "help.unknown", params: { text: "make coffee" } } },
  "help-facilitator": { kind: "help", locale: "en", canManage: true, communityName: "Data Stewards CoP" },
  "charterForm-create": { kind: "charterForm", locale: "en", mode: "create", values: { name: "", domain: "", audience: "", purposes: [], goals: "", outcomes: "", participation: "", contribution: "", conflictResolution: "" }, errors: {} },
  "charterForm-errors": {
    kind: "charterForm", locale: "en", mode: "create",
    values: { name: "", domain: "Research data management", audience: long(250), purposes: [], goals: "a\nb", outcomes: "", participation: "", contribution: "", conflictResolution: "" },
    errors: { name: "Required.", audience: "At most 200 characters.", purposes: "Choose at least one purpose." },
  },
  "charterForm-edit": { kind: "charterForm", locale: "en", mode: "edit", communityId: "c1", values: { name: "Data Stewards CoP", domain: "Research data management", audience: "Data stewards", purposes: ["learning", "tasks"], goals: "Share practice", outcomes: "", participation: "Monthly", contribution: "", conflictResolution: "" }, errors: {} },
  charter: { kind: "charter", locale: "en", communityId: "c1", charter, status: "launched", spaces: [{ platform: "teams", displayName: "Data Stewards / General" }, { platform: "slack", displayName: "#data-stewards" }], stewards: ["Megan Bowen", "Adele Vance"], memberCount: 12, canManage: true },
  "charter-minimal": { kind: "charter", locale: "en", communityId: "c1", charter: { ...charter, goals: [], outcomes: [], guidelines: { participation: "", contribution: "", conflictResolution: "" } }, status: "pilot", spaces: [], stewards: [], memberCount: 0, canManage: false },
  roles: { kind: "roles", locale: "en", communityName: "Data Stewards CoP", people: people(3), omitted: 0, canAssign: true },
  "roles-empty": { kind: "roles", locale: "en", communityName: "Data Stewards CoP", people: [], omitted: 0, canAssign: false },
  "notice-success": { kind: "notice", locale: "en", tone: "success", message: { key: "notice.communityCreated", params: { name: "Data Stewards CoP" } } },
  "notice-error": { kind: "notice", locale: "en", tone: "error", message: { key: "notice.forbidden", params: { name: "Data Stewards CoP", stewards: "Megan Bowen" } } },
  "progress-sending": { kind: "progress", locale: "en", fanoutId: "digest:c1:2026-11", title: { key: "roles.title", params: { name: "Data Stewards CoP" } }, total: 2000, sent: 1234, failed: 0, unreachable: 3, queued: 763, done: false },
  "progress-done": { kind: "progress", locale: "en", fanoutId: "digest:c1:2026-11", title: { key: "roles.title", params: { name: "Data Stewards CoP" } }, total: 2000, sent: 2000, failed: 0, unreachable: 0, queued: 0, done: true },
  "progress-done-unreachable": {
    kind: "progress", locale: "en-IN", fanoutId: "digest:c1:2026-11", title: { key: "notice.communityCreated", params: { name: long(400) } },
    total: 250_000, sent: 249_990, failed: 2, unreachable: 8, queued: 0, done: true,
  },
};

const maxText = (n: number) => long(n, "Ω data ");
const LARGEST: Record<string, View> = {
  "charter-largest": {
    kind: "charter", locale: "en", communityId: "c1", status: "launched", memberCount: 100_000, canManage: true,
    charter: {
      name: maxText(LIMITS.name), domain: maxText(LIMITS.shortText), audience: maxText(LIMITS.shortText), purposes: ["relationships", "learning", "tasks", "knowledge"],
      goals: Array.from({ length: LIMITS.listItems }, () => maxText(LIMITS.shortText)),
      outcomes: Array.from({ length: LIMITS.listItems }, () => maxText(LIMITS.shortText)),
      guidelines: { participation: maxText(LIMITS.longText), contribution: maxText(LIMITS.longText), conflictResolution: maxText(LIMITS.longText) },
    },
    spaces: Array.from({ length: 60 }, (_, i) => ({ platform: "teams" as const, displayName: `${i} ${maxText(LIMITS.displayName)}` })),
    stewards: Array.from({ length: 60 }, (_, i) => `${i} ${maxText(LIMITS.displayName)}`),
  },
  "charterForm-largest": {
    kind: "charterForm", locale: "en", mode: "edit", communityId: "c1", errors: {},
    values: {
      name: maxText(LIMITS.name), domain: maxText(LIMITS.shortText), audience: maxText(LIMITS.shortText), purposes: ["learning"],
      goals: Array.from({ length: LIMITS.listItems }, () => maxText(LIMITS.shortText)).join("\n"),
      outcomes: Array.from({ length: LIMITS.listItems }, () => maxText(LIMITS.shortText)).join("\n"),
      participation: maxText(LIMITS.longText), contribution: maxText(LIMITS.longText), conflictResolution: maxText(LIMITS.longText),
    },
  },
  "roles-largest": { kind: "roles", locale: "en", communityName: maxText(LIMITS.name), people: people(40), omitted: 960, canAssign: true },
};

let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium not found at ${CHROMIUM_PATH}: the Adaptive Cards renderer runs in a browser; install it with \`apt-get install -y chromium\` (.ci/run does it)`);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--no-sandbox", "--disable-gpu", "--headless"] });
  page = await browser.newPage();
  const script = createRequire(import.meta.url).resolve("adaptivecards/dist/adaptivecards.min.js");
  await page.addScriptTag({ path: script });
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

/** Every text, title and value a card shows, as the strings Teams renders as markdown. */
function shownStrings(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(shownStrings);
  if (!node || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) => (typeof value === "string" ? (["text", "title", "value"].includes(key) ? [value] : []) : shownStrings(value)));
}

interface RendererReport {
  parseEvents: string[];
  validationEvents: string[];
  rendered: boolean;
  actions: string[];
}

/** Parses, validates and renders a card with Microsoft's adaptivecards library in the browser. */
async function checkWithRenderer(card: unknown): Promise<RendererReport> {
  return page.evaluate((payload) => {
    const AC = (globalThis as unknown as { AdaptiveCards: any }).AdaptiveCards; // eslint-disable-line @typescript-eslint/no-explicit-any
    const adaptiveCard = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    adaptiveCard.parse(payload, context);
    const parseEvents: string[] = [];
    for (let i = 0; i < context.eventCount; i++) parseEvents.push(context.getEventAt(i).message);
    const validation = adaptiveCard.validateProperties();
    const element = adaptiveCard.render();
    const actions: string[] = [];
    for (let i = 0; i < adaptiveCard.getActionCount(); i++) actions.push(`${adaptiveCard.getActionAt(i).getJsonTypeName()}:${adaptiveCard.getActionAt(i).title}`);
    return { parseEvents, validationEvents: validation.validationEvents.map((e: { message: string }) => e.message), rendered: !!element, actions };
  }, card);
}

describe("Teams cards: templates in cards/ expanded with representative data", () => {
  it("the renderer check reports a broken card (guards the guard)", async () => {
    const broken = { type: "AdaptiveCard", version: "1.5", body: [{ type: "Input.Text" }, { type: "Carousel.Bogus" }], actions: [{ type: "Action.Execute" }] };
    const report = await checkWithRenderer(broken);
    expect([...report.parseEvents, ...report.validationEvents].join("\n")).toMatch(/Carousel\.Bogus/);
    expect(report.validationEvents.join("\n")).toMatch(/id/i);
  });

  it("has one schema 1.5 template with fallback text per View kind", () => {
    for (const [kind, template] of Object.entries(TEMPLATES)) {
      expect(template, kind).toMatchObject({ type: "AdaptiveCard", version: TEAMS_LIMITS.card.version, fallbackText: "${fallback}" });
    }
  });

  for (const [name, view] of Object.entries(VIEWS)) {
    it(`${name}: expands completely, parses and renders without errors, matches its snapshot`, async () => {
      const { card, fallback, bytes } = renderCard(view);
      const json = JSON.stringify(card);
      expect(json, "an unexpanded ${…} binding").not.toMatch(/\$\{|"\$data"|"\$when"/);
      expect(card.fallbackText).toBe(fallback);
      expect(fallback.length).toBeGreaterThan(5);
      expect(bytes).toBeLessThanOrEqual(MAX_CARD_BYTES);
      const report = await checkWithRenderer(card);
      expect(report.parseEvents).toEqual([]);
      expect(report.validationEvents).toEqual([]);
      expect(report.rendered).toBe(true);
      await expect(JSON.stringify(card, null, 2) + "\n").toMatchFileSnapshot(`./__snapshots__/teamsCards/${name}.json`);
    });
  }

  it("gives every action Action.Execute with an Action.Submit fallback carrying the same verb", () => {
    const { card } = renderCard(VIEWS["charter"]!);
    expect(card.actions).toEqual([
      { type: "Action.Execute", title: "Edit charter", verb: "community.charter.edit", data: { verb: "community.charter.edit" }, fallback: { type: "Action.Submit", title: "Edit charter", data: { verb: "community.charter.edit" } } },
      { type: "Action.Execute", title: "Roles", verb: "community.roles.show", data: { verb: "community.roles.show" }, fallback: { type: "Action.Submit", title: "Roles", data: { verb: "community.roles.show" } } },
    ]);
  });

  for (const [name, view] of Object.entries(LARGEST)) {
    it(`${name}: the largest data the core allows stays under Teams' 28 KB with the envelope`, async () => {
      const { card, bytes } = renderCard(view);
      const activityBytes = teamsBytes({ ...viewActivity(view), from: { id: "28:x", name: "CoP Companion" }, conversation: { id: "19:" + "x".repeat(60) } });
      expect(bytes).toBeLessThanOrEqual(MAX_CARD_BYTES);
      expect(activityBytes).toBeLessThanOrEqual(TEAMS_LIMITS.message.maxBytes);
      const report = await checkWithRenderer(card);
      expect(report.parseEvents).toEqual([]);
      expect(report.validationEvents).toEqual([]);
      if (view.kind === "charterForm") expect(JSON.stringify(card)).not.toContain("…"); // a stored charter is never cut in its edit form
      else expect(JSON.stringify(card)).toMatch(/…and \d+ more/);
    });
  }

  it("says how far a fan-out has got in words and a glyph besides the colour, counts written for the reader's locale", () => {
    const sending = renderCard(VIEWS["progress-sending"]!);
    expect(sending.fallback).toBe("Sending: 1,234 of 2,000 delivered (Roles in Data Stewards CoP)");
    expect(sending.card.body).toContainEqual({ type: "Container", style: "emphasis", items: [{ type: "TextBlock", text: "⏳ Sending: 1,234 of 2,000 delivered", weight: "Bolder", wrap: true }] });
    const done = renderCard(VIEWS["progress-done-unreachable"]!);
    expect(done.fallback).toMatch(/^Done: 2,49,990 of 2,50,000 delivered/);
    const text = JSON.stringify(done.card);
    expect(text).toContain("⚠️ Done: 2,49,990 of 2,50,000 delivered");
    expect(text).toContain("8 recipients could not be reached: the app was blocked or removed there, or it was never installed for them.");
    expect(text).toContain("2 messages were not delivered");
    expect(text).not.toContain("Only you see this");
    expect(JSON.stringify(renderCard(VIEWS["progress-done"]!).card)).toContain("✅ Done: all 2,000 delivered");
  });

  it("shows what people typed as typed: no link, image or formatting from user text, the catalog's own emphasis kept", async () => {
    const phish = "[Re-authenticate](https://phish.example)";
    const typed: Record<string, View> = {
      charter: {
        kind: "charter", locale: "en", communityId: "c1", status: "launched", memberCount: 2, canManage: true,
        charter: {
          ...charter, name: `**Urgent** ${phish}`, domain: `![x](https://phish.example/p.png) ${phish}`, audience: "<https://phish.example>",
          goals: [phish, "- not a list", "1. not a list either"], outcomes: [`_${phish}_`],
          guidelines: { participation: `Line one\n${phish}`, contribution: "`code`", conflictResolution: "# heading" },
        },
        spaces: [{ platform: "teams", displayName: phish }], stewards: [phish],
      },
      roles: { kind: "roles", locale: "en", communityName: phish, people: [{ personKey: "teams:t:1", displayName: phish, role: "member" }], omitted: 0, canAssign: false },
      help: { kind: "help", locale: "en", canManage: false, communityName: phish, intro: { key: "help.unknown", params: { text: phish } } },
      notice: { kind: "notice", locale: "en", tone: "success", message: { key: "notice.roleAssigned", params: { person: phish, role: "Member", name: phish } } },
      progress: { kind: "progress", locale: "en", fanoutId: "f", title: { key: "roles.title", params: { name: phish } }, total: 1, sent: 0, failed: 0, unreachable: 0, queued: 1, done: false },
      charterForm: { ...(VIEWS["charterForm-errors"] as Extract<View, { kind: "charterForm" }>), errors: { purposes: `Unknown purpose: ${phish}.` } },
    };
    // A link or image ([text](url), ![alt](url)), an autolink (<https://…>) or bold that no backslash defuses.
    const markup = /(?<!\\)\[[^\]]*(?<!\\)\]\(|(?<!\\)<https?:|(?<!\\)\*\*Urgent/;
    for (const [name, view] of Object.entries(typed)) {
      const { card, fallback } = renderCard(view);
      expect(shownStrings(card).filter((text) => markup.test(text)), name).toEqual([]);
      expect(fallback, name).not.toContain("\\"); // plain text for notifications shows no escapes
      const report = await checkWithRenderer(card);
      expect([...report.parseEvents, ...report.validationEvents], name).toEqual([]);
    }
    const charterText = shownStrings(renderCard(typed.charter!).card);
    expect(charterText).toContain(String.raw`• \[Re-authenticate\](https://phish.example)`);
    expect(charterText).toContain(String.raw`• \- not a list`);
    expect(charterText).toContain(String.raw`• 1\. not a list either`);
    // The catalog's bold around the community name is still markdown; the name inside it is not.
    expect(shownStrings(renderCard(typed.notice!).card).join("\n")).toContain(String.raw`of **\[Re-authenticate\](https://phish.example)**.`);
  });

  it("cuts a long list to what fits and says how many were left out", () => {
    const { card } = renderCard(LARGEST["roles-largest"]!);
    const text = JSON.stringify(card);
    const shown = (text.match(/"title":"Person \d{3}/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThanOrEqual(TEAMS_LIMITS.card.listItems);
    expect(text).toContain(`…and ${1000 - shown} more people.`);
  });
});
