import { describe, expect, it } from "vitest";
import { askFromText } from "../../src/slack/asks.js";
import { readableText } from "../../src/slack/pickedMessage.js";
import { askFromMessageAction, isMessageAction } from "../../src/teams/pickedMessage.js";

describe("a picked message as each platform sends it", () => {
  it("Slack: links and mentions read as a person sees them; a typed <link> is the link itself", () => {
    expect(readableText("See <https://datacite.org/cite|DataCite> and <https://example.org/a?b=1&amp;c=2>, ask <@U01FACIL> or <@U02X|ana> in <#C01GENERAL|general> &lt;3")).toBe(
      "See DataCite (https://datacite.org/cite) and https://example.org/a?b=1&c=2, ask @U01FACIL or @ana in @general <3",
    );
    expect(askFromText("share <https://example.org/guide|example.org/guide> Guide #fair").text).toBe("share https://example.org/guide Guide #fair");
    expect(askFromText("share <https://example.org/a?x=1&amp;y=2>").text).toBe("share https://example.org/a?x=1&y=2");
  });

  it("Teams: the message's HTML as text, its link and author; anything else is malformed", () => {
    const value = {
      commandId: "knowledge.saveMessage",
      commandContext: "message",
      messagePayload: {
        body: { contentType: "html", content: "<p>Use the <b>DOI</b> &amp; version.</p><p><a href=\"https://example.org/x\">guide</a></p>" },
        linkToMessage: "https://teams.microsoft.com/l/message/19:abc/1?tenantId=t",
        from: { user: { id: "aad-1", displayName: "Adele Vance" } },
      },
    };
    expect(askFromMessageAction(value)).toEqual({
      kind: "message",
      verb: "knowledge.saveMessage",
      message: { text: "Use the DOI & version.\n\nguide [https://example.org/x]", link: "https://teams.microsoft.com/l/message/19:abc/1?tenantId=t", author: { id: "aad-1", name: "Adele Vance" } },
    });
    // An http link is no link back; a plain-text body stays as it is.
    expect(askFromMessageAction({ ...value, messagePayload: { body: { contentType: "text", content: "a <b>" }, linkToMessage: "http://x.org" } })).toEqual({ kind: "message", verb: "knowledge.saveMessage", message: { text: "a <b>" } });
    expect(askFromMessageAction({ commandId: "knowledge.saveMessage", commandContext: "compose" })).toMatchObject({ kind: "malformed" });
    const known = (id: string) => id === "knowledge.saveMessage";
    expect(isMessageAction({ type: "invoke", name: "composeExtension/fetchTask", value }, known)).toBe(true);
    expect(isMessageAction({ type: "invoke", name: "composeExtension/fetchTask", value: { ...value, commandId: "other" } }, known)).toBe(false);
    expect(isMessageAction({ type: "invoke", name: "composeExtension/query", value }, known)).toBe(false);
    expect(isMessageAction({ type: "invoke", name: "composeExtension/submitAction", value: { ...value, commandContext: "compose" } }, known)).toBe(false);
  });
});
