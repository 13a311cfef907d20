import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { SigningKeyGate, SigningKeysUnavailable, isKeyFetchFailure, keyIdOf } from "../../src/teams/signingKeys.js";

const log = createLogger("silent");
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const bearer = (kid?: string) => `Bearer ${encode({ alg: "RS256", typ: "JWT", ...(kid === undefined ? {} : { kid }) })}.${encode({ iss: "x" })}.c2ln`;
const unreachable = Object.assign(new Error("request to https://login.botframework.com/v1/.well-known/openidconfiguration failed, reason: connect ECONNREFUSED"), { name: "FetchError" });

/** A gate on a hand-moved clock, and an authenticate step that counts its calls. */
function setUp() {
  let now = 0;
  const gate = new SigningKeyGate({ now: () => now, firstDelayMs: 5_000, maxDelayMs: 60_000 });
  let calls = 0;
  let outcome: "unreachable" | "ok" = "unreachable";
  const authenticate = async () => {
    calls += 1;
    if (outcome === "unreachable") throw unreachable;
    return "identity";
  };
  const retryAfter = async (kid = "k1") => {
    const error: unknown = await gate.verify(bearer(kid), authenticate, log).then(() => undefined, (e: unknown) => e);
    return error instanceof SigningKeysUnavailable ? error.retryAfterSeconds : undefined;
  };
  return {
    gate,
    retryAfter,
    authenticate,
    advance: (ms: number) => void (now += ms),
    calls: () => calls,
    recover: () => void (outcome = "ok"),
  };
}

describe("SigningKeyGate", () => {
  it("after a failed fetch lets one probe through per delay, doubling the delay up to the cap", async () => {
    const t = setUp();
    expect(await t.retryAfter()).toBe(5);
    expect(await t.retryAfter()).toBe(5);
    t.advance(4_000);
    expect(await t.retryAfter()).toBe(1);
    expect(t.calls()).toBe(1);
    const waits: Array<number | undefined> = [];
    for (let i = 0; i < 6; i++) {
      t.advance(60_000);
      waits.push(await t.retryAfter());
    }
    expect(waits).toEqual([10, 20, 40, 60, 60, 60]);
    expect(t.calls()).toBe(7);
  });

  it("sends one probe at a time: requests arriving while it runs wait without fetching", async () => {
    const t = setUp();
    await t.retryAfter();
    t.advance(5_000);
    t.recover();
    let release: () => void = () => undefined;
    const slow = () => new Promise<string>((resolve) => (release = () => resolve("identity")));
    const probe = t.gate.verify(bearer("k1"), slow, log);
    expect(await t.retryAfter("k2")).toBe(5);
    expect(t.calls()).toBe(1);
    release();
    await expect(probe).resolves.toBe("identity");
    await expect(t.gate.verify(bearer("k2"), t.authenticate, log)).resolves.toBe("identity");
  });

  it("passes tokens that are not JWTs and tokens under a key that verified before straight through", async () => {
    const t = setUp();
    t.recover();
    await t.gate.verify(bearer("known"), t.authenticate, log);
    const failing = async () => {
      throw unreachable;
    };
    await expect(t.gate.verify(bearer("stranger"), failing, log)).rejects.toBeInstanceOf(SigningKeysUnavailable);
    await expect(t.gate.verify(bearer("known"), t.authenticate, log)).resolves.toBe("identity");
    await expect(t.gate.verify("Bearer not-a-jwt", async () => "refused", log)).resolves.toBe("refused");
    expect(await t.retryAfter("stranger")).toBe(5);
  });

  it("passes token refusals through unchanged and ends an outage on them", async () => {
    const t = setUp();
    await t.retryAfter();
    t.advance(5_000);
    const refused = Object.assign(new Error("Unauthorized. Invalid AppId"), { statusCode: 401 });
    await expect(t.gate.verify(bearer("k1"), async () => Promise.reject(refused), log)).rejects.toBe(refused);
    t.recover();
    await expect(t.gate.verify(bearer("k3"), t.authenticate, log)).resolves.toBe("identity");
  });
});

describe("key fetch failures and key ids", () => {
  it("tells a failed key fetch from a refused token", () => {
    expect(isKeyFetchFailure(unreachable)).toBe(true);
    expect(isKeyFetchFailure(Object.assign(new Error("Failed to load openID config: 503"), { statusCode: 500 }))).toBe(true);
    expect(isKeyFetchFailure(Object.assign(new Error("Failed to load Keys: 404"), { statusCode: 500 }))).toBe(true);
    expect(isKeyFetchFailure(Object.assign(new Error("Signing Key could not be retrieved."), { statusCode: 401 }))).toBe(false);
    expect(isKeyFetchFailure(Object.assign(new Error("invalid signature"), { name: "JsonWebTokenError" }))).toBe(false);
    expect(isKeyFetchFailure(new Error("something else"))).toBe(false);
  });

  it("reads the key id of a bearer JWT, and nothing from anything else", () => {
    expect(keyIdOf(bearer("abc"))).toBe("abc");
    expect(keyIdOf(bearer())).toBe("");
    expect(keyIdOf("Bearer not-a-jwt")).toBeUndefined();
    expect(keyIdOf("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(keyIdOf(`Bearer ${encode("string")}.${encode({})}.x`)).toBeUndefined();
    expect(keyIdOf("")).toBeUndefined();
  });
});
