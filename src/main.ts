import { join } from "node:path";
import { startApp } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createRequire } from "node:module";
import { createLogger, type Logger } from "./log.js";
import { startAgentsPlayground } from "./playground.js";
import { DataDirInUseError } from "./store/dataDirLock.js";

/** Start-up: configuration (exit 1 with one line per problem), the app, and a graceful stop on signals. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`cop-companion cannot start; fix these settings:\n${error.problems.map((p) => `  - ${p}`).join("\n")}`);
      process.exit(1);
    }
    throw error;
  }
  const pretty = config.logFormat === "pretty" || (config.logFormat === "auto" && process.stdout.isTTY && canLoad("pino-pretty"));
  const log = createLogger(config.logLevel, undefined, pretty);
  const started = performance.now();
  const app = await startApp(config, { log });
  describeEndpoints(log, config, app.describe());
  log.info({ url: app.url, startupMs: Math.round(performance.now() - started) }, `cop-companion is listening on ${app.url}`);
  const playground = config.playground
    ? await startAgentsPlayground({ botUrl: `${app.url}/api/messages`, workDir: join(config.dataDir, "playground"), log })
    : undefined;
  if (playground) log.info(`Chat with it in Teams' Agents Playground: open ${playground.url} (PLAYGROUND=off turns this off)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: finishing in-flight work");
    const deadline = setTimeout(() => {
      log.error("did not stop within 10 s; exiting anyway");
      process.exit(1);
    }, 10_000);
    await Promise.all([playground?.stop(), app.stop()]);
    clearTimeout(deadline);
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

/** Says which endpoints are on, and for those that are off, how to turn them on. */
function describeEndpoints(log: Logger, config: Config, lines: string[]): void {
  for (const line of lines) log.info(line);
  if (config.storage.mode === "embedded") {
    log.info({ dataDir: config.dataDir }, "storage: embedded Azurite; set AZURE_STORAGE_CONNECTION_STRING to use an Azure Storage account");
  }
}

function canLoad(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

main().catch((error: unknown) => {
  if (error instanceof DataDirInUseError) console.error(`cop-companion cannot start: ${error.message}`);
  else console.error("cop-companion failed to start:", error);
  process.exit(1);
});
