import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";

// Azurite's package entry is its VS Code extension; its servers are CommonJS classes under dist/.
const require = createRequire(import.meta.url);
type Constructor<T> = new (...args: unknown[]) => T;
interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
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
  stop(): Promise<void>;
}

/**
 * Starts Azurite's table and queue services in this process on free loopback ports, keeping data in
 * `location` (so a restart loses nothing) or in memory when `location` is "memory".
 */
export async function startEmbeddedAzurite(
  location: string | "memory",
  ports: { table?: number; queue?: number } = {},
): Promise<EmbeddedAzurite> {
  const inMemory = location === "memory";
  const dir = inMemory ? "" : location;
  if (!inMemory) await mkdir(join(dir, "queue"), { recursive: true });
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
  await Promise.all([tables.start(), queues.start()]);

  const tableUrl = `${tables.getHttpServerAddress()}/${AZURITE_ACCOUNT}`;
  const queueUrl = `${queues.getHttpServerAddress()}/${AZURITE_ACCOUNT}`;
  return {
    tableUrl,
    queueUrl,
    connectionString: azuriteConnectionString(tableUrl, queueUrl),
    async stop() {
      await Promise.allSettled([tables.close(), queues.close()]);
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
