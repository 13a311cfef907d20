/**
 * /slack/events before Bolt: timestamps within ±5 minutes, replays refused (or dropped after the ack) across instances, malformed
 * payloads answered 400, and every 4xx a JSON `{error, message}`. Real signed requests at the real server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TableClient } from "@azure/data-tables";
import { Profile } from "../../src/core/domain.js";
import { openSignedRequestsTable } from "../../src/slack/replayGuard.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";
import { blocksText } from "../support/slackApp.js";
import {
  blockActions, buttonAction, eventCallback, events, send, signature, slashCommand, TEST_SIGNING_SECRET, viewSubmission, type SignedRequest,
} from "../support/slackRequests.js";
import { testConnectionString, uniquePrefix } from "../support/storage.js";

let fake: FakeSlack;
/** Two instances of the app on the same storage (same table prefix), as behind a load balancer. */
let a: TestApp;
let b: TestApp;
/** The replay guard's table: a row per signed request recorded in storage. */
let signedRequests: TableClient;
beforeAll(async () => {
  fake = await startFakeSlack();
  const env = { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, SLACK_BOT_TOKEN: fake.botToken };
  const tablePrefix = uniquePrefix();
  signedRequests = openSignedRequestsTable({ connectionString: testConnectionString(), tablePrefix });
  a = await startTestApp(env, { tablePrefix });
  b = await startTestApp(env, { tablePrefix });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await fake?.stop();
});
beforeEach(() => fake.reset());

const HOME = FAKE_IDS.teamId;
const FACILITATOR = `slack:${HOME}:${FAKE_IDS.facilitator}`;
const CODE = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/;

/** A signed request with any body and content type (what the builders cannot produce: broken payloads). */
function signedRaw(body: string, contentType: string, now = Date.now()): SignedRequest {
  const timestamp = Math.floor(now / 1000);
  return { body, headers: { "content-type": contentType, "x-slack-request-timestamp": String(timestamp), "x-slack-signature": signature(TEST_SIGNING_SECRET, timestamp, body) } };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function expectJsonError(res: Response, status: number, error: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error?: unknown; message?: unknown };
  expect(body.error).toBe(error);
  expect(typeof body.message).toBe("string");
}

async function seedCommunity(channel: string, name: string): Promise<string> {
  const { deps } = a;
  const now = new Date().toISOString();
  const id = `c-${name.toLowerCase().replace(/\W+/g, "-")}`;
  await deps.repos.communities.create({
    id, charter: { name, domain: "health data", audience: "stewards", purposes: ["learning"], goals: [], outcomes: [], guidelines: { participation: "", contribution: "", conflictResolution: "" } },
    status: "pilot", createdAt: now, createdBy: FACILITATOR, updatedAt: now,
  });
  const spaceKey = `slack:${HOME}:${channel}`;
  await deps.repos.spaces.bind({ communityId: id, spaceKey, platform: "slack", displayName: "#x", boundAt: now, boundBy: FACILITATOR });
  await deps.repos.members.save({ communityId: id, personKey: FACILITATOR, displayName: "Ana", role: "facilitator", spaceKey, profile: Profile.parse({}), joinedAt: now, lastActiveAt: now });
  return id;
}

const ephemeralsTo = (user: string) => fake.ephemerals().filter((c) => c.args.user === user);
const textOf = (call: { args: Record<string, unknown> }) => `${String(call.args.text)}\n${blocksText(call.args.blocks)}`;

describe("request timestamps", () => {
  it.each([
    ["10 minutes ahead", 10 * 60],
    ["a day ahead", 24 * 60 * 60],
  ])("refuses a request dated %s with a 401 JSON answer", async (_name, aheadSeconds) => {
    const res = await send(a.url, slashCommand({ text: "help" }, { ageSeconds: -aheadSeconds }));
    await expectJsonError(res, 401, "future_timestamp");
  });

  it("refuses an old request, and a bad signature, with 401 JSON too", async () => {
    await expectJsonError(await send(a.url, slashCommand({ text: "help" }, { ageSeconds: 6 * 60 })), 401, "stale_timestamp");
    await expectJsonError(await send(a.url, slashCommand({ text: "help" }, { signWithSecret: "not-the-secret" })), 401, "bad_signature");
  });

  it("accepts a request dated a little ahead (clock skew within 5 minutes)", async () => {
    const res = await send(a.url, slashCommand({ text: "help" }, { ageSeconds: -4 * 60 }));
    expect(res.status).toBe(200);
    await expect.poll(() => ephemeralsTo(FAKE_IDS.facilitator).length).toBe(1);
  });
});

describe("replayed requests", () => {
  it("runs a slash command once when the same signed request comes again, on another instance too", async () => {
    await seedCommunity(FAKE_IDS.general, "Replay CoP");
    const command = slashCommand({ text: "status launched" });
    expect((await send(a.url, command)).status).toBe(200);
    const announced = () => fake.callsTo("chat.postMessage").filter((c) => c.args.channel === FAKE_IDS.general && textOf(c).includes("Replay CoP is now at the Launched stage"));
    await expect.poll(() => announced().length).toBe(1);

    // Another instance learns it is a replay from storage, after Slack's ack (a command is acknowledged before
    // anything runs): an empty 200, and nothing run.
    const replayed = await send(b.url, command);
    expect(replayed.status).toBe(200);
    expect(await replayed.text()).toBe("");
    await expect.poll(() => b.logs.some((l) => l.msg === "slack request dropped after its ack: replay of a request already accepted")).toBe(true);
    // The instance that took it knows at once.
    await expectJsonError(await send(a.url, command), 409, "replayed_request");
    // A retry header (unsigned) does not turn a replayed command into an event redelivery.
    await expectJsonError(await send(a.url, { ...command, headers: { ...command.headers, "x-slack-retry-num": "1" } }), 409, "replayed_request");

    // A fresh request afterwards is answered as usual; the replays added nothing (the status answer was public).
    expect(ephemeralsTo(FAKE_IDS.facilitator)).toEqual([]);
    expect((await send(b.url, slashCommand({ text: "charter" }))).status).toBe(200);
    await expect.poll(() => ephemeralsTo(FAKE_IDS.facilitator).length).toBe(1);
    expect(textOf(ephemeralsTo(FAKE_IDS.facilitator)[0]!)).toContain("Replay CoP");
    expect(announced()).toHaveLength(1);
  });

  it("mints one link code when the same signed button press comes again", async () => {
    await seedCommunity(FAKE_IDS.private, "Button CoP");
    const press = blockActions({ actions: [buttonAction("space.link.start", "")], channel: { id: FAKE_IDS.private, name: "cop-core-team" } });
    expect((await send(a.url, press)).status).toBe(200);
    const codes = () => ephemeralsTo(FAKE_IDS.facilitator).filter((c) => CODE.test(textOf(c)));
    await expect.poll(() => codes().length).toBe(1);

    const dropped = () => b.logs.filter((l) => l.msg === "slack request dropped after its ack: replay of a request already accepted").length;
    const droppedBefore = dropped();
    expect((await send(b.url, press)).status).toBe(200);
    await expect.poll(dropped).toBe(droppedBefore + 1);
    await expectJsonError(await send(a.url, press), 409, "replayed_request");

    expect((await send(b.url, slashCommand({ text: "help", channel_id: FAKE_IDS.private }))).status).toBe(200);
    await expect.poll(() => ephemeralsTo(FAKE_IDS.facilitator).length).toBe(2);
    expect(codes()).toHaveLength(1);
  });

  it("checks a read-only command's replay in memory: nothing is written to storage; the instance that took it refuses it, another only repeats the private answer", async () => {
    const signedRows = async () => {
      let n = 0;
      for await (const _row of signedRequests.listEntities()) n++;
      return n;
    };
    const rowsBefore = await signedRows();
    const help = slashCommand({ text: "help", channel_id: FAKE_IDS.general });
    expect((await send(a.url, help)).status).toBe(200);
    await expect.poll(() => ephemeralsTo(FAKE_IDS.facilitator).length).toBe(1);
    await expectJsonError(await send(a.url, help), 409, "replayed_request");

    // Another instance has not seen it: it answers again, privately, and nothing else happens.
    expect((await send(b.url, help)).status).toBe(200);
    await expect.poll(() => ephemeralsTo(FAKE_IDS.facilitator).length).toBe(2);
    expect(textOf(ephemeralsTo(FAKE_IDS.facilitator)[1]!)).toBe(textOf(ephemeralsTo(FAKE_IDS.facilitator)[0]!));
    expect(fake.callsTo("chat.postMessage")).toEqual([]);
    expect(await signedRows()).toBe(rowsBefore);

    // A command that changes something is still recorded in storage before it runs.
    expect((await send(a.url, slashCommand({ text: "join", channel_id: FAKE_IDS.general }))).status).toBe(200);
    await expect.poll(() => ephemeralsTo(FAKE_IDS.facilitator).length).toBe(3);
    expect(await signedRows()).toBe(rowsBefore + 1);
  });

  it("refuses a replayed event, but takes Slack's retry of it (X-Slack-Retry-Num) and runs it once", async () => {
    const eventTime = Math.floor(Date.now() / 1000);
    const now = Date.now();
    const first = eventCallback(events.appHomeOpened({}), { event_id: "Ev0REPLAY001", event_time: eventTime }, { now });
    expect((await send(a.url, first)).status).toBe(200);
    await expect.poll(() => fake.callsTo("views.publish").length).toBe(1);
    await expectJsonError(await send(b.url, first), 409, "replayed_request");

    // Slack's redelivery, even signed in the same second as the first: the event_id dedupe skips it.
    const retry = eventCallback(events.appHomeOpened({}), { event_id: "Ev0REPLAY001", event_time: eventTime }, { now, retry: { num: 1, reason: "http_timeout" } });
    expect((await send(b.url, retry)).status).toBe(200);
    await expect.poll(() => b.logs.some((l) => l.msg === "slack event already processed; retry skipped" && l.eventId === "Ev0REPLAY001")).toBe(true);
    expect(fake.callsTo("views.publish")).toHaveLength(1);
  });
});

describe("malformed payloads", () => {
  it("answers a signed JSON `null` with 400 JSON", async () => {
    await expectJsonError(await send(a.url, signedRaw("null", "application/json")), 400, "malformed_payload");
  });

  it("answers block_actions with `\"user\": null` with 400 JSON", async () => {
    const press = blockActions({ actions: [buttonAction("community.roles.show", "")], user: null });
    const res = await send(a.url, press);
    await expectJsonError(res, 400, "malformed_payload");
  });

  it("answers a slash command without a user, and an event without its event, with 400 JSON", async () => {
    await expectJsonError(await send(a.url, signedRaw(form({ command: "/cop", text: "help", team_id: HOME, channel_id: FAKE_IDS.general }), "application/x-www-form-urlencoded")), 400, "malformed_payload");
    await expectJsonError(await send(a.url, signedRaw(JSON.stringify({ type: "event_callback", event_id: "Ev0NOEVENT", team_id: HOME, event: null }), "application/json")), 400, "malformed_payload");
  });

  it("takes an app_mention whose text is null without a listener failing", async () => {
    const mention = { ...events.appMention({}), text: null };
    const res = await send(a.url, eventCallback(mention));
    expect(res.status).toBe(200);
    await expect.poll(() => ephemeralsTo(FAKE_IDS.facilitator).length).toBe(1);
    expect(textOf(ephemeralsTo(FAKE_IDS.facilitator)[0]!)).toContain("CoP Companion: what I can do");
    expect(a.logs.filter((l) => l.msg === "slack listener failed")).toEqual([]);
  });
});

describe("every 4xx from /slack/events is JSON", () => {
  it("answers a body over the limit with 413 JSON", async () => {
    const res = await send(a.url, eventCallback(events.appMention({ text: "x".repeat(300 * 1024) })));
    await expectJsonError(res, 413, "payload_too_large");
  });

  it("answers a body that is not JSON with 400 JSON", async () => {
    await expectJsonError(await send(a.url, signedRaw("{\"type\":", "application/json")), 400, "malformed_payload");
  });

  it("answers a request without signature headers with 401 JSON", async () => {
    const res = await fetch(new URL("/slack/events", a.url), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await expectJsonError(res, 401, "missing_headers");
  });
});

describe("requests nothing here handles", () => {
  const errorsLogged = (app: TestApp) => app.logs.filter((l) => Number(l.level) >= 50);

  it("answers a button it does not know at once, with a hint from the core, and logs no error", async () => {
    const errorsBefore = errorsLogged(a).length;
    const started = Date.now();
    const res = await send(a.url, blockActions({ actions: [buttonAction("elsewhere.unknown", "{}")] }));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect.poll(() => ephemeralsTo(FAKE_IDS.facilitator).length).toBe(1);
    const hint = textOf(ephemeralsTo(FAKE_IDS.facilitator)[0]!);
    expect(hint).toContain("That button or form is not one I know (it may be from an older version of the app). Type /cop help to see what I can do.");
    expect(errorsLogged(a).slice(errorsBefore)).toEqual([]);
  });

  it("answers a slash command it does not have in the same response, pointing to /cop, and logs no error", async () => {
    const errorsBefore = errorsLogged(a).length;
    const started = Date.now();
    const res = await send(a.url, slashCommand({ command: "/cop-old", text: "charter" }));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    const answer = (await res.json()) as { response_type?: string; text?: string; blocks?: unknown };
    expect(answer.response_type).toBe("ephemeral");
    expect(answer.text).toBe("This app answers /cop only. Type /cop help to see what it can do.");
    expect(blocksText(answer.blocks)).toContain("This app answers `/cop` only. Type `/cop help` to see what it can do.");
    // The app's own command is still answered once, by its own listener.
    expect((await send(a.url, slashCommand({ text: "help" }))).status).toBe(200);
    await expect.poll(() => ephemeralsTo(FAKE_IDS.facilitator).length).toBe(1);
    // Everything the requests set off has finished before the log is read.
    expect(await a.work.drain(5_000)).toBe(true);
    expect(errorsLogged(a).slice(errorsBefore)).toEqual([]);
  });

  it("answers a modal it does not know at once: the person is told to open it again, and no error is logged", async () => {
    const errorsBefore = errorsLogged(a).length;
    const started = Date.now();
    const res = await send(a.url, viewSubmission({ view: { callback_id: "survey.answer.v1", private_metadata: "", state: { values: {} } } }));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    const told = () => fake.callsTo("chat.postMessage").filter((c) => c.args.channel === FAKE_IDS.facilitator);
    await expect.poll(() => told().length).toBe(1);
    expect(textOf(told()[0]!)).toContain("This form could not be checked (it was changed, or is not one of ours). Nothing was saved. Please open it again.");
    expect(errorsLogged(a).slice(errorsBefore)).toEqual([]);
  });
});
