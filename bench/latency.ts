/**
 * Latency side by side (`BENCH_ONLY=latency npm run bench`): four requests — a signed Slack `/cop help` from the
 * bound channel, a Slack poll vote (block_actions), a Teams `help` in the personal chat and a Teams poll vote as
 * an `adaptiveCard/action` invoke — each at BENCH_LATENCY_RATES (50,200) requests/s, evenly spaced and timed
 * from each request's moment (`atRate`), and saturated (autocannon: BENCH_LATENCY_CONNECTIONS, 50, connections
 * as fast as answers come), for BENCH_LATENCY_SECONDS (15) each,
 * against four servers in processes of their own: bare Bolt / bare teams-ai, the same frameworks doing the
 * same work at the least (one table read by keys, for a vote one row written, one reply of one line), the app,
 * compiled, and same-reply: same-work replying with the app's own reply, as the app's probe got it. The
 * askers are on the community's roster. Storage (Azurite) and the fake platforms run in processes of their
 * own too; this process generates the load. Prints figures, with each server's CPU, storage's and the
 * harness's (this process and the fakes: on a small machine they share the servers' cores), and storage
 * requests per request answered 2xx; never fails on them, but stops if the app does not confirm a vote. Each
 * server's first pass over the bench members (the warm-up) is measured and printed too, and for every Slack
 * cell the rate of its replies.
 * BENCH_LATENCY_KINDS (slack-help,slack-vote,teams-help,teams-vote) and BENCH_LATENCY_SERVERS
 * (bare,same-work,app,same-reply) pick a part; BENCH_LATENCY_RATES= (empty) runs saturated only;
 * BENCH_APP_NODE_ARGS adds node options to the app's process (as in the memory bench, e.g. `--trace-gc`);
 * BENCH_CPU_PROF=DIR and BENCH_HEAP_SAMPLE=DIR write each server's CPU profile and where it allocated;
 * BENCH_WORK_GATE=off never holds back the app's work after a Slack ack, nor a Teams turn (src/workGate.ts), to compare.
 * Each cell is taken in BENCH_LATENCY_ROUNDS (3) parts, the servers taking turns (`cell`).
 */
import { appendFileSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Agent, request } from "undici";
import { answerResponseUrlsAt, blockActions, buttonAction, slashCommand } from "../test/support/slackRequests.js";
import { FAKE_IDS } from "../test/support/fakeSlack.js";
import { executeAction, message } from "../test/support/teamsActivities.js";
import { forkBench } from "./child.js";
import { BENCH_USERS, POLL_OPTIONS, slackUser, teamsUser, type FixtureAnswer, type FixtureRequest } from "./latencyShared.js";
import type { AppReply, ServerKind } from "./latencyServer.js";
import { buildOnce } from "./build.js";
import { p, paced } from "./pace.js";
import { startStorageProcess } from "./storageProcess.js";

const seconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 15);
const rates = (process.env.BENCH_LATENCY_RATES ?? "50,200").split(",").map(Number).filter((rate) => rate > 0);
const connections = Number(process.env.BENCH_LATENCY_CONNECTIONS ?? 50);
/** Each cell in this many parts, the servers taking turns (BENCH_LATENCY_ROUNDS; 1: each server's cell whole, one after another). */
const rounds = Math.max(1, Number(process.env.BENCH_LATENCY_ROUNDS ?? 3));
const only = process.env.BENCH_LATENCY_KINDS?.split(",");
/** In this order: the same-reply server sends what the app's probe replied. */
const ORDER: ServerKind[] = ["bare", "same-work", "app", "same-reply"];
const SERVERS = ORDER.filter((kind) => (process.env.BENCH_LATENCY_SERVERS?.split(",") ?? ORDER).includes(kind));
/** BENCH_CPU_PROF=DIR: each server writes a V8 CPU profile in DIR/KIND when the bench ends (`--cpu-prof`). */
const cpuProfile = process.env.BENCH_CPU_PROF;
/** BENCH_HEAP_SAMPLE=DIR: each server writes where it allocated to DIR/KIND.heapprofile when the bench ends (allocationSample.ts). */
const heapSample = process.env.BENCH_HEAP_SAMPLE;
/** BENCH_LATENCY_TIMELINE=FILE: each fixed-rate cell appends a line to FILE: every 2xx's moment and latency, ms. */
const timeline = process.env.BENCH_LATENCY_TIMELINE;
/** BENCH_LATENCY_FIRST_RATE: the rate of each member's first request (the first pass), per second. */
const WARM_UP_RATE = Number(process.env.BENCH_LATENCY_FIRST_RATE ?? 200);
/**
 * Seconds of the cell's own load each server takes, unmeasured, right before its cell (BENCH_LATENCY_LEAD_IN):
 * the cells of the other servers keep it idle for half a minute or more before its turn, long enough for its
 * connections to storage to close, its short-lived caches to expire and some of its optimised code to be thrown
 * away (V8 logged "dependency-change" deoptimisations on the app's first request after the pause), so without
 * it a cell's first second measured a server coming back from a quiet spell, not the load.
 */
const leadIn = Number(process.env.BENCH_LATENCY_LEAD_IN ?? 2);
type Ready = Extract<FixtureAnswer, { type: "ready" }>;
type Fakes = Extract<FixtureAnswer, { type: "fakes" }>;
/** A request; a Slack one names whom its ephemeral reply goes to. */
type Built = { method: "POST"; path: string; headers: Record<string, string>; body: string; replyTo?: string };

const withHost = (req: Built, url: string): Built => ({ ...req, headers: { ...req.headers, host: new URL(url).host } });
const slack = (req: { headers: Record<string, string>; body: string }, replyTo: string): Built => ({ method: "POST", path: "/slack/events", headers: req.headers, body: req.body, replyTo });
const teams = (activity: unknown): Built => ({ method: "POST", path: "/api/messages", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });

/** Each request kind: how the n-th one is built (signed at send time: Slack refuses old or replayed signatures). */
function requestKinds(fakes: Fakes, poll: Ready): Array<{ id: string; name: string; slack: boolean; build(n: number): Built }> {
  const all: Array<{ id: string; name: string; slack: boolean; build(n: number): Built }> = [
    { id: "slack-help", name: "Slack `/cop help` (bound channel)", slack: true, build: (n) => slack(slashCommand({ text: "help", user_id: slackUser(n), user_name: `member${n % BENCH_USERS}` }), slackUser(n)) },
    {
      id: "slack-vote",
      name: "Slack poll vote (block_actions)",
      slack: true,
      build: (n) => {
        const id = slackUser(n);
        const pressed = { container: { type: "message", message_ts: poll.slackTs, channel_id: FAKE_IDS.general, is_ephemeral: false }, message: { type: "message", user: FAKE_IDS.botUserId, ts: poll.slackTs, text: "", blocks: [] } };
        return slack(blockActions({ user: { id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: FAKE_IDS.teamId }, ...pressed, actions: [buttonAction(poll.actionId, poll.value)] }), id);
      },
    },
    { id: "teams-help", name: "Teams `help` (personal chat)", slack: false, build: (n) => teams(message(fakes.serviceUrl, "help", { place: "personal", user: teamsUser(n) })) },
    {
      id: "teams-vote",
      name: "Teams poll vote (adaptiveCard/action)",
      slack: false,
      build: (n) => {
        const verb = String(poll.teamsData.verb);
        const where = { place: "channel" as const, threadId: "2", user: teamsUser(n) };
        return teams({ ...executeAction(fakes.serviceUrl, verb, poll.teamsData, where), replyToId: poll.teamsPollId });
      },
    },
  ];
  return all.filter((kind) => !only || only.includes(kind.id));
}

/** What the app answered a probe (its first reply; a Teams vote: the invoke's card), for the same-reply server. */
function appReply(kind: { id: string; slack: boolean }, answer: string, said: string[]): AppReply {
  if (kind.id === "teams-vote") return { card: (JSON.parse(answer) as { value: { type: "AdaptiveCard" } }).value };
  const [text, parts] = JSON.parse(said[0] ?? "[]") as [string | null | undefined, unknown[] | null | undefined];
  return kind.slack ? { text: text ?? undefined, blocks: parts ?? undefined } : { text: text ?? undefined, attachments: parts ?? undefined };
}

interface Figures {
  p50: number;
  p99: number;
  okPerSecond: number;
  failed: number;
  statuses: string;
  replies: number;
  load: number;
  /** Per cent of the machine's CPU time over the cell that the hypervisor gave to other machines. */
  stolenPercent: number;
  cpuMs: number;
  storageCpuMs: number;
  storageRequests: number;
  /** CPU ms per 2xx of the harness: this process (the load) and the fake platforms' (what the server's replies cost them). */
  harnessCpuMs: number;
  /** Slack at a fixed rate: from each request's moment to its ephemeral reply reaching the fake (what the person waits for). */
  reply?: { p50: number; p99: number; missing: number };
  /**
   * Slack: ephemeral replies per second, from the cell's start to the last reply: the rate of work done, where the
   * ack rate is only the rate of requests taken in (a saturated server may ack faster than it answers).
   */
  repliedPerSecond?: number;
  /** Slack: the app's private "too many requests are waiting" notices (not replies: the request was not done). */
  busy?: number;
}

/**
 * The machine's CPU time so far, in ticks over all its CPUs, and how much of it the hypervisor gave to other
 * machines (steal; Linux /proc/stat). A cell with much stolen measured the host's neighbours as much as a server.
 */
function machineTicks(): { total: number; stolen: number } {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), stolen: fields[7] ?? 0 };
  } catch {
    return { total: Number.NaN, stolen: Number.NaN };
  }
}

/** CPU seconds a process has used so far (Linux /proc; clock ticks of 1/100 s), NaN where that cannot be read. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds the harness has used so far: this process (it sends the load and takes the answers) and the fake
 * platforms' (they take the servers' replies). Their cores are the servers' too on a small machine.
 */
const harnessCpuSeconds = () => cpuSeconds(process.pid) + cpuSeconds(fixture.child.pid);

buildOnce();
const storage = await startStorageProcess();
const fixture = forkBench<FixtureAnswer>("latencyFixture.ts");
const fakes = await fixture.next((m): m is Fakes => m.type === "fakes");
// The requests built here carry response_urls the fake Slack (in the fixture's process) answers.
answerResponseUrlsAt(fakes.hooksUrl);
const prefix = `l${Date.now().toString(36)}`;
const servers = SERVERS.map((kind) => ({
  kind,
  process: forkBench<{ url: string; type?: undefined } | { type: "enrolled" | "failed" | "replied" } | { type: "storage"; requests: number }>("latencyServer.ts", [kind], {
    BENCH_LOG: process.env.BENCH_LOG ?? "fatal", CONNECTION_STRING: storage.connectionString, FAKE_SLACK_URL: fakes.apiUrl, FAKE_SLACK_TOKEN: fakes.botToken, TABLE_PREFIX: `${prefix}${kind.replace("-", "")}`,
  }, [...(cpuProfile ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfile}/${kind}`] : []), ...(heapSample ? ["--import", join(import.meta.dirname, "allocationSample.ts")] : []), ...(kind === "app" ? (process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? []) : [])]),
}));
const urls = Object.fromEntries(await Promise.all(servers.map(async (s) => [s.kind, (await s.process.next((m): m is { url: string } => "url" in m)).url] as const))) as Record<ServerKind, string>;

const ask = (request: FixtureRequest) => fixture.child.send(request);
async function replies(): Promise<{ slack: number; teams: number }> {
  ask({ type: "count" });
  const c = await fixture.next((m): m is Extract<FixtureAnswer, { type: "count" }> => m.type === "count");
  return { slack: c.slack, teams: c.teams };
}
/** How many requests a server has sent to storage so far. */
async function storageRequests(server: ServerKind): Promise<number> {
  const forked = servers.find((s) => s.kind === server)!.process;
  forked.child.send({ type: "storage" });
  return (await forked.next((m): m is { type: "storage"; requests: number } => m.type === "storage")).requests;
}
/** What the last few replies said since this was last asked. */
async function latest(): Promise<string[]> {
  ask({ type: "latest" });
  return (await fixture.next((m): m is Extract<FixtureAnswer, { type: "latest" }> => m.type === "latest")).replies;
}
/** What the replies to a probe said: those that reached the fakes within 5 s (none needed when `body` is the answer). */
async function latestReplies(body: string): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  const said: string[] = [];
  while (Date.now() < deadline) {
    said.push(...(await latest()));
    if (said.length || body.includes(POLL_OPTIONS[1])) return said;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return said;
}
/** Each Slack ephemeral reply since this was last asked: to whom, and when it reached the fake (epoch ms). */
async function ephemerals(): Promise<{ replies: Array<[string, number]>; busy: number }> {
  ask({ type: "ephemerals" });
  return fixture.next((m): m is Extract<FixtureAnswer, { type: "ephemerals" }> => m.type === "ephemerals");
}

/**
 * How long each person waited for their reply: each request matched with the first ephemeral to its sender
 * after its moment (a bench member sends again only after 1,000 others, seconds later). `missing`: no reply.
 */
function replyTimes(sent: Array<[string, number]>, replies: Array<[string, number]>): { waits: number[]; missing: number } {
  const byUser = new Map<string, number[]>();
  for (const [user, at] of replies) {
    const times = byUser.get(user) ?? [];
    times.push(at);
    byUser.set(user, times);
  }
  for (const times of byUser.values()) times.sort((a, b) => a - b);
  const waits: number[] = [];
  let missing = 0;
  for (const [user, at] of [...sent].sort((a, b) => a[1] - b[1])) {
    const times = byUser.get(user) ?? [];
    // The fake stamps with Date.now() (whole ms): a reply in the same millisecond counts.
    const i = times.findIndex((t) => t >= Math.floor(at));
    if (i < 0) missing += 1;
    else waits.push(Math.max(0, times.splice(i, 1)[0]! - at));
  }
  return { waits, missing };
}

/** Waits until the replies a run caused have all reached the fakes (none for 1 s, at most 60 s), and counts them. */
async function drained(): Promise<number> {
  let total = 0;
  const deadline = Date.now() + 60_000;
  for (let quiet = 0; quiet < 2 && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const c = await replies();
    const n = c.slack + c.teams;
    total += n;
    quiet = n === 0 ? quiet + 1 : 0;
  }
  return total;
}

/**
 * What one load measured: the p50 and p99 of the requests answered 2xx, the others, the seconds it took; at a
 * fixed rate, whom each 2xx's reply goes to and its moment (epoch ms), for requests that name one.
 */
interface Measured { p50: number; p99: number; ok: number; failed: number; statuses: string; seconds: number; sent?: Array<[user: string, at: number]>; latencies?: number[] }

/**
 * The fixed-rate load's connections: undici's `request` on an agent of its own rather than the global `fetch` (the
 * same undici, without WHATWG request objects, body streams and a timeout signal per request), so the load takes
 * less of the cores the servers share with it.
 */
const sender = new Agent({ keepAliveTimeout: 60_000 });

/**
 * `rate` requests a second for `duration` seconds, each sent at its moment whatever became of those before it
 * (open loop, as people press), and timed from that moment. Not autocannon's `overallRate`: it lets each
 * connection send its share of a second back to back as the second starts (a burst of `rate` requests, 50 at
 * once, every second), and corrects its latencies for coordinated omission with an interval of `Math.ceil(1 /
 * rate)`, which is 1 ms at any per-connection rate above 1/s (autocannon 9.0.0, lib/run.js): each answer of
 * L ms also counted as L - 1, L - 2, … 1 ms, so the few slowest answers made most of the histogram.
 */
async function atRate(url: string, build: () => Built, rate: number, duration: number, measured = true): Promise<Measured> {
  const latencies: number[] = [];
  const sent: Array<[string, number]> = [];
  const refused = new Map<string, number>();
  const times: Array<[at: number, ms: number]> = [];
  const first = performance.now();
  const { seconds } = await paced(Math.round(rate * duration), duration * 1000, async (_, due) => {
    const req = build();
    const res = await request(new URL(req.path, url), { method: "POST", headers: req.headers, body: req.body, dispatcher: sender, headersTimeout: 30_000, bodyTimeout: 30_000 }).then(
      async (answer) => (await answer.body.dump(), answer.statusCode),
      (error: unknown) => String((error as { code?: string }).code ?? (error as Error).name),
    );
    if (typeof res === "number" && res >= 200 && res < 300) {
      latencies.push(performance.now() - due);
      times.push([Math.round(due - first), Math.round(performance.now() - due)]);
      if (req.replyTo) sent.push([req.replyTo, performance.timeOrigin + due]);
    } else {
      const why = typeof res === "string" ? `error ${res}` : String(res);
      refused.set(why, (refused.get(why) ?? 0) + 1);
    }
  });
  if (timeline && measured) appendFileSync(timeline, `${JSON.stringify({ url, rate, at: Math.round(performance.timeOrigin + first), latencies: times })}\n`);
  latencies.sort((a, b) => a - b);
  return { p50: p(latencies, 0.5), p99: p(latencies, 0.99), ok: latencies.length, failed: [...refused.values()].reduce((a, b) => a + b, 0), statuses: [...refused].map(([why, c]) => `${why}×${c}`).join(" "), seconds, sent, latencies };
}

/** As many requests as `connections` connections get answered, each sent as the one before it is answered (autocannon). */
async function saturated(url: string, build: () => Built, duration: number): Promise<Measured> {
  const result = await autocannon({
    url,
    connections,
    duration,
    timeout: 30,
    // Headers given here replace autocannon's own, Host included (the app's local mode answers loopback names only).
    requests: [{ setupRequest: () => withHost(build(), url) }],
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    failed: result.non2xx + result.errors,
    statuses: [...Object.entries(result.statusCodeStats ?? {}).filter(([code]) => !code.startsWith("2")).map(([code, c]) => `${code}×${c.count ?? 0}`), ...(result.errors ? [`errors×${result.errors} (timeouts ${result.timeouts})`] : [])].join(" "),
    seconds: result.duration,
  };
}

/** What one server did in one part of a cell: its answers, its replies, and what it and storage used meanwhile. */
interface Part {
  result: Measured;
  replies: number;
  replied: Array<[string, number]>;
  /** Milliseconds from the part's start to its last reply (the span its replies' rate is over). */
  repliedOver: number;
  busy: number;
  load: number;
  /** The machine's CPU ticks over the part, and those stolen (see machineTicks). */
  ticks: number;
  stolenTicks: number;
  cpuSeconds: number;
  storageCpuSeconds: number;
  storageRequests: number;
  harnessCpuSeconds: number;
}

/**
 * One part of a cell: a load against one server (at a fixed rate, or saturated), led in, then the replies
 * drained; the server's and storage's CPU over it (the work after the ack included) and its storage requests.
 */
async function part(server: ServerKind, build: (n: number) => Built, rate: number | undefined, duration: number, lead: number): Promise<Part> {
  let n = 0;
  const url = urls[server];
  const next = () => build(n++);
  if (lead > 0) await (rate ? atRate(url, next, rate, lead, false) : saturated(url, next, lead));
  const load = loadavg()[0]!;
  const pid = servers.find((s) => s.kind === server)?.process.child.pid;
  const cpuBefore = [cpuSeconds(pid), cpuSeconds(storage.pid), harnessCpuSeconds()];
  const requestsBefore = await storageRequests(server);
  await ephemerals();
  const startedAt = Date.now();
  const machineBefore = machineTicks();
  const result = rate ? await atRate(url, next, rate, duration) : await saturated(url, next, duration);
  const machineAfter = machineTicks();
  const replies = await drained();
  const { replies: replied, busy } = server === "bare" ? { replies: [], busy: 0 } : await ephemerals();
  return {
    result,
    replies,
    replied,
    repliedOver: Math.max(1, Math.max(...replied.map(([, at]) => at)) - startedAt),
    busy,
    load,
    ticks: machineAfter.total - machineBefore.total,
    stolenTicks: machineAfter.stolen - machineBefore.stolen,
    cpuSeconds: cpuSeconds(pid) - cpuBefore[0]!,
    storageCpuSeconds: cpuSeconds(storage.pid) - cpuBefore[1]!,
    harnessCpuSeconds: harnessCpuSeconds() - cpuBefore[2]!,
    storageRequests: (await storageRequests(server)) - requestsBefore,
  };
}

/**
 * A cell's figures from its parts. At a fixed rate, the percentiles are over every answer of every part;
 * saturated (autocannon gives percentiles only), the mean of the parts' percentiles. Rates and costs are
 * totals over totals.
 */
function combine(server: ServerKind, parts: Part[]): Figures {
  const sum = (f: (x: Part) => number) => parts.reduce((total, x) => total + f(x), 0);
  const ok = sum((x) => x.result.ok);
  const pooled = parts.every((x) => x.result.latencies) ? parts.flatMap((x) => x.result.latencies!).sort((a, b) => a - b) : undefined;
  const percentile = (q: number, of: (m: Measured) => number) => Number((pooled ? p(pooled, q) : sum((x) => of(x.result)) / parts.length).toFixed(1));
  const sent = parts.some((x) => x.result.sent?.length) && server !== "bare";
  const reply = sent ? parts.map((x) => replyTimes(x.result.sent ?? [], x.replied)) : undefined;
  const waits = reply?.flatMap((r) => r.waits).sort((a, b) => a - b);
  const replied = sum((x) => x.replied.length);
  return {
    p50: percentile(0.5, (m) => m.p50),
    p99: percentile(0.99, (m) => m.p99),
    okPerSecond: ok / sum((x) => x.result.seconds),
    failed: sum((x) => x.result.failed),
    statuses: parts.map((x) => x.result.statuses).filter(Boolean).join(" "),
    replies: sum((x) => x.replies),
    ...(reply && waits ? { reply: { p50: Number(p(waits, 0.5).toFixed(1)), p99: Number(p(waits, 0.99).toFixed(1)), missing: reply.reduce((t, r) => t + r.missing, 0) } } : {}),
    ...(replied ? { repliedPerSecond: (replied * 1000) / sum((x) => (x.replied.length ? x.repliedOver : 0)) } : {}),
    busy: sum((x) => x.busy),
    load: parts[0]!.load,
    stolenPercent: (100 * sum((x) => x.stolenTicks)) / sum((x) => x.ticks),
    cpuMs: (sum((x) => x.cpuSeconds) * 1000) / ok,
    storageCpuMs: (sum((x) => x.storageCpuSeconds) * 1000) / ok,
    storageRequests: sum((x) => x.storageRequests) / ok,
    harnessCpuMs: (sum((x) => x.harnessCpuSeconds) * 1000) / ok,
  };
}

/**
 * One cell for every server: `rounds` parts each of `seconds / rounds`, the servers taking turns in an order
 * that rotates each round, so a slow spell of the machine (other processes, the hypervisor) falls on all of
 * them alike rather than on one server's whole cell.
 */
async function cell(build: (n: number) => Built, rate: number | undefined, duration: number, rounds: number): Promise<Record<ServerKind, Figures>> {
  const parts = new Map<ServerKind, Part[]>(SERVERS.map((server) => [server, []]));
  for (let round = 0; round < rounds; round++) {
    const order = [...SERVERS.slice(round % SERVERS.length), ...SERVERS.slice(0, round % SERVERS.length)];
    // same-reply replies with what the app's probe got: any order will do, it needs no part of the app's.
    for (const server of order) parts.get(server)!.push(await part(server, build, rate, duration / rounds, leadIn));
  }
  const none: Figures = { p50: 0, p99: 0, okPerSecond: 0, failed: 0, statuses: "", replies: 0, load: 0, stolenPercent: Number.NaN, cpuMs: Number.NaN, storageCpuMs: Number.NaN, storageRequests: Number.NaN, harnessCpuMs: Number.NaN };
  const figures: Record<ServerKind, Figures> = { bare: none, "same-work": none, app: none, "same-reply": none };
  for (const [server, done] of parts) figures[server] = combine(server, done);
  return figures;
}

try {
  ask({ type: "setup", appUrl: urls.app });
  const poll = await fixture.next((m): m is Ready => m.type === "ready");
  const app = servers.find((s) => s.kind === "app")?.process;
  if (app) {
    app.child.send({ type: "enrol" });
    await app.next((m): m is { type: "enrolled" } => m.type === "enrolled");
  }
  await replies();
  const loads: Array<{ name: string; rate?: number }> = [...rates.map((rate) => ({ name: `${rate}/s`, rate })), { name: `saturated (${connections} conn.)` }];
  const rows: string[] = [];
  const sameReplyRows: string[] = [];
  const replyRows: string[] = [];
  const firstRows: string[] = [];
  let slackAckP99 = 0;
  // Each server answers each request once first, with what it replied, so a refusal shows as what it is, not
  // as a fast answer: the app's vote must be confirmed (the option pressed named) or the bench stops.
  for (const kind of requestKinds(fakes, poll)) {
    for (const server of SERVERS) {
      const req = kind.build(0);
      await latest();
      const t0 = performance.now();
      const res = await fetch(new URL(req.path, urls[server]), { method: "POST", headers: req.headers, body: req.body });
      const answer = await res.text();
      const body = answer.slice(0, 200);
      const ms = (performance.now() - t0).toFixed(0);
      const said = server === "bare" ? [] : await latestReplies(body);
      console.log(`  probe: ${kind.name} → ${server}: ${res.status} in ${ms} ms ${body}${said.length ? `; replied ${said.join(" | ").slice(0, 300)}` : ""}`);
      if (server === "app" && kind.id.endsWith("vote") && ![body, ...said].some((text) => text.includes(POLL_OPTIONS[1]))) {
        throw new Error(`the app did not confirm the ${kind.name}: ${body} ${said.join(" | ")}`);
      }
      const sameReply = servers.find((s) => s.kind === "same-reply");
      if (server === "app" && sameReply) {
        sameReply.process.child.send({ type: "reply", kind: kind.id, reply: appReply(kind, answer, said) });
        await sameReply.process.next((m): m is { type: "replied" } => m.type === "replied");
      }
    }
  }
  console.log(`latency: ${loads.length} loads × 4 requests × ${SERVERS.length} servers, ${seconds} s each, in ${rounds} turns of ${(seconds / rounds).toFixed(1)} s`);
  for (const kind of requestKinds(fakes, poll)) {
    // Warm-up: each server takes the request once from every bench user first (JIT, connection pools, caches,
    // and what a person's first request of the week writes: the cells measure people the app has seen before).
    // Measured too: a server taking each member's first request of this kind (the first kind: a fresh instance).
    const first: Partial<Record<ServerKind, Figures>> = {};
    for (const server of SERVERS) first[server] = combine(server, [await part(server, kind.build, WARM_UP_RATE, BENCH_USERS / WARM_UP_RATE, 0)]);
    if (first.app) {
      if (kind.slack) slackAckP99 = Math.max(slackAckP99, first.app.p99);
      console.log(`  ${kind.name}, each member's first at ${WARM_UP_RATE}/s: ${JSON.stringify(first)}`);
      const r = (x: Figures | undefined) => (x?.reply ? `${x.reply.p50} / ${x.reply.p99}` : "–");
      const f = (x: Figures | undefined) => (x ? `${x.p50} / ${x.p99}` : "–");
      firstRows.push(`| ${kind.name} | ${f(first["same-work"])} | ${f(first.app)} | ${r(first["same-work"])} | ${r(first.app)} | ${first["same-work"]?.failed ?? "–"} / ${first.app.failed} | ${first.app.busy ?? 0} |`);
    }
    for (const load of loads) {
      const figures = await cell(kind.build, load.rate, seconds, rounds);
      const { bare, app } = figures;
      const same = figures["same-work"];
      if (kind.slack) slackAckP99 = Math.max(slackAckP99, app.p99);
      console.log(`  ${kind.name} at ${load.name}: ${JSON.stringify(figures)}`);
      const f = (x: Figures) => `${x.p50} / ${x.p99}`;
      const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : "–");
      const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "–");
      rows.push(
        `| ${kind.name} | ${load.name} | ${f(bare)} | ${f(same)} | ${f(app)} | ${bare.okPerSecond.toFixed(0)} / ${same.okPerSecond.toFixed(0)} / ${app.okPerSecond.toFixed(0)} | ` +
          `${ratio(app.p50, bare.p50)} / ${ratio(app.p99, bare.p99)} / ${ratio(app.okPerSecond, bare.okPerSecond)} | ${ratio(app.p50, same.p50)} / ${ratio(app.p99, same.p99)} / ${ratio(app.okPerSecond, same.okPerSecond)} | ` +
          `${bare.failed} / ${same.failed} / ${app.failed} | ${same.replies} / ${app.replies} | ${ms(same.cpuMs)} / ${ms(app.cpuMs)} (${ratio(app.cpuMs, same.cpuMs)}) · ${ms(same.storageCpuMs)} / ${ms(app.storageCpuMs)} · ${ms(same.harnessCpuMs)} / ${ms(app.harnessCpuMs)} | ${ms(same.storageRequests)} / ${ms(app.storageRequests)} | ` +
          `${[bare, same, app].map((x) => x.load.toFixed(1)).join(" / ")} | ${[bare, same, app].map((x) => (Number.isNaN(x.stolenPercent) ? "–" : x.stolenPercent.toFixed(0))).join(" / ")} |`,
      );
      if (kind.slack) {
        const r = (x: Figures) => (x.reply ? `${x.reply.p50} / ${x.reply.p99}` : "–");
        const perSecond = (x: Figures) => (x.repliedPerSecond ? x.repliedPerSecond.toFixed(0) : "–");
        replyRows.push(
          `| ${kind.name} | ${load.name} | ${r(same)} | ${r(app)} | ${app.reply && same.reply ? `${ratio(app.reply.p50, same.reply.p50)} / ${ratio(app.reply.p99, same.reply.p99)}` : "–"} | ${same.reply?.missing ?? "–"} / ${app.reply?.missing ?? "–"} | ` +
            `${perSecond(same)} / ${perSecond(app)} (${ratio(app.repliedPerSecond ?? 0, same.repliedPerSecond ?? 0)}) | ${app.busy ?? 0} |`,
        );
      }
      const sr = figures["same-reply"];
      if (SERVERS.includes("same-reply")) {
        sameReplyRows.push(
          `| ${kind.name} | ${load.name} | ${f(sr)} | ${f(app)} | ${sr.okPerSecond.toFixed(0)} / ${app.okPerSecond.toFixed(0)} | ${ratio(app.p50, sr.p50)} / ${ratio(app.p99, sr.p99)} / ${ratio(app.okPerSecond, sr.okPerSecond)} | ` +
            `${sr.failed} / ${app.failed} | ${ms(sr.cpuMs)} / ${ms(app.cpuMs)} (${ratio(app.cpuMs, sr.cpuMs)}) · ${ms(sr.storageCpuMs)} / ${ms(app.storageCpuMs)} |`,
        );
      }
    }
  }
  console.log(`\nlatency in ms (Slack: the ack; fixed rates evenly spaced, timed from each request's moment; saturated: autocannon, ${connections} connections), ${seconds} s per cell; servers: bare framework / same work (1 read, a vote 1 write, 1 reply) / the app\n`);
  console.log("| request | load | bare p50 / p99 | same-work p50 / p99 | app p50 / p99 | answered 2xx per s (bare / same / app) | app ÷ bare (p50 / p99 / throughput) | app ÷ same-work (p50 / p99 / throughput) | not 2xx or errors (bare / same / app) | replies reaching the fake (same / app) | CPU ms per 2xx: server same / app (ratio) · storage same / app · harness (load, fakes) same / app | storage requests per 2xx (same / app) | load avg 1 min at start | CPU stolen by the host, % (bare / same / app) |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  if (sameReplyRows.length) {
    console.log(`\nthe app against same-reply: the same work, replying with what the app replied to its probe (the same bytes sent and parsed)\n`);
    console.log("| request | load | same-reply p50 / p99 | app p50 / p99 | answered 2xx per s (same-reply / app) | app ÷ same-reply (p50 / p99 / throughput) | not 2xx or errors (same-reply / app) | CPU ms per 2xx: server same-reply / app (ratio) · storage |");
    console.log("|---|---|---|---|---|---|---|---|");
    for (const row of sameReplyRows) console.log(row);
  }
  if (replyRows.length) {
    console.log("\nSlack: from each request's moment to its ephemeral reply reaching the fake Slack (what the person waits for; fixed rates), ms, and the replies' rate\n");
    console.log("| request | load | same-work p50 / p99 | app p50 / p99 | app ÷ same-work (p50 / p99) | no reply (same / app) | replies per s, cell start to last reply (same / app) | the app's busy notices (too many waiting) |");
    console.log("|---|---|---|---|---|---|---|---|");
    for (const row of replyRows) console.log(row);
  }
  if (firstRows.length) {
    console.log(`\neach of the ${BENCH_USERS} members' first request of a kind, at ${WARM_UP_RATE}/s (for the first kind, the server's first requests after start: a fresh instance), ms\n`);
    console.log("| request | same-work p50 / p99 | app p50 / p99 | Slack reply: same-work p50 / p99 | Slack reply: app p50 / p99 | not 2xx or errors (same / app) | the app's busy notices |");
    console.log("|---|---|---|---|---|---|---|");
    for (const row of firstRows) console.log(row);
  }
  console.log(`\nSlack ack p99, worst cell of the app: ${slackAckP99} ms — ${slackAckP99 < 3000 ? (slackAckP99 < 1000 ? "far inside" : "inside") : "NOT inside"} Slack's 3 s`);
} finally {
  for (const server of servers) await server.process.stop();
  await fixture.stop();
  await storage.stop();
}
process.exit(0);
