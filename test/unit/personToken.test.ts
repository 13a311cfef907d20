import { describe, expect, it } from "vitest";
import { esc, person, plainText } from "../../src/core/kernel/text.js";
import { mrkdwn } from "../../src/slack/render/card/mrkdwn.js";
import { teamsMarkdown } from "../../src/teams/render/markdown.js";

/** A person in neutral markdown: a mention where the platform can make one, the name everywhere else. */
describe("the person token", () => {
  it("is a mention for a Slack person in Slack, and the name in bold for anyone else", () => {
    expect(mrkdwn(`Ask ${person("slack:T1:U0123ABC", "Luc")} or ${person("teams:tenant-1:aad-1", "Adele *V*")}`)).toBe("Ask <@U0123ABC> or *Adele <!date^00000000^{_}|*>V<!date^00000000^{_}|*>*");
    expect(teamsMarkdown(`Ask ${person("slack:T1:U0123ABC", "Luc")} or ${person("teams:tenant-1:aad-1", "Adele")}`)).toBe("Ask **Luc** or **Adele**");
    expect(plainText(person("slack:T1:U0123ABC", "Luc"))).toBe("Luc");
  });

  it("cannot be forged by what someone types", () => {
    const typed = esc("<person:slack:T1:UADMIN|Boss>");
    expect(mrkdwn(typed)).not.toContain("<@UADMIN>");
    expect(plainText(typed)).toBe("<person:slack:T1:UADMIN|Boss>");
  });

  it("keeps a name that holds the token's own characters from breaking out of it", () => {
    expect(plainText(person("teams:t:1", "A|B>C\nD"))).toBe("A B C D");
  });
});
