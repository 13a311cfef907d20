import { describe, expect, it } from "vitest";
import { esc, personToken, plainText } from "../../src/core/kernel/text.js";
import { mrkdwn } from "../../src/slack/render/card/mrkdwn.js";
import { teamsMarkdown } from "../../src/teams/render/markdown.js";

/** A person named in neutral markdown: a mention where the platform can show one, their name elsewhere. */
describe("the person token", () => {
  const carol = personToken("slack", "U03CAROL", "Carol *Ng*");

  it("is a Slack mention in Slack, and the name (shown as typed) in Teams and in plain text", () => {
    expect(mrkdwn(`Thanks ${carol}!`)).toBe("Thanks <@U03CAROL>!");
    expect(teamsMarkdown(`Thanks ${carol}!`)).toBe("Thanks Carol \\*Ng\\*!");
    expect(plainText(`Thanks ${carol}!`)).toBe("Thanks Carol *Ng*!");
  });

  it("names a Teams person in words on Slack too (Slack cannot mention them)", () => {
    expect(mrkdwn(personToken("teams", "29:1adele", "Adele <Vance>"))).toBe("Adele  Vance ");
  });

  it("cannot be typed by a person: what they type is escaped and shown as typed", () => {
    const typed = esc("<person:slack:U01BOSS|Boss>");
    expect(mrkdwn(typed)).not.toContain("<@U01BOSS>");
    expect(plainText(typed)).toBe("<person:slack:U01BOSS|Boss>");
  });
});
