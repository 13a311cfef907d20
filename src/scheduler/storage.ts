import type { TableClient } from "@azure/data-tables";
import { QueueServiceClient, type QueueClient } from "@azure/storage-queue";
import { ensureTables, tableClient, type StorageAccount } from "../store/tables.js";

/** The scheduler's own tables: nothing outside src/scheduler reads or writes them. */
export const SCHEDULER_TABLES = {
  jobs: "Jobs",
  fanouts: "FanOuts",
  deliveries: "Deliveries",
  deadLetters: "DeadLetters",
  rateLimits: "RateLimits",
  copies: "Copies",
} as const;
export type SchedulerTables = Record<keyof typeof SCHEDULER_TABLES, TableClient>;

export interface SchedulerStorage {
  tables: SchedulerTables;
  queue: QueueClient;
  /** Creates the tables and the queue when missing (idempotent: run on each start-up). */
  prepare(): Promise<void>;
}

/** Queue names are lower-case letters, digits and dashes; the table prefix keeps tests apart here too. */
export function deliveryQueueName(tablePrefix = ""): string {
  return `${tablePrefix.toLowerCase().replace(/[^a-z0-9]/g, "")}deliveries`;
}

export function openSchedulerStorage(account: StorageAccount): SchedulerStorage {
  const tables = Object.fromEntries(
    Object.entries(SCHEDULER_TABLES).map(([key, name]) => [key, tableClient(account, name)]),
  ) as SchedulerTables;
  // The queue endpoint and key come from the same connection string as the tables.
  const queue = QueueServiceClient.fromConnectionString(account.connectionString).getQueueClient(deliveryQueueName(account.tablePrefix));
  return {
    tables,
    queue,
    async prepare() {
      await Promise.all([ensureTables(tables), queue.createIfNotExists()]);
    },
  };
}
