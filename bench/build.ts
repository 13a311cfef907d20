import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * The compiled build (`npm run build`), as production runs it (`npm run start:prod`): the latency and memory
 * benches measure the app from dist/. Built once per `npm run bench` (benches run in processes of their own
 * inherit BENCH_BUILD=off once it is done); BENCH_BUILD=off reuses dist/ as it is.
 */
export function buildOnce(): void {
  if (process.env.BENCH_BUILD === "off") return;
  console.log("bench: npm run build…");
  const built = spawnSync("npm", ["run", "build"], { cwd: join(import.meta.dirname, ".."), stdio: "inherit" });
  if (built.status !== 0) throw new Error("npm run build failed");
  process.env.BENCH_BUILD = "off";
}
