/**
 * When a test fails, prints the last log lines of each test app still running in its process (what the app
 * did, warned or refused is then in the failure's output, also in CI, where a flaky failure cannot be run
 * again to look). Registered for every test file (vitest.config.ts `setupFiles`); it reads the running apps
 * from test/support/app.ts's registry on globalThis, so it loads nothing itself.
 */
import { beforeEach } from "vitest";

const LINES = 80;
const REGISTRY = Symbol.for("cop-companion.runningTestApps");

type Logged = { url: string; logs: Array<Record<string, unknown>> };

/** One line as a person reads it: time, level, message, then the other fields as JSON. */
function lineOf(entry: Record<string, unknown>): string {
  const { time, level, msg, pid: _pid, hostname: _hostname, ...rest } = entry;
  const at = typeof time === "number" ? new Date(time).toISOString().slice(11, 23) : String(time ?? "");
  const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest).slice(0, 400)}` : "";
  return `${at} ${String(level)} ${String(msg ?? "")}${fields}`;
}

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    const apps = (globalThis as Record<symbol, Set<Logged> | undefined>)[REGISTRY];
    for (const app of apps ?? []) {
      const tail = app.logs.slice(-LINES);
      console.error(`The app at ${app.url}: its last ${tail.length} of ${app.logs.length} log lines\n${tail.map(lineOf).join("\n")}`);
    }
  });
});
