/**
 * One server of the latency bench, in a process of its own (forked with IPC; says `{ url }` once listening):
 * `app` is the real app, compiled as production runs it (dist/; BENCH_APP_SOURCE=1: src/ under tsx); `bare`
 * is bare Bolt that only acks and bare teams-ai (on botbuilder's CloudAdapter) that only answers; `same-work`
 * is the same two doing what the app does for `help` and a vote at the least: one table read by keys with
 * @azure/data-tables (the asker's member row, see `memberRow`), for a vote one row written (a vote is stored
 * before it is confirmed), and one reply (Slack: an ephemeral message at the request's response_url after the
 * ack, as the app answers a command or a button; Teams sendActivity, or the invoke's card). `same-reply` is `same-work` whose replies are the app's own, given after the app's probe as
 * `{ type: "reply", kind, reply }` (the request kind's id, and what the app replied: see `AppReply`; answered
 * `{ type: "replied" }`), so the two send and the fakes parse the same bytes. Settings come from the
 * environment (see bench/latency.ts). `{ type: "storage" }` asks how many requests it has sent to storage so
 * far (answered `{ type: "storage", requests }`); `app` takes
 * `{ type: "enrol" }` once the community is set up, puts every bench voter on its roster and says
 * `{ type: "enrolled" }`.
 */
import { channel } from "node:diagnostics_channel";
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import type { AddressInfo } from "node:net";
import { TableClient, type TransactionAction } from "@azure/data-tables";
import { Application, TeamsAdapter, type TurnState } from "@microsoft/teams-ai";
import { App, ExpressReceiver, type types } from "@slack/bolt";
import type { Attachment } from "botbuilder";
import express from "express";
import type * as AppModule from "../src/app.js";
import type * as ConfigModule from "../src/config.js";
import type * as LogModule from "../src/log.js";
import { FAKE_IDS } from "../test/support/fakeSlack.js";
import { TEST_SIGNING_SECRET } from "../test/support/slackRequests.js";
import { BENCH_USERS, slackUser, teamsUser } from "./latencyShared.js";
import { benchEnv, benchPersonKey, enrolVoters, type Voter } from "./world.js";

export type ServerKind = "app" | "bare" | "same-work" | "same-reply";
/** What the app replied to one request kind: Slack's message text and blocks, Teams' text and attachments, a Teams invoke's card. */
export type AppReply = { text?: string; blocks?: unknown[]; attachments?: unknown[]; card?: { type: "AdaptiveCard" } };
const kind = process.argv[2] as ServerKind;
const connectionString = process.env.CONNECTION_STRING ?? "";
const fake = { apiUrl: process.env.FAKE_SLACK_URL ?? "", botToken: process.env.FAKE_SLACK_TOKEN ?? "" };
const prefix = process.env.TABLE_PREFIX ?? `l${Date.now().toString(36)}`;

/**
 * What the same-work baseline reads on every request: the asker's member row, among a row for every bench
 * member of both platforms in one partition, as the app's community partition holds its roster (storage reads
 * by keys in time that grows with the partition in Azurite, so a row alone in its table is less work).
 */
const MEMBER_JSON = JSON.stringify({ name: "Member", roles: ["member"], profile: { organisation: "Bench", expertise: ["data"], timezone: "Europe/Rome" } });
const memberRow = (personKey: string) => ({ partitionKey: "c:bench", rowKey: `m:${personKey}`, json: MEMBER_JSON });
const TEXT = "Here is what you can do here: `charter`, `events`, `poll`, `survey` and more.";
const card = { type: "AdaptiveCard" as const, version: "1.4", body: [{ type: "TextBlock", text: "Your answer is in: Green", wrap: true }] };

async function bare(sameWork: boolean): Promise<string> {
  // The same-reply server's replies, by request kind (bench/latency.ts); the one-liners until they come.
  const replies: Record<string, AppReply | undefined> = {};
  process.on("message", (message: { type?: string; kind?: string; reply?: AppReply }) => {
    if (message.type !== "reply" || !message.kind) return;
    replies[message.kind] = message.reply;
    process.send!({ type: "replied" });
  });
  let read = async (_personKey: string) => undefined as unknown;
  let store = async (_voter: string) => undefined as unknown;
  if (sameWork) {
    const table = TableClient.fromConnectionString(connectionString, `${prefix}SameWork`, { allowInsecureConnection: true });
    await table.createTable();
    const people = Array.from({ length: BENCH_USERS }, (_, n) => [benchPersonKey("slack", slackUser(n)), benchPersonKey("teams", teamsUser(n).aadObjectId)]).flat();
    for (let from = 0; from < people.length; from += 100) {
      await table.submitTransaction(people.slice(from, from + 100).map((person): TransactionAction => ["upsert", memberRow(person), "Replace"]));
    }
    read = (personKey) => table.getEntity("c:bench", memberRow(personKey).rowKey);
    // A vote is kept before it is confirmed: one row per voter, written over when they vote again.
    store = (voter) => table.upsertEntity({ partitionKey: "v:bench", rowKey: voter, option: 1 }, "Replace");
  }
  const receiver = new ExpressReceiver({ signingSecret: TEST_SIGNING_SECRET, endpoints: "/slack/events" });
  const bolt = new App({ receiver, token: fake.botToken, botId: FAKE_IDS.botId, botUserId: FAKE_IDS.botUserId, tokenVerificationEnabled: false, clientOptions: { slackApiUrl: fake.apiUrl } });
  bolt.command("/cop", async ({ ack, command, respond }) => {
    await ack();
    if (!sameWork) return;
    await read(benchPersonKey("slack", command.user_id));
    const reply = replies["slack-help"];
    const blocks = (reply?.blocks ?? [{ type: "section", text: { type: "mrkdwn", text: TEXT } }]) as types.KnownBlock[];
    await respond({ response_type: "ephemeral", text: reply?.text ?? TEXT, blocks });
  });
  bolt.action(/.*/, async ({ ack, body, respond }) => {
    await ack();
    if (!sameWork) return;
    await read(benchPersonKey("slack", body.user.id));
    await store(body.user.id);
    const reply = replies["slack-vote"];
    await respond({ response_type: "ephemeral", replace_original: false, text: reply?.text ?? card.body[0]!.text, ...(reply?.blocks ? { blocks: reply.blocks as types.KnownBlock[] } : {}) });
  });

  const adapter = new TeamsAdapter({});
  const teams = new Application<TurnState>({ adapter, botAppId: "", removeRecipientMention: false, startTypingTimer: false, longRunningMessages: false });
  teams.activity("message", async (context) => {
    if (!sameWork) return;
    await read(benchPersonKey("teams", context.activity.from.aadObjectId ?? ""));
    const reply = replies["teams-help"];
    await context.sendActivity(reply ? { text: reply.text, attachments: reply.attachments as Attachment[] } : TEXT);
  });
  teams.adaptiveCards.actionExecute(/.*/, async (context) => {
    await read(benchPersonKey("teams", context.activity.from.aadObjectId ?? ""));
    await store(context.activity.from.id);
    return replies["teams-vote"]?.card ?? card;
  });
  const web = express();
  web.post("/api/messages", express.json(), (req, res) => void adapter.process(req, res, (context) => teams.run(context).then(() => undefined)));
  web.use(receiver.router);
  const server = createServer(web);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The app as production runs it, compiled (dist/, built by the bench); BENCH_APP_SOURCE=1: from src/ under tsx. */
async function app(): Promise<string> {
  const from = process.env.BENCH_APP_SOURCE === "1" ? "../src" : "../dist";
  const { startApp } = (await import(`${from}/app.js`)) as typeof AppModule;
  const { loadConfig } = (await import(`${from}/config.js`)) as typeof ConfigModule;
  const { createLogger } = (await import(`${from}/log.js`)) as typeof LogModule;
  const log = createLogger(process.env.BENCH_LOG ?? "warn");
  // BENCH_WORK_GATE=off: the work after a Slack ack, and Teams turns, are never held back (the gate never reads the loop), to compare;
  // BENCH_WORK_GATE=N: up to N pieces of work wait (the gate's maxWaiting) instead of the app's default.
  const gateSetting = process.env.BENCH_WORK_GATE;
  // BENCH_WORK_GATE_LATE=MS: the turn length the gate settles at instead of the app's LATE_MS.
  const lateSetting = process.env.BENCH_WORK_GATE_LATE ? { lateMs: Number(process.env.BENCH_WORK_GATE_LATE) } : {};
  const workGate = { ...(gateSetting === "off" ? { sampleEveryMs: 0 } : gateSetting ? { maxWaiting: Number(gateSetting) } : {}), ...lateSetting };
  const running = await startApp(loadConfig(benchEnv(connectionString, fake)), { log, tablePrefix: prefix, workGate });
  // Once the community is set up: every bench voter on its roster, in their own platform's space.
  process.on("message", (request: { type?: string }) => {
    if (request.type !== "enrol") return;
    const voters = Array.from({ length: BENCH_USERS }, (_, n): Voter[] => [
      { platform: "slack", id: slackUser(n), displayName: `member${n}` },
      { platform: "teams", id: teamsUser(n).aadObjectId, displayName: teamsUser(n).name },
    ]).flat();
    enrolVoters(running, voters).then(
      () => process.send!({ type: "enrolled" }),
      (error: unknown) => process.send!({ type: "failed", error: String((error as Error).stack ?? error) }),
    );
  });
  return running.url;
}

/** Requests this process has sent to storage (each HTTP request to its endpoint; a transaction is one). */
let storageRequests = 0;
/** BENCH_STORAGE_TRACE=1 (or a directory): what this process sent to storage, by method and path (keys elided but for their kind, the part before a first colon), printed when it stops. */
const trace = process.env.BENCH_STORAGE_TRACE ? new Map<string, number>() : undefined;
/** BENCH_STORAGE_TRACE=DIR: also each request to DIR/<server>.log: when it ended (epoch ms), how long it took, what it was. */
const traceFile = process.env.BENCH_STORAGE_TRACE && process.env.BENCH_STORAGE_TRACE !== "1" ? `${process.env.BENCH_STORAGE_TRACE}/${kind}.log` : undefined;
/** With a trace directory: when each storage request started, and what it was, until its response ends. */
const started = new WeakMap<object, [number, string]>();
const storageHost = new URL(/TableEndpoint=([^;]+)/.exec(connectionString)?.[1] ?? "http://unknown").host;
channel("http.client.request.start").subscribe((message) => {
  const request = (message as { request: { getHeader(name: string): unknown } }).request;
  if (request.getHeader("host") !== storageHost) return;
  storageRequests += 1;
  if (trace) {
    const { method, path } = request as unknown as { method: string; path: string };
    const what = `${method} ${decodeURIComponent(path.split("?")[0]!).replace(/'([^':]*:)?[^']*'/g, "'$1…'")}${path.includes("$filter") ? " (query)" : ""}`;
    trace.set(what, (trace.get(what) ?? 0) + 1);
    if (traceFile) started.set(request, [performance.now(), what]);
  }
});
channel("http.client.response.finish").subscribe((message) => {
  const at = traceFile && started.get((message as { request: object }).request);
  if (at) appendFileSync(traceFile, `${Date.now()} ${(performance.now() - at[0]).toFixed(1)} ${at[1]}\n`);
});
process.on("exit", () => {
  if (trace) process.stderr.write(`[${kind}] storage requests:\n${[...trace].sort((a, b) => b[1] - a[1]).map(([what, n]) => `  ${n}\t${what}`).join("\n")}\n`);
});
/**
 * BENCH_GC_LOG=MS: each garbage collection pause of at least MS, as `gc <server> <epoch ms> <pause ms> <kind>` on
 * stderr, and each half second whose longest event-loop delay was at least MS (`loop <server> <epoch ms> <ms>`).
 */
if (process.env.BENCH_GC_LOG) {
  const least = Number(process.env.BENCH_GC_LOG);
  // Where this process's monotonic clock (a CPU profile's timestamps, µs) stands against the wall clock.
  process.stderr.write(`clock ${kind} ${Date.now()} ${process.hrtime.bigint() / 1000n} ${performance.timeOrigin}\n`);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration >= least) process.stderr.write(`gc ${kind} ${Math.round(performance.timeOrigin + entry.startTime)} ${entry.duration.toFixed(1)} ${(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind}\n`);
    }
  }).observe({ entryTypes: ["gc"] });
  // And the event loop's longest delay in each half second, when it is more than MS.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  setInterval(() => {
    const max = delay.max / 1e6;
    if (max >= least) process.stderr.write(`loop ${kind} ${Date.now()} ${max.toFixed(1)}\n`);
    delay.reset();
  }, 500).unref();
}
process.on("message", (request: { type?: string }) => {
  if (request.type === "storage") process.send!({ type: "storage", requests: storageRequests });
});

const url = kind === "app" ? await app() : await bare(kind !== "bare");
process.send!({ url });
process.on("disconnect", () => process.exit(0));
// A normal exit when the bench stops this process, so `--cpu-prof` (BENCH_CPU_PROF) writes its profile.
process.on("SIGTERM", () => process.exit(0));
