import type { TableClient } from "@azure/data-tables";
import { ConcurrencyError } from "../core/errors.js";
import type { Clock, JobRequest } from "../core/ports.js";
import type { Logger } from "../log.js";
import { fromRow, getRow, insertRow, keyPart, replaceRow, statusOf, toRow, type Row } from "../store/entity.js";
import { JobKeyIndex, JobRecord } from "./records.js";
import type { JobRegistry } from "./registry.js";

/** Jobs live in the partition of their due minute (`m:2026-11-23T09:05`), so due jobs are one range scan. */
export const minutePartition = (at: Date) => `m:${at.toISOString().slice(0, 16)}`;
const keyIndexPartition = (rowKey: string) => `k:${rowKey}`;
/**
 * An index row whose partition is younger than this may belong to a schedule still writing its job (and
 * the due scan, which stays a clock-skew margin behind, has not passed it); an older one whose job is
 * missing was left by a crash.
 */
const RECENT_INDEX_MS = 60_000;
const WATERMARK = { partitionKey: "w", rowKey: "" };
const Watermark = JobKeyIndex.pick({ partitionKey: true });

export interface JobLocation {
  partitionKey: string;
  rowKey: string;
}

/** A job row found by a scan: parsed when it could be, otherwise with the reason it could not. */
export interface FoundJob extends JobLocation {
  etag: string;
  raw: string;
  record?: JobRecord;
  parseError?: string;
}

export interface ClaimedJob extends JobLocation {
  record: JobRecord;
  etag: string;
}

/** The status, run time and lease are columns too, so the due scan can filter on them. */
function jobRow(at: JobLocation, record: JobRecord): Row {
  return {
    ...toRow(JobRecord, at.partitionKey, at.rowKey, "job", record),
    status: record.status,
    runAt: record.runAt,
    leaseUntil: record.leaseUntil ?? "",
  };
}

function parseJob(row: Partial<Row>): { record?: JobRecord; parseError?: string } {
  try {
    const parsed = JobRecord.safeParse(JSON.parse(String(row.json)));
    if (parsed.success) return { record: parsed.data };
    return { parseError: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  } catch (error) {
    return { parseError: `not JSON: ${String(error)}` };
  }
}

/** The jobs table: scheduling by idempotency key, the due scan, and ETag-conditional claims and leases. */
export class JobStore {
  constructor(
    private readonly table: TableClient,
    private readonly registry: JobRegistry,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async schedule(request: JobRequest): Promise<"scheduled" | "duplicate"> {
    const definition = this.registry.get(request.kind);
    if (!definition) throw new Error(`no job handler is registered for kind "${request.kind}"`);
    const payload = definition.schema.parse(request.payload);
    const now = this.clock.now();
    const rowKey = keyPart(request.key);
    // A job due in the past goes in the current minute, which the due scan has not yet passed.
    const at: JobLocation = { partitionKey: minutePartition(request.dueAt > now ? request.dueAt : now), rowKey };
    const dueAt = request.dueAt.toISOString();
    const record: JobRecord = { key: request.key, kind: request.kind, dueAt, runAt: dueAt, payload, status: "pending", attempts: 0, createdAt: now.toISOString() };
    for (let attempt = 0; attempt < 5; attempt++) {
      if ((await insertRow(this.table, toRow(JobKeyIndex, keyIndexPartition(rowKey), "", "jobKey", at))) === "created") {
        await insertRow(this.table, jobRow(at, record));
        return "scheduled";
      }
      const index = await getRow(this.table, keyIndexPartition(rowKey), "");
      if (!index) continue;
      const indexed = fromRow(JobKeyIndex, index, this.log);
      if (indexed && (await getRow(this.table, indexed.partitionKey, indexed.rowKey))) return "duplicate";
      // The index is there but its job is not: a crash came between the two inserts.
      if (indexed && indexed.partitionKey >= minutePartition(new Date(now.getTime() - RECENT_INDEX_MS))) {
        // Its creator may still be writing the job: insert-if-absent at the same place keeps one row either way.
        return (await insertRow(this.table, jobRow(indexed, record))) === "created" ? "scheduled" : "duplicate";
      }
      // An old partition the due scan may have passed: the job goes where a new one would, and the index follows it.
      try {
        await replaceRow(this.table, toRow(JobKeyIndex, keyIndexPartition(rowKey), "", "jobKey", at), index.etag, "jobKey");
      } catch (error) {
        if (error instanceof ConcurrencyError) continue;
        throw error;
      }
      this.log.warn({ jobKey: request.key, lostAt: indexed?.partitionKey, movedTo: at.partitionKey }, "a job's index had no job (a crash between the two writes); scheduled it again");
      return (await insertRow(this.table, jobRow(at, record))) === "created" ? "scheduled" : "duplicate";
    }
    throw new ConcurrencyError("jobKey");
  }

  async cancel(key: string): Promise<"cancelled" | "missing" | "started"> {
    const index = await getRow(this.table, keyIndexPartition(keyPart(key)), "");
    const at = index && fromRow(JobKeyIndex, index, this.log);
    if (!at) return "missing";
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await getRow(this.table, at.partitionKey, at.rowKey);
      const record = row && parseJob(row).record;
      if (!row || !record) return "missing";
      if (record.status === "cancelled") return "cancelled";
      if (record.status !== "pending") return "started";
      try {
        await replaceRow(this.table, jobRow(at, { ...record, status: "cancelled", finishedAt: this.clock.now().toISOString() }), row.etag, "job");
        return "cancelled";
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
    return "started";
  }

  /**
   * Due jobs (pending and due, or running with an expired lease), oldest first, and the earliest
   * partition that still holds an unfinished job (the scan's next starting point).
   */
  async findDue(now: Date, limit: number): Promise<{ due: FoundJob[]; earliestOpen?: string }> {
    const from = await this.watermark();
    const nowIso = now.toISOString();
    const filter =
      `PartitionKey ge '${from}' and PartitionKey le '${minutePartition(now)}' and ` +
      `(status eq 'pending' or status eq 'running')`;
    const due: FoundJob[] = [];
    let earliestOpen: string | undefined;
    let pages = 0;
    for await (const page of this.table.listEntities<Row>({ queryOptions: { filter } }).byPage({ maxPageSize: 200 })) {
      for (const row of page) {
        earliestOpen ??= row.partitionKey;
        const isDue = row.status === "pending" ? String(row.runAt) <= nowIso : String(row.leaseUntil) < nowIso;
        if (!isDue) continue;
        due.push({ partitionKey: row.partitionKey, rowKey: row.rowKey, etag: row.etag, raw: String(row.json), ...parseJob(row) });
      }
      // Unfinished rows that are not due yet (retries backing off) are few; stop after a bounded scan.
      if (due.length >= limit || ++pages >= 5) break;
    }
    due.sort((a, b) => (a.record?.runAt ?? "").localeCompare(b.record?.runAt ?? ""));
    return { due: due.slice(0, limit), earliestOpen };
  }

  /** Takes a job for `leaseMs` if nobody changed it since it was read; undefined when another instance won. */
  async claim(job: FoundJob & { record: JobRecord }, owner: string, leaseMs: number): Promise<ClaimedJob | undefined> {
    const now = this.clock.now();
    const record: JobRecord = { ...job.record, status: "running", owner, attempts: job.record.attempts + 1, leaseUntil: new Date(now.getTime() + leaseMs).toISOString() };
    try {
      const etag = await replaceRow(this.table, jobRow(job, record), job.etag, "job");
      return { partitionKey: job.partitionKey, rowKey: job.rowKey, record, etag };
    } catch (error) {
      if (error instanceof ConcurrencyError) return undefined;
      throw error;
    }
  }

  /** Extends the lease; throws ConcurrencyError when another instance has taken the job over. */
  async renew(job: ClaimedJob, leaseMs: number): Promise<ClaimedJob> {
    const record = { ...job.record, leaseUntil: new Date(this.clock.now().getTime() + leaseMs).toISOString() };
    const etag = await replaceRow(this.table, jobRow(job, record), job.etag, "job");
    return { ...job, record, etag };
  }

  /** Records how the run ended; false when the lease was lost meanwhile (the new owner decides). */
  async finish(job: ClaimedJob, next: Pick<JobRecord, "status"> & Partial<JobRecord>): Promise<boolean> {
    const record: JobRecord = { ...job.record, leaseUntil: undefined, owner: undefined, ...next };
    try {
      await replaceRow(this.table, jobRow(job, record), job.etag, "job");
      return true;
    } catch (error) {
      if (error instanceof ConcurrencyError) return false;
      throw error;
    }
  }

  /** A row that no longer parses: only its status column changes, so the stored text stays as it was. */
  async markUnreadable(job: FoundJob): Promise<boolean> {
    try {
      await this.table.updateEntity({ partitionKey: job.partitionKey, rowKey: job.rowKey, status: "dead" }, "Merge", { etag: job.etag });
      return true;
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) return false;
      throw error;
    }
  }

  /** The scan starts here: every partition before it holds finished jobs only. */
  async watermark(): Promise<string> {
    const row = await getRow(this.table, WATERMARK.partitionKey, WATERMARK.rowKey);
    return (row && fromRow(Watermark, row, this.log)?.partitionKey) ?? "m:";
  }

  /** Moves the scan's start forward to `partition` (a concurrent writer may move it back: that only costs a longer scan). */
  async advanceWatermark(current: string, partition: string): Promise<void> {
    if (partition <= current) return;
    await this.table.upsertEntity(toRow(Watermark, WATERMARK.partitionKey, WATERMARK.rowKey, "watermark", { partitionKey: partition }), "Replace");
  }
}
