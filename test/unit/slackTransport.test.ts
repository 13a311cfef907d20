/**
 * The Slack Web API client's transport (src/slack/transport.ts): what the client reads from an answer (status,
 * Retry-After, the body) comes through as the global fetch would give it, at the fake Slack and at a bare
 * HTTP server for the cases Slack rarely sends.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { slackFetch } from "../../src/slack/transport.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";

let slack: FakeSlack;
let bare: Server;
let bareUrl: string;
/** What the bare server got last: method, content type and body. */
let received: { method?: string; type?: string; body: string } = { body: "" };

const bodyOf = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
};

beforeAll(async () => {
  slack = await startFakeSlack({ rateLimits: false });
  bare = createServer(async (req, res) => {
    received = { method: req.method, type: req.headers["content-type"], body: await bodyOf(req) };
    if (req.url === "/empty") return res.writeHead(204).end();
    if (req.url === "/hang") return; // never answers
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.writeHead(req.url === "/teapot" ? 418 : 200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, echo: received.body }));
  });
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await slack?.stop();
  await new Promise((resolve) => bare?.close(resolve));
});
beforeEach(() => slack.reset());

describe("a Web API client on slackFetch", () => {
  const client = () => new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, fetch: slackFetch, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });

  it("sends the call form-encoded and reads Slack's answer", async () => {
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "Ünïcode & *bold* = 100%" } }];
    const answer = await client().chat.postEphemeral({ channel: FAKE_IDS.general, user: FAKE_IDS.member, text: "hi & bye", blocks });
    expect(answer.ok).toBe(true);
    const [call] = slack.callsTo("chat.postEphemeral");
    expect(call?.args).toMatchObject({ text: "hi & bye", user: FAKE_IDS.member });
    expect(call?.args.blocks).toEqual(blocks);
  });

  it("gives a 429's Retry-After to the caller", async () => {
    slack.fail("chat.postMessage", { error: "ratelimited", retryAfterSeconds: 7 });
    const failed = await client().chat.postMessage({ channel: FAKE_IDS.general, text: "x" }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 7 });
  });

  it("says which Slack error a call met", async () => {
    slack.fail("chat.postEphemeral", { error: "not_in_channel" });
    const failed = await client().chat.postEphemeral({ channel: FAKE_IDS.general, user: FAKE_IDS.member, text: "x" }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: webApi.ErrorCode.PlatformError, data: { error: "not_in_channel" } });
  });
});

describe("slackFetch", () => {
  it("answers as fetch does: status, every header, the body", async () => {
    const answer = await slackFetch(`${bareUrl}/teapot`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"text":"hello"}' });
    expect([answer.status, answer.ok, answer.statusText]).toEqual([418, false, "I'm a Teapot"]);
    expect(answer.headers.get("set-cookie")).toBe("a=1, b=2");
    expect(await answer.json()).toEqual({ ok: true, echo: '{"text":"hello"}' });
    expect(received).toMatchObject({ method: "POST", type: "application/json" });
  });

  it("answers a 204 with no body", async () => {
    const answer = await slackFetch(`${bareUrl}/empty`, { method: "POST", body: "" });
    expect(answer.status).toBe(204);
    expect(await answer.text()).toBe("");
  });

  it("stops when its signal says so", async () => {
    const failed = await slackFetch(`${bareUrl}/hang`, { method: "POST", body: "x", signal: AbortSignal.timeout(50) }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).name).toMatch(/TimeoutError|AbortError/);
  });

  it("sends a multipart body (a file upload) as fetch encodes it", async () => {
    const form = new FormData();
    form.append("file", new Blob(["a,b\n1,2\n"]), "figures.csv");
    const answer = await slackFetch(`${bareUrl}/upload`, { method: "POST", body: form });
    expect(answer.status).toBe(200);
    expect(received.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(received.body).toContain('filename="figures.csv"');
    expect(received.body).toContain("a,b\n1,2\n");
  });
});
