import { describe, expect, it } from "vitest";
import { esc, personMention, plainText } from "../../src/core/kernel/text.js";
import { mrkdwn } from "../../src/slack/render/card/mrkdwn.js";
import { teamsMarkdown } from "../../src/teams/render/markdown.js";

/** A person in neutral markdown: a Slack mention for a Slack person on Slack, the name everywhere else. */
describe("person tokens", () => {
  const carol = personMention("slack:T1:U03CAROL", "Carol *Ng*");
  const ana = personMention("teams:tenant-1:aad-ana", "Ana_Duarte");

  it("become a Slack mention for a Slack person, and the bold name for anyone else", () => {
    expect(mrkdwn(`Meet ${carol} and ${ana}.`)).toBe("Meet <@U03CAROL> and *Ana<!date^00000000^{_}|_>Duarte*.");
    expect(teamsMarkdown(`Meet ${carol} and ${ana}.`)).toBe("Meet **Carol \\*Ng\\*** and **Ana\\_Duarte**.");
    expect(plainText(`Meet ${carol} and ${ana}.`)).toBe("Meet Carol *Ng* and Ana_Duarte.");
    // A name cannot end the token early.
    expect(plainText(personMention("teams:t:aad-x", "X|<y>"))).toBe("X  y ");
  });

  it("cannot be typed by a person: their text is escaped first", () => {
    const typed = esc("<person:slack:T1:U0BOSS|Boss>");
    expect(mrkdwn(typed)).not.toContain("<@U0BOSS>");
    expect(plainText(typed)).toBe("<person:slack:T1:U0BOSS|Boss>");
  });
});
