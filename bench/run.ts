/**
 * `npm run bench`: fan-out of BENCH_RECIPIENTS (10,000) recipients against a fake platform allowing
 * 50 and 500 requests/s (BENCH_RATES), through the scheduler, the queue and the workers, each next to a
 * baseline measured in the same run: the same deliveries sent straight from memory with the same pacing.
 * Prints figures; never fails on them. Azurite runs in its own process, as Azure Storage is remote.
 * Then the RSVP burst (bench/rsvp.ts), the survey burst (bench/surveys.ts), latency side by side
 * (bench/latency.ts) and memory and start-up (bench/memory.ts), both on the compiled app (`npm run build`
 * first, once; BENCH_BUILD=off reuses dist/). BENCH_ONLY=fanout, rsvp, surveys, latency or memory runs one
 * of them.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Figures } from "./fanout.js";
import { buildOnce } from "./build.js";
import { startStorageProcess } from "./storageProcess.js";

const recipients = Number(process.env.BENCH_RECIPIENTS ?? 10_000);
const rates = (process.env.BENCH_RATES ?? "50,500").split(",").map(Number);

function phase(mode: "baseline" | "scheduled", rate: number, connectionString = ""): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "phase.ts"), mode, String(rate), String(recipients)], {
      env: { ...process.env, CONNECTION_STRING: connectionString },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as Figures);
      else reject(new Error(`${mode} at ${rate}/s exited with ${code}: ${out}`));
    });
  });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
// BENCH_ONLY=fanout, rsvp, surveys, latency or memory runs one of them.
const only = process.env.BENCH_ONLY;
if (!only || only === "fanout") await fanoutBench();
if (!only || only === "rsvp") await ownProcess("rsvp.ts");
if (!only || only === "surveys") await ownProcess("surveys.ts");
// Latency and memory measure the compiled app: built once for both.
if (!only || only === "latency" || only === "memory") buildOnce();
if (!only || only === "latency") await ownProcess("latency.ts");
if (!only || only === "memory") await ownProcess("memory.ts");

/** A bench of its own (bench/rsvp.ts, surveys.ts, latency.ts, memory.ts), in a process of its own. */
function ownProcess(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, file)], { stdio: "inherit" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`bench/${file} exited with ${code}`))));
  });
}

async function fanoutBench(): Promise<void> {
  const storage = await startStorageProcess();
  const rows: string[] = [];
  try {
    for (const rate of rates) {
      console.log(`fan-out of ${recipients} recipients, platform allowing ${rate}/s: baseline…`);
      const baseline = await phase("baseline", rate);
      console.log(`  baseline: ${JSON.stringify(baseline)}`);
      console.log("  scheduler…");
      const scheduled = await phase("scheduled", rate, storage.connectionString);
      console.log(`  scheduler: ${JSON.stringify(scheduled)}`);
      rows.push(
        `| ${rate}/s | ${pct(scheduled.ratio)} (baseline ${pct(baseline.ratio)}) | ${scheduled.duplicates} (baseline ${baseline.duplicates}) | ` +
          `${scheduled.missing} | ${scheduled.throttled} (baseline ${baseline.throttled}) | ${scheduled.peakRssMb} MB (baseline ${baseline.peakRssMb} MB) | ${scheduled.seconds} s (baseline ${baseline.seconds} s) |`,
      );
    }
  } finally {
    await storage.stop();
  }
  console.log(`\n${recipients} recipients; goal: rate ≥ 95% of allowed (issue 13), 0 duplicates\n`);
  console.log("| allowed | achieved rate / allowed | duplicates | missing | 429s | peak RSS | wall time |");
  console.log("|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}
