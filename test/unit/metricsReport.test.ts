import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { wordsFor } from "../../src/core/kernel/words.js";
import { createRegistry } from "../../src/core/workflows/index.js";
import { ReportData } from "../../src/core/workflows/metrics/report.js";
import { reportCsv, reportMarkdown } from "../../src/core/workflows/metrics/reportFiles.js";
import { parseRange } from "../../src/core/workflows/metrics/range.js";
import { renderMessage } from "../../src/slack/render/card/message.js";
import { renderCard } from "../../src/teams/render/index.js";

/** The sponsor report as each platform shows it, and its files, with what people typed kept literal. */
const registry = createRegistry();
const HOSTILE = "=HYPERLINK(\"x\") | *pipe* `tick`";
const FIGURES = { members: 40, joined: 5, left: 1, active: 22, newContributors: 3, held: 2, confirmed: 2, going: 12, attendedGoing: 9, asked: 30, answered: 18, resources: 4, kudos: 6, groups: 5, groupsMet: 3 };
const SAMPLE = {
  domain: "Research data", purposes: ["learning", "relationships"], from: "2026-12-01", to: "2027-01-31",
  months: [{ period: "2026-12", figures: FIGURES }, { period: "2027-01", figures: { ...FIGURES, going: 0 } }], total: FIGURES, previous: { ...FIGURES, members: 30 },
  spaces: [{ name: "#data-stewards", figures: FIGURES }, { name: "General", figures: FIGURES }],
  feedback: [{ title: "After the call", answered: 9, asked: 12, scores: [{ question: "Useful?", average: 4.2, of: 5 }, { question: "Recommend?", nps: 35 }] }],
  stories: [], empty: false,
};
const data = ReportData.parse({ ...SAMPLE, communityName: "Data | Stewards", goals: [HOSTILE], activities: [{ title: HOSTILE, at: "2027-01-14T14:00:00Z", going: 8, attended: 6 }] });
const words = wordsFor({ locale: "en", platform: "slack", personal: true, timezone: "Europe/Rome" });
const card = () => {
  const def = registry.presenter("metrics.report")!;
  return { ...def.render(data, words), locale: "en" };
};

describe("the sponsor report", () => {
  it("renders whole on Teams, its charts as chart elements with a fallback", () => {
    const { card: rendered } = renderCard(card());
    const json = JSON.stringify(rendered);
    expect(json).toContain("Chart.VerticalBar");
    expect(json).toContain("Chart.Line");
    expect(json).toContain("fallback");
    expect(json).not.toMatch(/omitted|was cut/);
  });

  it("renders whole on Slack, within Block Kit's limits", () => {
    const message = renderMessage(card());
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks)).toContain("Members and active members per month");
    expect(JSON.stringify(message.blocks)).not.toMatch(/omitted|was cut/);
  });

  it("writes Markdown whose tables keep their shape whatever was typed", () => {
    const markdown = reportMarkdown(data, words);
    expect(markdown).toContain("# Data \\| Stewards: report to the sponsor, 2026-12-01 – 2027-01-31");
    expect(markdown).toContain("- =HYPERLINK(\"x\") \\| \\*pipe\\* \\`tick\\`");
    expect(markdown).toContain("Thursday, January 14, 2027 at 3:00 PM GMT+1");
    const cells = (line: string) => line.replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).length;
    for (const table of markdown.split(/\n\n+/).filter((b) => b.startsWith("|"))) expect(new Set(table.split("\n").map(cells)).size).toBe(1);
  });

  it("writes a CSV that parses back, with formulas neutralised", () => {
    const rows = parse(reportCsv(data, words), { bom: true }) as string[][];
    expect(rows[0]).toEqual(["Section", "Period or space", "Figure", "Value", "Previous"]);
    expect(rows).toContainEqual(["Participation", "2026-12-01 – 2027-01-31", "Members", "40", "30"]);
    expect(rows).toContainEqual(["Activities held", "2027-01-14T14:00:00Z", `'${HOSTILE}: said going`, "8", ""]);
  });

  it("reads ranges as typed, and refuses what is not one", () => {
    const now = new Date("2026-11-23T09:00:00Z");
    expect(parseRange("", now)).toEqual({ from: "2025-12-01", to: "2026-11-23" });
    expect(parseRange("2026-02", now)).toEqual({ from: "2026-02-01", to: "2026-11-23" });
    expect(parseRange("2026-02 2026-02", now)).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(parseRange("2026-01-15 2026-03-02", now)).toEqual({ from: "2026-01-15", to: "2026-03-02" });
    for (const bad of ["2026-13", "2026-02-30", "2026-03 2026-01", "2020-01 2026-01", "last year", "2026-01 2026-02 2026-03"]) expect(parseRange(bad, now)).toBeUndefined();
  });
});
