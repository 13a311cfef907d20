import type { TableClient } from "@azure/data-tables";
import type { Logger } from "../log.js";
import { getRow, insertRow, keyPart, statusOf, toRow, type Row } from "../store/entity.js";
import { DeliveryRecord, recipientId, type DeliveryStatus } from "./records.js";

/** A fan-out's delivery records share one partition, so a batch is one transaction and counting is one scan. */
export const fanoutPartition = (fanoutId: string) => `f:${keyPart(fanoutId)}`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export type DeliveryCounts = Record<DeliveryStatus, number>;

/** The deliveries table: one insert-only row per (fan-out, recipient), written after the platform answered. */
export class DeliveryLog {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  /** Which of these recipients (recipient ids) already have a record in this fan-out. */
  async recorded(fanoutId: string, recipients: string[]): Promise<Set<string>> {
    // Point reads, not an OR of row keys: the service answers those from its index instead of scanning the partition.
    const found = await Promise.all(recipients.map(async (r) => ((await getRow(this.table, fanoutPartition(fanoutId), keyPart(r))) ? r : undefined)));
    return new Set(found.filter((r): r is string => r !== undefined));
  }

  /** Writes records (insert-only: the first outcome recorded for a recipient stands), 100 per transaction. */
  async record(records: DeliveryRecord[]): Promise<void> {
    const byFanout = new Map<string, Row[]>();
    for (const record of records) {
      const row = { ...toRow(DeliveryRecord, fanoutPartition(record.fanoutId), keyPart(recipientId(record.target)), "delivery", record), status: record.status };
      byFanout.set(row.partitionKey, [...(byFanout.get(row.partitionKey) ?? []), row]);
    }
    for (const rows of byFanout.values()) {
      for (let i = 0; i < rows.length; i += 100) {
        const chunk = rows.slice(i, i + 100);
        try {
          await this.table.submitTransaction(chunk.map((row) => ["create", row] as const));
        } catch (error) {
          // One row existed already (another worker recorded it): the batch rolled back whole; insert one by one.
          if (statusOf(error) !== 409) throw error;
          this.log.debug({ rows: chunk.length }, "a delivery was recorded already; recording the batch row by row");
          for (const row of chunk) await insertRow(this.table, row);
        }
      }
    }
  }

  /** Counts a fan-out's records by status (reads only the status column). */
  async count(fanoutId: string): Promise<DeliveryCounts> {
    const counts: DeliveryCounts = { sent: 0, unreachable: 0, failed: 0 };
    const rows = this.table.listEntities<Row>({ queryOptions: { filter: `PartitionKey eq ${quote(fanoutPartition(fanoutId))}`, select: ["status"] } });
    for await (const page of rows.byPage({ maxPageSize: 1000 })) {
      for (const row of page) {
        const status = row.status as DeliveryStatus;
        if (status in counts) counts[status] += 1;
      }
    }
    return counts;
  }

  /** Every record of a fan-out (for reports and tests). */
  async list(fanoutId: string): Promise<DeliveryRecord[]> {
    const out: DeliveryRecord[] = [];
    const rows = this.table.listEntities<Row>({ queryOptions: { filter: `PartitionKey eq ${quote(fanoutPartition(fanoutId))}` } });
    for await (const row of rows) {
      const parsed = DeliveryRecord.safeParse(JSON.parse(String(row.json)));
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }
}
