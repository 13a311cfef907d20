import { describe, expect, it } from "vitest";
import { charterToForm, EMPTY_CHARTER_FORM, parseCharterForm } from "../../src/core/charterForm.js";
import { parseTextCommand } from "../../src/core/textCommands.js";

const filled = {
  ...EMPTY_CHARTER_FORM,
  name: "  Data Stewards  ",
  domain: "research data management",
  audience: "data stewards in partner universities",
  purposes: ["knowledge", "learning,relationships"],
  goals: "- Share practice\n\n* Write a guide\n",
};

describe("the charter form", () => {
  it("turns what a person typed into a charter: trimmed, one goal per line, purposes in a fixed order", () => {
    const parsed = parseCharterForm(filled, "en");
    expect(parsed).toEqual({
      ok: true,
      charter: expect.objectContaining({
        name: "Data Stewards",
        purposes: ["relationships", "learning", "knowledge"],
        goals: ["Share practice", "Write a guide"],
        outcomes: [],
      }),
    });
  });

  it("says per field what to fix", () => {
    const parsed = parseCharterForm({ ...EMPTY_CHARTER_FORM, name: "x".repeat(81), purposes: ["fun"] }, "en");
    expect(parsed).toEqual({
      ok: false,
      errors: {
        name: "At most 80 characters.",
        domain: "Required.",
        audience: "Required.",
        purposes: "Unknown purpose: fun.",
      },
    });
  });

  it("round-trips a stored charter through the edit form", () => {
    const parsed = parseCharterForm(filled, "en");
    if (!parsed.ok) throw new Error("expected a charter");
    expect(parseCharterForm(charterToForm(parsed.charter), "en")).toEqual(parsed);
  });
});

describe("text commands", () => {
  it("understands the words people type", () => {
    expect(parseTextCommand(" Help ")).toEqual({ type: "help" });
    expect(parseTextCommand("set up")).toEqual({ type: "community.setup.open" });
    expect(parseTextCommand("charter")).toEqual({ type: "community.charter.show" });
    expect(parseTextCommand("status wrapping up")).toEqual({ type: "community.status.set", status: "wrapping-up" });
    expect(parseTextCommand("link")).toEqual({ type: "space.link.start" });
    expect(parseTextCommand("link abcd-2345")).toEqual({ type: "space.link.redeem", code: "abcd-2345" });
  });

  it("assigns a role only to exactly one mentioned person", () => {
    const ana = { personKey: "slack:T1:U1", displayName: "Ana" };
    expect(parseTextCommand("assign co-facilitator <@U1>", [ana])).toEqual({
      type: "community.role.assign",
      person: "slack:T1:U1",
      displayName: "Ana",
      role: "co-facilitator",
    });
    expect(parseTextCommand("assign sponsor")).toEqual({ type: "unknown", text: "assign sponsor" });
  });

  it("passes anything else on as unknown, so the person gets help", () => {
    expect(parseTextCommand("what is this?")).toEqual({ type: "unknown", text: "what is this?" });
  });
});
