import { Writable } from "node:stream";
import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import { createLogger, lazyChild } from "../../src/log.js";
import { boltLogger } from "../../src/slack/boltLogger.js";
import { testConnectionString } from "../support/storage.js";

/** A logger at debug writing into `lines` exactly as an operator's log collector receives them. */
function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter((l) => l.trim()));
      done();
    },
  });
  return { log: createLogger("debug", sink), lines };
}

const SECRETS = {
  botToken: "xoxb-1111-2222-abcdefSECRET1",
  clientSecret: "client-secret-SECRET2",
  signingSecret: "signing-secret-SECRET3",
  password: "password-SECRET4",
  stateSecret: "state-secret-SECRET5",
  authorization: "Bearer SECRET6",
  userToken: "xoxp-3333-SECRET7",
};

describe("the log", () => {
  it("blanks secrets at any depth, in any field naming style, and keeps everything else", () => {
    const { log, lines } = capture();
    log.info(
      {
        teamId: "T01",
        installation: { bot: { botToken: SECRETS.botToken, userId: "U01BOT" }, user: { token: SECRETS.userToken } },
        oauth: { client_secret: SECRETS.clientSecret, settings: { deeper: { stillDeeper: [{ SLACK_SIGNING_SECRET: SECRETS.signingSecret }] } } },
        request: { headers: { Authorization: SECRETS.authorization, "content-type": "application/json" } },
        account: { password: SECRETS.password },
        note: `the token ${SECRETS.botToken} pasted in free text`,
      },
      "installation stored",
    );
    log.child({ component: "slack", stateSecret: SECRETS.stateSecret }).warn("callback with client_secret=%s", SECRETS.clientSecret);

    const text = lines.join("\n");
    for (const [name, secret] of Object.entries(SECRETS)) expect(text, name).not.toContain(secret);
    const first = JSON.parse(lines[0]!) as { oauth: { settings: { deeper: { stillDeeper: Array<Record<string, unknown>> } } } };
    expect(first).toMatchObject({
      msg: "installation stored",
      teamId: "T01",
      installation: { bot: { botToken: "[redacted]", userId: "U01BOT" }, user: { token: "[redacted]" } },
      request: { headers: { Authorization: "[redacted]", "content-type": "application/json" } },
    });
    expect(first.oauth.settings.deeper.stillDeeper[0]!.SLACK_SIGNING_SECRET).toBe("[redacted]");
    expect(JSON.parse(lines[1]!)).toMatchObject({ component: "slack", stateSecret: "[redacted]", msg: "callback with client_secret=[redacted]" });
  });

  it("writes `component` once: a child's own component replaces its parent's", () => {
    const { log, lines } = capture();
    log.child({ component: "slack" }).child({ component: "slack-oauth", step: "callback" }).info("nested");
    const bolt = boltLogger(log.child({ component: "slack" }));
    bolt.setName("bolt-app");
    bolt.debug("from Bolt");

    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.match(/"component":/g), line).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ component: "slack-oauth", step: "callback", msg: "nested" });
    expect(JSON.parse(lines[1]!)).toMatchObject({ component: "slack", slackLogger: "bolt-app", msg: "from Bolt" });
  });

  it("writes a request's lazy child's lines with its bindings, redacted, and builds no child until one is written", () => {
    const { log, lines } = capture();
    let children = 0;
    const parent = new Proxy(log.child({ component: "slack" }), {
      get: (target, key) => (key === "child" ? (...args: Parameters<typeof target.child>) => (children++, target.child(...args)) : Reflect.get(target, key)),
    });
    const quiet = lazyChild(parent, { correlationId: "req-1", channel: "C01" });
    quiet.trace("not written at debug");
    quiet.child({ verb: "help" }).trace("nor this");
    expect(quiet.isLevelEnabled("debug")).toBe(true);
    expect(children).toBe(0);
    expect(lines).toEqual([]);

    const turn = lazyChild(parent, { correlationId: "req-2", token: SECRETS.botToken }).child({ verb: "help" });
    turn.warn({ detail: "x" }, "not understood");
    turn.info("again");
    expect(children).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines.join("\n")).not.toContain(SECRETS.botToken);
    expect(JSON.parse(lines[0]!)).toMatchObject({ component: "slack", correlationId: "req-2", token: "[redacted]", verb: "help", detail: "x", msg: "not understood", level: 40 });
    expect(JSON.parse(lines[1]!)).toMatchObject({ correlationId: "req-2", verb: "help", msg: "again" });
  });

  it("says what a storage error was when the service answered with no message (an over-long key)", async () => {
    const table = TableClient.fromConnectionString(testConnectionString(), "LogTestLongKeys", { allowInsecureConnection: true });
    const error = await table.getEntity("k".repeat(20_000), "").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(""); // what the SDK gives us

    const { log, lines } = capture();
    log.error({ err: error }, "storage call failed");
    const { err } = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(err).toMatchObject({ type: "RestError", statusCode: 431, message: "HTTP 431 Request Header Fields Too Large" });
    expect(err.details).toBeDefined();
  });
});
