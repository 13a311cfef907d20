import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { App, verifySlackRequest } from "@slack/bolt";
import { ErrorCode, WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_IDS, startFakeSlack, type FakeSlack, type FakeSlackOptions } from "../support/fakeSlack.js";
import {
  TEST_SIGNING_SECRET,
  blockActions,
  buttonAction,
  enterpriseGridMention,
  eventCallback,
  events,
  send,
  slackConnectMention,
  slashCommand,
  urlVerification,
  viewSubmission,
  type SignedRequest,
} from "../support/slackRequests.js";

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  fake = await startFakeSlack(opts);
  return fake;
}

// Fast retries so a test waits for Retry-After, not for WebClient's 30-minute backoff policy.
const client = (f: FakeSlack, token: string | undefined = f.botToken) =>
  new WebClient(token, { slackApiUrl: f.apiUrl, retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 10 } });

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

interface SlackFailure {
  code: string;
  data: { error?: string; needed?: string; response_metadata?: { messages?: string[] } };
}

async function slackError(p: Promise<unknown>): Promise<SlackFailure> {
  const error = (await p.then(() => undefined, (e: unknown) => e)) as SlackFailure | undefined;
  if (!error) throw new Error("expected the call to fail");
  return error;
}

const rawCall = (f: FakeSlack, method: string, body: object, token?: string) =>
  fetch(`${f.apiUrl}${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe("fake Slack Web API with a real WebClient", () => {
  it("records a posted message and answers with Slack's channel and ts", async () => {
    const f = await start();
    const result = await client(f).chat.postMessage({ channel: FAKE_IDS.general, text: "Hello CoP", blocks: [section("*Hello*")] });
    expect(result).toMatchObject({ ok: true, channel: FAKE_IDS.general });
    expect(result.ts).toMatch(/^\d{10}\.\d{6}$/);
    const [call] = f.callsTo("chat.postMessage");
    expect(call).toMatchObject({ token: f.botToken, ok: true, args: { channel: FAKE_IDS.general, text: "Hello CoP" } });
    expect(call?.args.blocks).toEqual([section("*Hello*")]);
  });

  it("refuses 51 blocks with invalid_blocks, as Slack does", async () => {
    const f = await start();
    const blocks = Array.from({ length: 51 }, (_, i) => section(`row ${i}`));
    const error = await slackError(client(f).chat.postMessage({ channel: FAKE_IDS.general, text: "t", blocks }));
    expect(error.code).toBe(ErrorCode.PlatformError);
    expect(error.data.error).toBe("invalid_blocks");
    expect(error.data.response_metadata?.messages).toContain("[ERROR] no more than 50 items allowed [json-pointer:/blocks]");
  });

  it("refuses over-long section text, header text and message text", async () => {
    const f = await start();
    const blocks = [section("x".repeat(3001)), { type: "header", text: { type: "plain_text", text: "h".repeat(151) } }];
    const error = await slackError(client(f).chat.postMessage({ channel: FAKE_IDS.general, text: "t", blocks }));
    expect(error.data.response_metadata?.messages).toEqual([
      "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
      "[ERROR] must be less than 151 characters [json-pointer:/blocks/1/text/text]",
    ]);
    const long = await slackError(client(f).chat.postMessage({ channel: FAKE_IDS.general, text: "x".repeat(40_001) }));
    expect(long.data.error).toBe("msg_too_long");
  });

  it("validates modal title and submit lengths and demands submit with inputs", async () => {
    const f = await start();
    const input = { type: "input", label: { type: "plain_text", text: "Name" }, element: { type: "plain_text_input", action_id: "name" } };
    const view = { type: "modal" as const, title: { type: "plain_text" as const, text: "T".repeat(25) }, blocks: [input] };
    const error = await slackError(client(f).views.open({ trigger_id: "1.2.ab", view }));
    expect(error.data.error).toBe("invalid_arguments");
    expect(error.data.response_metadata?.messages).toEqual([
      "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
      "[ERROR] missing required field: submit [json-pointer:/view]",
    ]);
    const ok = await client(f).views.open({ trigger_id: "1.2.ab", view: { ...view, title: { type: "plain_text", text: "Survey" }, submit: { type: "plain_text", text: "Send" } } });
    expect(ok.view?.id).toMatch(/^V/);
    const again = await slackError(client(f).views.open({ trigger_id: "1.2.ab", view: { ...view, title: { type: "plain_text", text: "Survey" }, submit: { type: "plain_text", text: "Send" } } }));
    expect(again.data.error).toBe("exchanged_trigger_id");
  });

  it("answers a missing token with not_authed and an unknown one with invalid_auth", async () => {
    const f = await start();
    expect(await (await rawCall(f, "auth.test", {})).json()).toEqual({ ok: false, error: "not_authed" });
    expect(await (await rawCall(f, "auth.test", {}, "xoxb-nope")).json()).toEqual({ ok: false, error: "invalid_auth" });
    const form = await fetch(`${f.apiUrl}auth.test`, { method: "POST", body: new URLSearchParams({ token: f.botToken }) });
    expect(await form.json()).toMatchObject({ ok: true, team_id: FAKE_IDS.teamId, user_id: FAKE_IDS.botUserId, bot_id: FAKE_IDS.botId });
  });

  it("answers a burst past chat.postMessage's per-channel limit with 429 and Retry-After", async () => {
    const f = await start();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await rawCall(f, "chat.postMessage", { channel: FAKE_IDS.general, text: `n${i}` }, f.botToken);
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get("retry-after");
        expect(await res.json()).toEqual({ ok: false, error: "ratelimited" });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(retryAfter).toBe("1");
    // Another channel has its own allowance.
    expect((await rawCall(f, "chat.postMessage", { channel: FAKE_IDS.shared, text: "x" }, f.botToken)).status).toBe(200);
  });

  it("lets WebClient honour Retry-After and succeed on its retry", async () => {
    const f = await start({ rateLimits: { postMessagePerChannel: { perSecond: 1, burst: 1 } } });
    const web = client(f);
    const started = Date.now();
    const results = await Promise.all([1, 2].map((n) => web.chat.postMessage({ channel: FAKE_IDS.general, text: `m${n}` })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(f.callsTo("chat.postMessage").map((c) => c.status)).toEqual([200, 429, 200]);
  });

  it("enforces tier limits per method with a Retry-After until the next slot", async () => {
    let now = 1_700_000_000_000;
    const f = await start({ now: () => now, rateLimits: { perMinute: { "users.info": 2 } } });
    const call = () => rawCall(f, "users.info", { user: FAKE_IDS.member }, f.botToken);
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("30");
    now += 30_000;
    expect((await call()).status).toBe(200);
  });

  it("injects faults for a number of calls, then behaves again", async () => {
    const f = await start();
    f.fail("chat.postMessage", { error: "not_in_channel", when: (a) => a.channel === FAKE_IDS.shared });
    f.fail("users.info", { error: "account_inactive", times: 2 });
    f.fail("conversations.info", { status: 503 });
    const web = new WebClient(f.botToken, { slackApiUrl: f.apiUrl, retryConfig: { retries: 0 } });
    expect((await slackError(web.chat.postMessage({ channel: FAKE_IDS.shared, text: "x" }))).data.error).toBe("not_in_channel");
    expect((await web.chat.postMessage({ channel: FAKE_IDS.shared, text: "x" })).ok).toBe(true);
    for (let i = 0; i < 2; i++) expect((await slackError(web.users.info({ user: FAKE_IDS.member }))).data.error).toBe("account_inactive");
    expect((await web.users.info({ user: FAKE_IDS.member })).ok).toBe(true);
    expect((await slackError(web.conversations.info({ channel: FAKE_IDS.general }))).code).toBe(ErrorCode.HTTPError);
  });

  it("pages conversations.members with cursors", async () => {
    const f = await start();
    f.setChannel({ id: "C09BIG", name: "big", members: ["U1", "U2", "U3", "U4", "U5"] });
    const pages: string[][] = [];
    for await (const page of client(f).paginate("conversations.members", { channel: "C09BIG", limit: 2 })) {
      pages.push((page as unknown as { members: string[] }).members);
    }
    expect(pages).toEqual([["U1", "U2"], ["U3", "U4"], ["U5"]]);
  });

  it("describes people and channels, including Slack Connect and locales", async () => {
    const f = await start();
    const web = client(f);
    const plain = await web.users.info({ user: FAKE_IDS.member });
    expect(plain.user).not.toHaveProperty("locale");
    const withLocale = await web.users.info({ user: FAKE_IDS.member, include_locale: true });
    expect(withLocale.user).toMatchObject({ locale: "fr-FR", tz: "Europe/Paris", team_id: FAKE_IDS.teamId });
    const guest = await web.users.info({ user: FAKE_IDS.guest });
    expect(guest.user?.team_id).toBe(FAKE_IDS.partnerTeamId);
    const shared = await web.conversations.info({ channel: FAKE_IDS.shared });
    expect(shared.channel).toMatchObject({ is_ext_shared: true, is_shared: true });
    const dm = await web.conversations.open({ users: FAKE_IDS.member });
    expect(dm.channel?.id).toMatch(/^D/);
    expect((await web.chat.postMessage({ channel: dm.channel!.id!, text: "hi" })).channel).toBe(dm.channel?.id);
  });

  it("carries Enterprise Grid ids when configured", async () => {
    const f = await start({ enterpriseId: FAKE_IDS.enterpriseId });
    const auth = await client(f).auth.test();
    expect(auth).toMatchObject({ enterprise_id: FAKE_IDS.enterpriseId, is_enterprise_install: false });
    const user = await client(f).users.info({ user: FAKE_IDS.facilitator });
    expect(user.user?.enterprise_user).toMatchObject({ enterprise_id: FAKE_IDS.enterpriseId });
  });

  it("exchanges OAuth codes for team and org-wide installations, and revokes on apps.uninstall", async () => {
    const f = await start({ enterpriseId: FAKE_IDS.enterpriseId });
    const noToken = client(f, undefined);
    const creds = { client_id: f.state.clientId, client_secret: f.state.clientSecret };
    const team = await noToken.oauth.v2.access({ ...creds, code: f.grantOAuthCode() });
    expect(team).toMatchObject({ token_type: "bot", team: { id: FAKE_IDS.teamId }, is_enterprise_install: false, bot_user_id: FAKE_IDS.botUserId });
    const org = await noToken.oauth.v2.access({ ...creds, code: f.grantOAuthCode({ enterprise: true }) });
    expect(org).toMatchObject({ team: null, enterprise: { id: FAKE_IDS.enterpriseId }, is_enterprise_install: true });
    expect(await client(f, org.access_token).auth.test()).toMatchObject({ is_enterprise_install: true, enterprise_id: FAKE_IDS.enterpriseId });
    expect((await slackError(noToken.oauth.v2.access({ ...creds, code: "bogus" }))).data.error).toBe("invalid_code");
    await client(f, team.access_token).apps.uninstall(creds);
    expect((await slackError(client(f, team.access_token).auth.test())).data.error).toBe("token_revoked");
  });

  it("updates and deletes its messages, posts ephemerals, publishes App Home and guards view hashes", async () => {
    const f = await start();
    const web = client(f);
    const posted = await web.chat.postMessage({ channel: FAKE_IDS.general, text: "v1" });
    expect((await web.chat.update({ channel: FAKE_IDS.general, ts: posted.ts!, text: "v2" })).text).toBe("v2");
    expect((await slackError(web.chat.update({ channel: FAKE_IDS.general, ts: "1.000001", text: "x" }))).data.error).toBe("message_not_found");
    expect((await web.chat.delete({ channel: FAKE_IDS.general, ts: posted.ts! })).ok).toBe(true);
    expect((await web.chat.postEphemeral({ channel: FAKE_IDS.general, user: FAKE_IDS.member, text: "psst" })).message_ts).toBeTruthy();
    expect((await slackError(web.chat.postEphemeral({ channel: FAKE_IDS.general, user: FAKE_IDS.guest, text: "x" }))).data.error).toBe("user_not_in_channel");
    expect((await slackError(web.chat.postMessage({ channel: FAKE_IDS.private.replace("G", "G9"), text: "x" }))).data.error).toBe("channel_not_found");
    const home = await web.views.publish({ user_id: FAKE_IDS.member, view: { type: "home", blocks: [section("Home")] } });
    expect(home.view?.hash).toBeTruthy();
    const modal = { type: "modal" as const, title: { type: "plain_text" as const, text: "Setup" }, blocks: [section("Step 1")] };
    const opened = await web.views.open({ trigger_id: "1.2.cd", view: modal });
    const updated = await web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: modal });
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    const stale = await slackError(web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: modal }));
    expect(stale.data.error).toBe("hash_conflict");
  });

  it("answers missing_scope when the token lacks the method's scope", async () => {
    const f = await start({ scopes: ["chat:write"] });
    const error = await slackError(client(f).users.info({ user: FAKE_IDS.member }));
    expect(error.data).toMatchObject({ error: "missing_scope", needed: "users:read" });
  });
});

const boltHeaders = (req: SignedRequest) => ({
  "x-slack-signature": req.headers["x-slack-signature"]!,
  "x-slack-request-timestamp": Number(req.headers["x-slack-request-timestamp"]),
});

describe("signed Slack request builders", () => {
  const builders: [string, SignedRequest][] = [
    ["slash command", slashCommand({ text: "help" })],
    ["block_actions", blockActions({ actions: [buttonAction("survey.answer", "yes")] })],
    ["view_submission", viewSubmission({ view: { callback_id: "setup.submit" } })],
    ["event_callback", eventCallback(events.memberJoinedChannel({}))],
    ["url_verification", urlVerification("abc")],
  ];

  it.each(builders)("signs a %s so Bolt's verifySlackRequest accepts it", (_name, req) => {
    expect(() => verifySlackRequest({ signingSecret: TEST_SIGNING_SECRET, body: req.body, headers: boltHeaders(req) })).not.toThrow();
  });

  it("fails verification with a wrong secret or a stale timestamp", () => {
    const wrong = slashCommand({}, { signWithSecret: "not-the-secret" });
    expect(() => verifySlackRequest({ signingSecret: TEST_SIGNING_SECRET, body: wrong.body, headers: boltHeaders(wrong) })).toThrow(/signature mismatch/);
    const old = slashCommand({}, { ageSeconds: 600 });
    expect(() => verifySlackRequest({ signingSecret: TEST_SIGNING_SECRET, body: old.body, headers: boltHeaders(old) })).toThrow(/stale/);
  });

  it("builds documented payload shapes, including Slack Connect and Enterprise Grid", () => {
    const command = new URLSearchParams(slashCommand({ text: "link ABC123", enterprise_id: FAKE_IDS.enterpriseId, is_enterprise_install: true }).body);
    expect(Object.fromEntries(command)).toMatchObject({ command: "/cop", text: "link ABC123", enterprise_id: FAKE_IDS.enterpriseId, is_enterprise_install: "true" });
    expect(command.get("trigger_id")).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    const action = JSON.parse(new URLSearchParams(blockActions({ actions: [buttonAction("a", "b")] }).body).get("payload")!);
    expect(action).toMatchObject({ type: "block_actions", actions: [{ action_id: "a", value: "b" }], team: { id: FAKE_IDS.teamId } });
    const connect = JSON.parse(slackConnectMention().body);
    expect(connect).toMatchObject({ team_id: FAKE_IDS.teamId, is_ext_shared_channel: true, event: { user: FAKE_IDS.guest, user_team: FAKE_IDS.partnerTeamId } });
    const grid = JSON.parse(enterpriseGridMention().body);
    expect(grid).toMatchObject({ enterprise_id: FAKE_IDS.enterpriseId, authorizations: [{ is_enterprise_install: true, enterprise_id: FAKE_IDS.enterpriseId }] });
    const retried = eventCallback(events.appHomeOpened({}), {}, { retry: { num: 1, reason: "http_timeout" } });
    expect(retried.headers).toMatchObject({ "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" });
  });
});

describe("a Bolt app against the fake", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it("verifies signed requests and sends its replies to the fake", async () => {
    const f = await start();
    const app = new App({ token: f.botToken, signingSecret: TEST_SIGNING_SECRET, clientOptions: { slackApiUrl: f.apiUrl } });
    app.command("/cop", async ({ ack, command, client: web }) => {
      await ack();
      await web.chat.postMessage({ channel: command.channel_id, text: `You said ${command.text}` });
    });
    server = (await app.start(0)) as Server;
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    expect((await send(base, slashCommand({ text: "help" }))).status).toBe(200);
    await expect.poll(() => f.callsTo("chat.postMessage").length).toBe(1);
    expect(f.callsTo("chat.postMessage")[0]?.args.text).toBe("You said help");
    expect(f.callsTo("auth.test")).toHaveLength(1);

    expect((await send(base, slashCommand({}, { signWithSecret: "wrong" }))).status).toBe(401);
    expect((await send(base, slashCommand({}, { ageSeconds: 600 }))).status).toBe(401);
    const challenge = await send(base, urlVerification("c-123"));
    expect(await challenge.json()).toEqual({ challenge: "c-123" });
  });
});
