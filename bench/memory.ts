/**
 * Memory and start-up (`BENCH_ONLY=memory npm run bench`), against storage (Azurite) in its own process and the
 * fake platforms in theirs: the compiled build (`npm run build` unless BENCH_BUILD=off, then `node dist/main.js`) started five times
 * (BENCH_STARTS) from spawn to /healthz answering 200, median, next to `npm start` (tsx) the same way; then one
 * compiled instance's RSS (VmRSS of its process) idle, during BENCH_SATURATION_SECONDS (300) of saturated Slack
 * `/cop help` (BENCH_LATENCY_CONNECTIONS, 50, connections) and after BENCH_IDLE_SECONDS (60) idle. Prints
 * figures; never fails on them. BENCH_STARTS=0 skips the start times and BENCH_SATURATION_SECONDS=0 the saturation (idle
 * RSS only). For the compiled app, BENCH_APP_NODE_ARGS adds node options (e.g. an --import listing the loaded
 * modules) and BENCH_APP_ENTRY runs another build (e.g. a copy of dist/ from before a change, inside the repository).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import getPort from "get-port";
import { answerResponseUrlsAt, slashCommand } from "../test/support/slackRequests.js";
import { buildOnce } from "./build.js";
import { forkBench } from "./child.js";
import { BENCH_USERS, slackUser, type FixtureAnswer } from "./latencyShared.js";
import { startStorageProcess } from "./storageProcess.js";
import { benchEnv } from "./world.js";

const starts = Number(process.env.BENCH_STARTS ?? 5);
const saturationSeconds = Number(process.env.BENCH_SATURATION_SECONDS ?? 300);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const connections = Number(process.env.BENCH_LATENCY_CONNECTIONS ?? 50);
const appNodeArgs = process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
const appEntry = process.env.BENCH_APP_ENTRY ?? "dist/main.js";
const root = join(import.meta.dirname, "..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** VmRSS of a process, in kB (Linux /proc). */
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);

buildOnce();

const storage = await startStorageProcess();
const fixture = forkBench<FixtureAnswer>("latencyFixture.ts");
const fakes = await fixture.next((m): m is Extract<FixtureAnswer, { type: "fakes" }> => m.type === "fakes");
// The requests built here carry response_urls the fake Slack (in the fixture's process) answers.
answerResponseUrlsAt(fakes.hooksUrl);
const dataDir = mkdtempSync(join(tmpdir(), "cop-bench-"));

interface Started { child: ChildProcess; url: string; ms: number; stop(): Promise<void> }

/** Spawns the app (its own process group) and times spawn → /healthz 200. */
async function start(command: string, args: string[]): Promise<Started> {
  const port = await getPort();
  const env = { ...process.env, ...benchEnv(storage.connectionString, fakes), PORT: String(port), LOG_LEVEL: process.env.BENCH_LOG ?? "fatal", LOG_FORMAT: "json", DATA_DIR: dataDir };
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(" ")} exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await sleep(10);
  }
  const ms = performance.now() - t0;
  return {
    child, url, ms,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        process.kill(-child.pid!, "SIGTERM");
      }),
  };
}

async function startTimes(command: string, args: string[]): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < starts; i++) {
    const app = await start(command, args);
    times.push(app.ms);
    await app.stop();
  }
  return times;
}

try {
  // One start first, unmeasured: it creates the tables, as the first start against a new storage account does.
  await (await start(process.execPath, ["dist/main.js"])).stop();
  const loadAtStart = loadavg()[0]!;
  const compiled = await startTimes(process.execPath, [...appNodeArgs, appEntry]);
  const tsx = await startTimes("npm", ["start", "--silent"]);
  if (starts > 0) console.log(`  start to healthy, compiled: ${compiled.map((t) => t.toFixed(0)).join(", ")} ms; npm start (tsx): ${tsx.map((t) => t.toFixed(0)).join(", ")} ms`);

  const app = await start(process.execPath, [...appNodeArgs, appEntry]);
  const pid = app.child.pid!;
  fixture.child.send({ type: "setup", appUrl: app.url });
  await fixture.next((m): m is Extract<FixtureAnswer, { type: "ready" }> => m.type === "ready");
  await sleep(5_000);
  const idle = rssKb(pid);
  const loadAtSaturation = loadavg()[0]!;
  if (saturationSeconds > 0) {
    await underLoad(app, { idle, loadAtStart, loadAtSaturation, compiled, tsx });
  } else {
    await app.stop();
    console.log(`  compiled idle RSS (set up, 5 s idle): ${mb(idle)}; load avg 1 min ${loadAtSaturation.toFixed(1)}`);
  }
} finally {
  await fixture.stop();
  await storage.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);

/** RSS during saturated Slack `/cop help` and after the idle time that follows; prints the table. */
async function underLoad(app: Started, at: { idle: number; loadAtStart: number; loadAtSaturation: number; compiled: number[]; tsx: number[] }): Promise<void> {
  const { idle, loadAtStart, loadAtSaturation, compiled, tsx } = at;
  const pid = app.child.pid!;
  console.log(`  idle RSS ${mb(idle)}; ${saturationSeconds} s of saturated Slack /cop help…`);
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 1000);
  let n = 0;
  const result = await autocannon({
    url: app.url, connections, duration: saturationSeconds, timeout: 30,
    requests: [{ setupRequest: () => { const req = slashCommand({ text: "help", user_id: slackUser(n), user_name: `member${n++ % BENCH_USERS}` }); return { method: "POST", path: "/slack/events", headers: { ...req.headers, host: new URL(app.url).host }, body: req.body }; } }],
  });
  const loaded = rssKb(pid);
  await sleep(idleSeconds * 1000);
  clearInterval(sampler);
  const after = rssKb(pid);
  await app.stop();

  console.log(`\nstart-up and memory; load avg 1 min ${loadAtStart.toFixed(1)} at the starts, ${loadAtSaturation.toFixed(1)} at saturation\n`);
  console.log("| measure | figure | goal |");
  console.log("|---|---|---|");
  if (starts > 0) {
    console.log(`| compiled start to /healthz 200, median of ${starts} | ${median(compiled).toFixed(0)} ms (${compiled.map((t) => t.toFixed(0)).join(", ")}) | ≤ 2,500 ms |`);
    console.log(`| \`npm start\` (tsx) to /healthz 200, median of ${starts} | ${median(tsx).toFixed(0)} ms (${tsx.map((t) => t.toFixed(0)).join(", ")}) | – |`);
  }
  console.log(`| compiled idle RSS (set up, 5 s idle) | ${mb(idle)} | ≤ 200 MB |`);
  console.log(`| RSS at the end of ${saturationSeconds} s saturated /cop help (peak) | ${mb(loaded)} (${mb(peak)}) | – |`);
  console.log(`| RSS after ${idleSeconds} s idle, ÷ idle RSS | ${mb(after)}, ${(after / idle).toFixed(2)}× | ≤ 1.3× |`);
  const others = result.non2xx + result.errors ? ` (others: ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors of which ${result.timeouts} timeouts)` : "";
  console.log(`| saturated /cop help: answered 2xx, per s, p50 / p99 | ${result["2xx"]} of ${result["2xx"] + result.non2xx + result.errors}${others}, ${(result["2xx"] / result.duration).toFixed(0)}/s, ${result.latency.p50} / ${result.latency.p99} ms | – |`);
}
