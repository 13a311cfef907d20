import type { TableClient } from "@azure/data-tables";
import type { FanoutProgress } from "../core/ports.js";
import type { Logger } from "../log.js";
import { fromRow, getRow, insertRow, keyPart, replaceRow, toRow } from "../store/entity.js";
import type { DeliveryLog } from "./deliveries.js";
import { FanoutRecord } from "./records.js";

const row = (record: FanoutRecord) => toRow(FanoutRecord, `f:${keyPart(record.fanoutId)}`, "", "fanout", record);

/** Fan-out records (what to send and how far the enqueueing got) and the progress derived from deliveries. */
export class FanoutStore {
  /** Fan-outs by id as this instance last read them; the card never changes after creation. */
  private readonly cache = new Map<string, FanoutRecord>();

  constructor(
    private readonly table: TableClient,
    private readonly deliveries: DeliveryLog,
    private readonly log: Logger,
  ) {}

  async get(fanoutId: string): Promise<{ record: FanoutRecord; etag: string } | undefined> {
    const found = await getRow(this.table, `f:${keyPart(fanoutId)}`, "");
    const record = found && fromRow(FanoutRecord, found, this.log);
    return found && record ? { record, etag: found.etag } : undefined;
  }

  /** The fan-out as created (for workers: its card and job), read once per instance. */
  async created(fanoutId: string): Promise<FanoutRecord | undefined> {
    const cached = this.cache.get(fanoutId);
    if (cached) return cached;
    const found = await this.get(fanoutId);
    if (found) {
      if (this.cache.size > 1000) this.cache.clear();
      this.cache.set(fanoutId, found.record);
    }
    return found?.record;
  }

  /** Creates the record, or returns the existing one (a job run again after a crash resumes from it). */
  async open(initial: FanoutRecord): Promise<{ record: FanoutRecord; etag: string; created: boolean }> {
    const created = (await insertRow(this.table, row(initial))) === "created";
    const found = await this.get(initial.fanoutId);
    if (!found) throw new Error(`fan-out ${initial.fanoutId} cannot be read back`);
    return { ...found, created };
  }

  /** Replaces the record if unchanged since read; throws ConcurrencyError otherwise. */
  update(record: FanoutRecord, etag: string): Promise<string> {
    return replaceRow(this.table, row(record), etag, "fanout");
  }

  /** Counts so far: derived from delivery records, never a counter that writers would contend for. */
  async progress(fanoutId: string): Promise<(FanoutProgress & { completedAt?: string }) | undefined> {
    const found = await this.get(fanoutId);
    if (!found) return undefined;
    const { record } = found;
    const counts = await this.deliveries.count(fanoutId);
    const recorded = counts.sent + counts.failed + counts.unreachable;
    return {
      fanoutId,
      total: record.enqueued,
      enqueueDone: record.enqueueDone,
      queued: Math.max(0, record.enqueued - recorded),
      ...counts,
      done: record.enqueueDone && recorded >= record.enqueued,
      completedAt: record.completedAt,
    };
  }

  /** Marks a finished fan-out complete; true for the one instance whose write won (it reports the end). */
  async complete(fanoutId: string, at: string): Promise<boolean> {
    const found = await this.get(fanoutId);
    if (!found || found.record.completedAt) return false;
    try {
      await this.update({ ...found.record, completedAt: at }, found.etag);
      return true;
    } catch {
      return false;
    }
  }
}
