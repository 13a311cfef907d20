import { describe, expect, it } from "vitest";
import { verifySlackRequest } from "../../src/slack/verifyRequest.js";
import { signature, TEST_SIGNING_SECRET } from "../support/slackRequests.js";

const NOW_MS = 1_750_000_000_000;
const NOW_S = NOW_MS / 1000;
const BODY = "token=xyz&team_id=T01COPHOME&command=%2Fcop&text=help";

/** The request as Slack signs it (a real HMAC), dated `offsetSeconds` from the verifier's clock. */
function check(offsetSeconds: number, opts: { body?: string; secret?: string; headers?: Record<string, string> } = {}) {
  const ts = NOW_S + offsetSeconds;
  const headers = opts.headers ?? { "x-slack-request-timestamp": String(ts), "x-slack-signature": signature(opts.secret ?? TEST_SIGNING_SECRET, ts, BODY) };
  return verifySlackRequest({ signingSecret: TEST_SIGNING_SECRET, body: opts.body ?? BODY, headers, nowMilliseconds: NOW_MS });
}

describe("verifySlackRequest", () => {
  it.each([0, 299, -299, 300, -300])("accepts a correctly signed request dated %i s from now", (offset) => {
    expect(check(offset)).toEqual({ ok: true, timestampSeconds: NOW_S + offset, signature: signature(TEST_SIGNING_SECRET, NOW_S + offset, BODY) });
  });

  it.each([
    [301, "future_timestamp"],
    [10 * 60, "future_timestamp"],
    [24 * 60 * 60, "future_timestamp"],
    [-301, "stale_timestamp"],
    [-10 * 60, "stale_timestamp"],
  ])("refuses a correctly signed request dated %i s from now (%s)", (offset, error) => {
    expect(check(offset)).toMatchObject({ ok: false, error });
  });

  it("refuses a wrong secret, a changed body and a truncated signature", () => {
    expect(check(0, { secret: "another-secret" })).toMatchObject({ ok: false, error: "bad_signature" });
    expect(check(0, { body: `${BODY}&text=status+closed` })).toMatchObject({ ok: false, error: "bad_signature" });
    const sig = signature(TEST_SIGNING_SECRET, NOW_S, BODY);
    expect(check(0, { headers: { "x-slack-request-timestamp": String(NOW_S), "x-slack-signature": sig.slice(0, -2) } })).toMatchObject({ ok: false, error: "bad_signature" });
  });

  it("refuses missing headers and a timestamp that is not whole seconds", () => {
    expect(check(0, { headers: {} })).toMatchObject({ ok: false, error: "missing_headers" });
    for (const ts of ["1.75e9", `${NOW_S}.5`, "-1", ""]) {
      const result = check(0, { headers: { "x-slack-request-timestamp": ts, "x-slack-signature": "v0=00" } });
      expect(result).toMatchObject({ ok: false, error: ts === "" ? "missing_headers" : "bad_timestamp" });
    }
  });
});
