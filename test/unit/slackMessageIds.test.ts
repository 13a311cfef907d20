import { describe, expect, it } from "vitest";
import { decodeSlackMessageId, encodeSlackMessageId } from "../../src/slack/messageIds.js";

describe("Slack message ids", () => {
  it.each([
    { channel: "C0MSG0001", ts: "1700000000.000100" },
    { channel: "D0ABCDEF12", ts: "1712345678.123456" },
    { channel: "G012AB3CD", ts: "1.000001" },
  ])("round-trips $channel $ts", (address) => {
    expect(decodeSlackMessageId(encodeSlackMessageId(address))).toEqual(address);
  });

  it.each(["", "1700000000001", "C0MSG0001:1700000000.000100", "slack:C0MSG0001", "slack:c0msg:1.2", "slack:C0MSG0001:1700000000.000100:x"])(
    "refuses %j, which no Slack delivery made",
    (id) => {
      expect(decodeSlackMessageId(id)).toBeUndefined();
    },
  );
});
