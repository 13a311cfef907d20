import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.js";
import { startApp, type AppOptions, type RunningApp } from "../../src/app.js";
import { createLogger } from "../../src/log.js";
import { testConnectionString, uniquePrefix } from "./storage.js";

export interface TestApp extends RunningApp {
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
}

/**
 * The test apps running in this test file's process, for test/support/logsOnFailure.ts (which finds them here
 * without importing the app, so a unit test file does not load it).
 */
const RUNNING_TEST_APPS = Symbol.for("cop-companion.runningTestApps");
const running = ((globalThis as Record<symbol, unknown>)[RUNNING_TEST_APPS] ??= new Set<TestApp>()) as Set<TestApp>;

/**
 * Starts the real app (real HTTP server, real store on the test run's Azurite, own table prefix) on a
 * free loopback port. `env` adds or overrides environment variables, as an operator would set them;
 * `options` can reuse a table prefix (a restart on the same data) and set scheduler options.
 */
export async function startTestApp(env: Record<string, string> = {}, options: Partial<Omit<AppOptions, "log">> = {}): Promise<TestApp> {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    PLAYGROUND: "off",
    LOG_LEVEL: "debug",
    AZURE_STORAGE_CONNECTION_STRING: testConnectionString(),
    ...env,
  });
  const app = await startApp(config, { log: createLogger(config.logLevel, sink), tablePrefix: uniquePrefix(), ...options });
  const stop = app.stop.bind(app);
  const started: TestApp = Object.assign(app, {
    logs,
    stop: async () => {
      running.delete(started);
      await stop();
    },
  });
  running.add(started);
  return started;
}
