import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Every card snapshotted by teamsRender.test.ts, parsed, validated and rendered by Microsoft's adaptivecards
 * renderer in headless Chromium: the only part of the Teams renderer's tests that needs a browser.
 */
const CHROMIUM_PATH = "/usr/bin/chromium";
const SNAPSHOTS = new URL("./__snapshots__/teamsRender/", import.meta.url);
const missing = existsSync(CHROMIUM_PATH) ? "" : `chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` to run the Adaptive Cards renderer checks`;
if (missing) console.warn(`teamsRenderBrowser.test.ts skipped: ${missing}`);

type Json = { [key: string]: unknown };
const snapshots = existsSync(SNAPSHOTS) ? readdirSync(SNAPSHOTS).filter((file) => file.endsWith(".json")).sort() : [];
const load = (file: string): Json => JSON.parse(readFileSync(new URL(file, SNAPSHOTS), "utf8")) as Json;

interface Report {
  parseEvents: string[];
  validationEvents: string[];
  rendered: boolean;
  inputs: string[];
  submitted: Json | undefined;
}

let browser: Browser | undefined;
let page: Page;

/** Parses, validates and renders a card; presses its form's submit button when it has one. */
async function check(card: unknown): Promise<Report> {
  return page.evaluate((payload) => {
    const AC = (globalThis as unknown as { AdaptiveCards: any }).AdaptiveCards; // eslint-disable-line @typescript-eslint/no-explicit-any
    const adaptiveCard = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    adaptiveCard.parse(payload, context);
    const parseEvents: string[] = [];
    for (let i = 0; i < context.eventCount; i++) parseEvents.push(context.getEventAt(i).message);
    const validation = adaptiveCard.validateProperties();
    const element = adaptiveCard.render();
    let submitted: Json | undefined;
    adaptiveCard.onExecuteAction = (action: { data: Json }) => (submitted = action.data);
    const submit = adaptiveCard.getAllActions().find((action: { data?: Json }) => action.data?.formToken);
    submit?.execute();
    return {
      parseEvents,
      validationEvents: validation.validationEvents.map((e: { message: string }) => e.message),
      rendered: !!element,
      inputs: adaptiveCard.getAllInputs().map((input: { id: string }) => input.id),
      submitted,
    };
  }, card);
}

/** Chart types Microsoft's renderer does not know, each with a fallback: the one parse event allowed. */
function chartsWithFallback(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(chartsWithFallback);
  if (!node || typeof node !== "object") return [];
  const { type, fallback } = node as Json;
  const self = typeof type === "string" && type.startsWith("Chart.") && fallback && typeof fallback === "object" ? [`Unknown element type "${type}". Fallback will be used if present.`] : [];
  return [...self, ...Object.values(node).flatMap(chartsWithFallback)];
}

describe.skipIf(missing !== "")("Teams renderer: every snapshot card in Microsoft's Adaptive Cards renderer", () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"] });
    page = await browser.newPage();
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve("adaptivecards/dist/adaptivecards.min.js") });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("finds the snapshots written by teamsRender.test.ts", () => {
    expect(snapshots.length, "run `npx vitest run test/unit/teamsRender.test.ts` first").toBeGreaterThanOrEqual(10);
  });

  it("reports a broken card (guards the guard)", async () => {
    const report = await check({ type: "AdaptiveCard", version: "1.5", body: [{ type: "Input.Text", isRequired: true }, { type: "Chart.Bogus" }], actions: [{ type: "Action.Submit", title: "Go" }] });
    expect([...report.parseEvents, ...report.validationEvents].join("\n")).toMatch(/Chart\.Bogus/);
    expect(report.validationEvents.join("\n")).toMatch(/label|error message|id/i);
  });

  for (const file of snapshots) {
    it(`${file}: parses and validates without errors and renders`, async () => {
      const card = load(file);
      const report = await check(card);
      expect(report.parseEvents, "only charts (with their table fallback) are unknown to this renderer").toEqual(chartsWithFallback(card));
      expect(report.validationEvents).toEqual([]);
      expect(report.rendered).toBe(true);
    });
  }

  it("submits the form's values under the field names, with the verb and sealed token", async () => {
    const report = await check(load("form.json"));
    expect(report.inputs).toEqual(["title", "agenda", "seats", "format", "topics", "day", "at", "start.date", "start.time", "start.zone", "link", "host"]);
    expect(report.submitted).toMatchObject({
      verb: "events.schedule",
      formToken: "sealed.token.value",
      title: "x".repeat(120),
      agenda: "Line one\nLine two",
      seats: "40",
      format: "webinar",
      topics: "a,c",
      day: "2026-03-05",
      at: "14:30",
      "start.date": "2026-03-05",
      "start.time": "14:30",
      "start.zone": "Europe/Rome",
      host: "aad-ana",
    });
    expect(report.submitted?.link ?? "", "an empty input may be left out of the submission").toBe("");
  });
});
