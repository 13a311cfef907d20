import { describe, expect, it } from "vitest";
import {
  SLACK_LIMITS,
  SLACK_METHOD_RATE_LIMITS,
  SLACK_RATE_TIERS,
  limitBlocks,
  truncate,
} from "../../src/slack/limits.js";

describe("SLACK_LIMITS", () => {
  it("holds the documented Block Kit numbers", () => {
    expect(SLACK_LIMITS.message.blocks).toBe(50);
    expect(SLACK_LIMITS.view.blocks).toBe(100);
    expect(SLACK_LIMITS.section.text).toBe(3000);
    expect(SLACK_LIMITS.header.text).toBe(150);
    expect(SLACK_LIMITS.button).toMatchObject({ text: 75, value: 2000 });
    expect(SLACK_LIMITS.view).toMatchObject({ title: 24, submit: 24, close: 24, privateMetadata: 3000, callbackId: 255 });
    expect(SLACK_LIMITS.message).toMatchObject({ text: 40_000, textRecommended: 4_000 });
  });

  it("gives every method the app calls a tier whose per-minute figure matches the tier table", () => {
    for (const [method, limit] of Object.entries(SLACK_METHOD_RATE_LIMITS)) {
      if (limit.tier === "special") expect(limit.note, method).toBeTruthy();
      else expect(limit.perMinute, method).toBe(SLACK_RATE_TIERS[limit.tier]);
    }
    expect(SLACK_METHOD_RATE_LIMITS["chat.postMessage"]).toMatchObject({ tier: "special", perChannelPerSecond: 1 });
    expect(SLACK_METHOD_RATE_LIMITS["users.info"].tier).toBe(4);
    expect(SLACK_METHOD_RATE_LIMITS["chat.update"].tier).toBe(3);
  });
});

describe("truncate", () => {
  it("leaves text that fits alone", () => {
    expect(truncate("Welcome", 7)).toBe("Welcome");
    expect(truncate("", 0)).toBe("");
  });

  it("cuts to exactly max characters, ending in an ellipsis", () => {
    const out = truncate("Monthly webinar on data stewardship", 10);
    expect(out).toBe("Monthly w…");
    expect(out).toHaveLength(10);
  });

  it("never leaves half of a surrogate pair behind", () => {
    const text = "Kudos 🎉🎉🎉 to the team";
    for (let max = 1; max < text.length; max++) {
      const out = truncate(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.endsWith("…")).toBe(true);
      // A lone surrogate would not survive a UTF-8 round trip.
      expect(Buffer.from(out, "utf8").toString("utf8")).toBe(out);
    }
    expect(truncate("🎉🎉", 2)).toBe("…");
  });

  it("returns nothing when nothing fits", () => {
    expect(truncate("abc", 0)).toBe("");
    expect(truncate("abc", 1)).toBe("…");
  });
});

describe("limitBlocks", () => {
  const sections = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ type: "section", text: { type: "mrkdwn", text: `item ${i}` } }));
  const notice = (omitted: number) => `${omitted} more not shown`;

  it("keeps blocks that fit", () => {
    expect(limitBlocks(sections(50), 50, notice)).toHaveLength(50);
  });

  it("keeps max-1 blocks and appends a context block counting the rest", () => {
    const out = limitBlocks(sections(60), 50, notice);
    expect(out).toHaveLength(50);
    expect(out[48]).toEqual(sections(60)[48]);
    expect(out[49]).toEqual({ type: "context", elements: [{ type: "plain_text", text: "11 more not shown", emoji: true }] });
  });

  it("truncates an overlong notice to the text-object limit", () => {
    const out = limitBlocks(sections(3), 2, () => "x".repeat(5000));
    const last = out[1] as { elements: [{ text: string }] };
    expect(last.elements[0].text).toHaveLength(SLACK_LIMITS.text.max);
  });
});
