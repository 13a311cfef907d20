/**
 * Child-process entry: the real app (startApp) on a given storage account and table prefix, its Teams
 * Messenger pointed at a fake platform. Run by instanceProcess.ts; logs JSON lines on stdout; stops
 * gracefully on SIGTERM.
 */
import { startApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import type { SchedulingOptions } from "../../src/scheduler/index.js";
import { platformMessenger } from "./fakePlatform.js";

const env = process.env;
const config = loadConfig({ AZURE_STORAGE_CONNECTION_STRING: env.CONNECTION_STRING ?? "", PORT: "0", HOST: "127.0.0.1", PLAYGROUND: "off", LOG_LEVEL: "info" });
const options = JSON.parse(env.SCHEDULING_OPTIONS ?? "{}") as SchedulingOptions;
const app = await startApp(config, {
  log: createLogger("info"),
  tablePrefix: env.TABLE_PREFIX,
  scheduling: { ...options, messengers: { teams: platformMessenger(env.FAKE_PLATFORM_URL ?? "") } },
});
process.stdout.write(`${JSON.stringify({ msg: "instance ready", url: app.url })}\n`);

// A graceful stop as main.ts does it (same 10-second deadline), saying how long it took.
process.once("SIGTERM", () => {
  const started = performance.now();
  setTimeout(() => process.exit(1), 10_000);
  void app.stop().then(() => {
    process.stdout.write(`${JSON.stringify({ msg: "instance stopped", stopMs: Math.round(performance.now() - started) })}\n`);
    process.exit(0);
  });
});

