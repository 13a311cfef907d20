import { chmod, mkdir, readdir } from "node:fs/promises";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { join } from "node:path";
import { createRequire } from "node:module";
import { isLoopbackHostHeader } from "../loopback.js";
import { lockDir } from "./dataDirLock.js";

// Azurite's package entry is its VS Code extension; its servers are CommonJS classes under dist/.
const require = createRequire(import.meta.url);
// Azurite loads Application Insights for its own telemetry, and that library, merely loaded, patches modules of
// the process it is in (console, and the Azure SDK's tracing: a span for every storage request the app makes,
// seen as a twentieth of the app's CPU under load in a profile). Azurite's telemetry is off here; so is that.
process.env.APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL ??= "1";
type Constructor<T> = new (...args: unknown[]) => T;
interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
  /** Azurite's ServerBase keeps its node http.Server here, with one "request" listener. */
  readonly httpServer: Server;
}
const load = <T>(path: string) => (require(path) as { default: Constructor<T> }).default;
const TableServer = load<AzuriteServer>("azurite/dist/src/table/TableServer.js");
const TableConfiguration = load<unknown>("azurite/dist/src/table/TableConfiguration.js");
const QueueServer = load<AzuriteServer>("azurite/dist/src/queue/QueueServer.js");
const QueueConfiguration = load<unknown>("azurite/dist/src/queue/QueueConfiguration.js");

/** Azurite's fixed development account: public, documented, and only ever served on loopback. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface EmbeddedAzurite {
  connectionString: string;
  tableUrl: string;
  queueUrl: string;
  /** The pid of a previous run whose stale lock on the folder was taken over, if any. */
  tookOverLockFrom?: number;
  stop(): Promise<void>;
}

export const FOREIGN_HOST_REFUSAL = "This storage only answers requests addressed to 127.0.0.1, localhost or [::1].";

/**
 * Azurite answers any Host, and takes an account name from a virtual-host name: a web page whose own
 * name resolves to 127.0.0.1 (DNS rebinding) could read and write the app's data with the public
 * development key. Requests must name loopback.
 */
function answerLoopbackNamesOnly(server: AzuriteServer): void {
  const http = server.httpServer;
  const handlers = http.listeners("request") as Array<(...args: unknown[]) => void>;
  http.removeAllListeners("request");
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (isLoopbackHostHeader(req.headers.host)) {
      for (const handle of handlers) handle.call(http, req, res);
      return;
    }
    res.writeHead(403, { "content-type": "text/plain; charset=utf-8", connection: "close" });
    res.end(FOREIGN_HOST_REFUSAL);
  });
}

/**
 * The folder holds bot tokens and every community's data: only this user may read it. Azurite and its
 * database library create files as they go (each save writes a new file), so the process's umask is
 * what keeps new files private; files and folders from earlier runs are tightened once here.
 */
async function keepPrivate(dir: string): Promise<void> {
  process.umask(process.umask(0o077) | 0o077);
  const tighten = async (folder: string): Promise<void> => {
    await chmod(folder, 0o700);
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await tighten(path);
      else if (entry.isFile()) await chmod(path, 0o600);
    }
  };
  await tighten(dir);
}

/**
 * Starts Azurite's table and queue services in this process on free loopback ports, keeping data in
 * `location` (so a restart loses nothing) or in memory when `location` is "memory". On disk the folder
 * is private to this user and locked to this process (DataDirInUseError when another one runs on it).
 */
export async function startEmbeddedAzurite(
  location: string | "memory",
  ports: { table?: number; queue?: number } = {},
): Promise<EmbeddedAzurite> {
  const inMemory = location === "memory";
  const dir = inMemory ? "" : location;
  let lock: Awaited<ReturnType<typeof lockDir>> | undefined;
  if (!inMemory) {
    await mkdir(join(dir, "queue"), { recursive: true, mode: 0o700 });
    lock = await lockDir(dir);
    await keepPrivate(dir).catch(async (error: unknown) => {
      await lock?.release();
      throw error;
    });
  }
  const host = "127.0.0.1";
  const skipApiVersionCheck = true; // the current queue SDK sends an API version Azurite 3.35 would reject

  const tableConfig = new TableConfiguration(
    host, ports.table ?? 0, 5, inMemory ? "" : join(dir, "__azurite_db_table__.json"),
    false, false, undefined, undefined, false, skipApiVersionCheck, "", "", "", undefined, false, inMemory,
  );
  const queueConfig = new QueueConfiguration(
    host, ports.queue ?? 0, 5,
    inMemory ? "" : join(dir, "__azurite_db_queue__.json"),
    inMemory ? "" : join(dir, "__azurite_db_queue_extent__.json"),
    [{ locationId: "Default", locationPath: join(dir || ".", "queue"), maxConcurrency: 1 }],
    false, undefined, false, undefined, false, skipApiVersionCheck, "", "", "", undefined, false, inMemory,
  );
  const tables = new TableServer(tableConfig);
  const queues = new QueueServer(queueConfig);
  answerLoopbackNamesOnly(tables);
  answerLoopbackNamesOnly(queues);
  try {
    await Promise.all([tables.start(), queues.start()]);
  } catch (error) {
    await Promise.allSettled([tables.close(), queues.close()]);
    await lock?.release();
    throw error;
  }

  const tableUrl = `${tables.getHttpServerAddress()}/${AZURITE_ACCOUNT}`;
  const queueUrl = `${queues.getHttpServerAddress()}/${AZURITE_ACCOUNT}`;
  return {
    tableUrl,
    queueUrl,
    connectionString: azuriteConnectionString(tableUrl, queueUrl),
    tookOverLockFrom: lock?.tookOverFrom,
    async stop() {
      await Promise.allSettled([tables.close(), queues.close()]);
      await lock?.release();
    },
  };
}

export function azuriteConnectionString(tableUrl: string, queueUrl: string): string {
  return [
    "DefaultEndpointsProtocol=http",
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `TableEndpoint=${tableUrl}`,
    `QueueEndpoint=${queueUrl}`,
  ].join(";") + ";";
}
