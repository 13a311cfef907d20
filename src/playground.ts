import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createLogger, type Logger } from "./log.js";

/**
 * Microsoft 365 Agents Playground: a Teams-like web client that needs no tenant. `npm start` runs it
 * in local mode (PLAYGROUND=off turns it off); `npm run playground` runs it alone against a running app.
 */

const BIN = fileURLToPath(new URL("../node_modules/.bin/agentsplayground", import.meta.url));
export const PLAYGROUND_PORT = 56150;

/**
 * What the Playground (a Node program from npm) gets of our environment: enough to run (paths, user,
 * locale, temp dirs, proxies), never the app's secrets (Slack tokens, the storage connection string).
 */
const PASSED_THROUGH = [
  "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TEMP", "TMP",
  "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
  // Windows: where the user's profile, app data and system live.
  "SYSTEMROOT", "SystemRoot", "SYSTEMDRIVE", "COMSPEC", "PATHEXT", "USERPROFILE", "USERNAME", "HOMEDRIVE", "HOMEPATH", "APPDATA", "LOCALAPPDATA", "ProgramData", "ProgramFiles",
] as const;

/** The Playground's environment: a short allow list, no browser of its own, and every server it starts bound to loopback. */
export function playgroundEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const preload = fileURLToPath(new URL("./loopbackOnly.cjs", import.meta.url));
  const nodeOptions = [source.NODE_OPTIONS, `--require ${JSON.stringify(preload)}`].filter(Boolean).join(" ");
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_THROUGH) if (source[name] !== undefined) env[name] = source[name];
  // Without TEAMSAPPTESTER_BROWSER=none it tries to open a browser and exits when there is none.
  return { ...env, TEAMSAPPTESTER_BROWSER: "none", NODE_OPTIONS: nodeOptions };
}

export interface RunningPlayground {
  url: string;
  stop(): Promise<void>;
}

export interface PlaygroundOptions {
  /** The app's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botUrl: string;
  /** Its working directory: it writes ./devTools/ there. */
  workDir: string;
  log: Logger;
  port?: number;
  startTimeoutMs?: number;
}

/** Starts the Playground; resolves to undefined (with a log line saying why) when it cannot. */
export async function startAgentsPlayground(options: PlaygroundOptions): Promise<RunningPlayground | undefined> {
  const { log } = options;
  if (!existsSync(BIN)) {
    log.warn("Agents Playground is not installed (it is a dev dependency): run `npm ci` to get it, or set PLAYGROUND=off");
    return undefined;
  }
  await mkdir(options.workDir, { recursive: true });
  const child = spawn(BIN, ["-e", options.botUrl, "-c", "msteams", "-p", String(options.port ?? PLAYGROUND_PORT), "--disable-telemetry"], {
    cwd: options.workDir,
    // Its own process group, so stopping it also stops the server it spawns.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: playgroundEnv(),
  });
  const killOnExit = () => signal(child, "SIGKILL");
  process.once("exit", killOnExit);
  try {
    const port = await listeningPort(child, options.startTimeoutMs ?? 30_000, log);
    const url = `http://localhost:${port}/`;
    return {
      url,
      async stop() {
        process.off("exit", killOnExit);
        await stopChild(child);
      },
    };
  } catch (error) {
    process.off("exit", killOnExit);
    await stopChild(child);
    log.warn({ err: error instanceof Error ? error.message : String(error) }, "Agents Playground did not start; the app runs without it");
    return undefined;
  }
}

function listeningPort(child: ChildProcess, timeoutMs: number, log: Logger): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`not listening after ${timeoutMs} ms: ${output.slice(-500)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split("\n")) if (line.trim()) log.debug({ playground: line.trim() }, "playground output");
      const match = /Listening on (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${code}: ${output.slice(-500)}`));
    });
  });
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, name);
  } catch {
    // already gone
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  signal(child, "SIGTERM");
  const force = setTimeout(() => signal(child, "SIGKILL"), 3000);
  await exited;
  clearTimeout(force);
}

/** `npm run playground`: the Playground alone, against the app at PORT (default 3978). */
async function runAlone(): Promise<void> {
  const log = createLogger(process.env.LOG_LEVEL ?? "info");
  const botUrl = `http://127.0.0.1:${process.env.PORT ?? "3978"}/api/messages`;
  const playground = await startAgentsPlayground({ botUrl, workDir: join(resolve(process.env.DATA_DIR ?? "./.data"), "playground"), log });
  if (!playground) process.exit(1);
  log.info({ botUrl }, `Agents Playground: open ${playground.url} (Ctrl+C stops it)`);
  const stop = () => void playground.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runAlone().catch((error: unknown) => {
    console.error("Agents Playground failed:", error);
    process.exit(1);
  });
}
