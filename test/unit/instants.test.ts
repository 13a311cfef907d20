import { describe, expect, it } from "vitest";
import { esc, instant, plainText, tokens } from "../../src/core/kernel/text.js";
import { wordsFor } from "../../src/core/kernel/words.js";
import { mrkdwn } from "../../src/slack/render/card/mrkdwn.js";
import { teamsMarkdown } from "../../src/teams/render/markdown.js";

/** An instant in neutral markdown: each platform shows it in each reader's own zone. */
describe("instants in neutral markdown", () => {
  const at = "2027-01-14T14:00:00.000Z";

  it("are written by presenters, with a plain fallback in the writer's zone", () => {
    const words = wordsFor({ locale: "en-GB", platform: "slack", personal: false, timezone: "Europe/Rome" });
    const text = words.when(at).text;
    expect(text).toBe("<time:2027-01-14T14:00:00Z|Thursday, 14 January 2027 at 15:00 CET>");
    expect(tokens(text)).toEqual([{ kind: "time", iso: "2027-01-14T14:00:00Z", fallback: "Thursday, 14 January 2027 at 15:00 CET" }]);
    expect(plainText(`Starts ${text}.`)).toBe("Starts Thursday, 14 January 2027 at 15:00 CET.");
  });

  it("become a Slack date token and Teams DATE/TIME functions", () => {
    const text = `Starts ${instant(at, "14 Jan 15:00 & later")}.`;
    expect(mrkdwn(text)).toBe("Starts <!date^1799935200^{date_long_pretty} {time}|14 Jan 15:00 &amp; later>.");
    expect(teamsMarkdown(text)).toBe("Starts {{DATE(2027-01-14T14:00:00Z, LONG)}} {{TIME(2027-01-14T14:00:00Z)}}.");
  });

  it("cannot be typed: what people type stays text on both platforms", () => {
    const typed = esc(`<time:${"2027-01-14T14:00:00Z"}|x> {{DATE(2027-01-14T14:00:00Z, LONG)}}`);
    expect(tokens(typed).some((t) => t.kind === "time")).toBe(false);
    expect(mrkdwn(typed)).not.toMatch(/<!date\^1799935200/);
    expect(teamsMarkdown(typed)).not.toMatch(/\{\{DATE/);
  });
});
