import { createHash } from "node:crypto";
import type { TableClient, TransactionAction } from "@azure/data-tables";
import { LRUCache } from "lru-cache";
import type { Logger } from "../log.js";
import { fromRow, getRow, statusOf, toRow, TRANSACTION_LIMIT, type Row } from "./entity.js";
import type { z } from "zod";

/**
 * Rows whose counts are kept beside them (Table Storage cannot count), written in group commits.
 *
 * A group is one set of counter rows in one partition: `SHARDS` rows whose keys start with the group's prefix.
 * A row always counts on the same shard (a hash of its key). A commit reads the group's counters (one query),
 * then the rows it writes (as they were; but see below for a row it has not seen), then writes those rows and
 * the counters they move in ONE transaction, each counter at the ETag it was read with: anyone who changed one
 * of those rows in between changed its counter too, so the commit fails and is tried again rather than
 * counting against a stale row.
 *
 * Presses that arrive while a commit is under way wait for the next one, and go in together: a burst costs
 * a few requests per commit plus one read per row, instead of three requests per press and a retry storm on
 * the counters (measured by `npm run bench`, the RSVP and survey bursts). Within one instance a group has one
 * commit at a time; instances contend only through the ETags.
 *
 * A group is stopped (a survey that closes, `closeCounted`) by marking every one of its counter rows closed, all
 * in one transaction: a commit under way then fails on a counter's ETag (or on creating one), reads again and
 * is refused (`RefusedAtCommit`). So no commit writes into a stopped group, and none reads anything to know it.
 *
 * What a commit wrote is kept for the next (`Known`): the counters with the ETags the transaction returned,
 * and the rows as written. The next commit to the group reads neither again: the same ETags guard it, since a
 * row changed elsewhere moved its counter too. A commit that loses on a kept ETag forgets what was kept and is
 * tried again at once, reading as above.
 *
 * A row the commit has not seen is first taken to be new, as a first answer (by far the most common) is: it is
 * created in the transaction, not read before it, so a burst of first answers costs storage no read per answer.
 * One that exists after all fails the transaction on its creation (409, nothing written): the commit then reads
 * every row it has not seen, as above, and is tried again at once.
 */
export interface CountedKind<C, G extends CountedGroup = CountedGroup> {
  schema: z.ZodType<C, z.ZodTypeDef, unknown>;
  /** The `kind` a counter row is stored with. */
  counterKind: string;
  zero(): C;
  /** What picks a row's shard (default: its row key); it must never change for a row. */
  shardBy?(row: Row): string;
  /** Moves `counts` by one row of `group` changing from `previous` (undefined: new) to `next`. */
  move(counts: C, previous: Row | undefined, next: Row, group: G): void;
  /**
   * Rows kept beside a row, written or deleted in the same transaction as it changes from `previous` to `next`
   * (in its partition, with keys outside the counter prefix and unique to the row).
   */
  companions?(previous: Row | undefined, next: Row, group: G): TransactionAction[];
  /** How many operations a row may take in a transaction, itself and its companions at most (default 1). */
  weight?(row: Row, group: G): number;
}

export interface CountedGroup {
  partitionKey: string;
  /** Every counter row's key starts with it (and no other row's). */
  counterPrefix: string;
}

/** The group was stopped (`closeCounted`): nothing of the commit was written. */
export class RefusedAtCommit extends Error {}

export const SHARDS = 16;
/** A transaction holds at most 100 operations: the rows and every counter they touch. */
const MAX_ROWS = TRANSACTION_LIMIT - SHARDS;
/** And at most 4 MiB: stay well inside it, whatever the rows hold. */
const MAX_BYTES = 2 * 1024 * 1024;
/** Enough for a commit to get its turn against other instances committing to the same group. */
const ATTEMPTS = 40;
/** Rows kept from this instance's commits, over every group (a few hundred bytes each). */
const KNOWN_ROWS = 20_000;

const shardKey = (group: CountedGroup, by: string) => `${group.counterPrefix}${createHash("sha256").update(by).digest()[0]! % SHARDS}`;

/**
 * Stops a group: every counter row (created where none is yet) is marked closed in one transaction, so no
 * commit that has not finished by then writes into it, on any instance; the counts stay as they are.
 */
export async function closeCounted(table: TableClient, group: CountedGroup): Promise<void> {
  await table.submitTransaction(Array.from({ length: SHARDS }, (_, n): TransactionAction => ["upsert", { partitionKey: group.partitionKey, rowKey: `${group.counterPrefix}${n}`, closed: true }, "Merge"]));
}
/** A short pause before trying again, spread so that colliding commits do not collide again. */
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 15 * Math.min(attempt + 1, 8)));
const sizeOf = (row: Row) => JSON.stringify(row).length;

interface Pending<C> {
  row: Row;
  /** With every shard's counts as this commit left them. */
  resolve(shards: C[]): void;
  reject(error: unknown): void;
}

interface Queue<C, G> {
  group: G;
  pending: Pending<C>[];
}

type Counters<C> = Map<string, { counts: C; etag: string }>;

/** A group as this instance's last commit to it left it: every counter read or written, and the rows written. */
interface Known<C> {
  counters: Counters<C>;
  rows: Map<string, Row>;
}

export class CountedWriter<C, G extends CountedGroup = CountedGroup> {
  private readonly queues = new Map<string, Queue<C, G>>();
  private readonly known = new LRUCache<string, Known<C>>({ maxSize: KNOWN_ROWS, sizeCalculation: (k) => Math.min(KNOWN_ROWS, SHARDS + k.rows.size) });

  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
    private readonly kind: CountedKind<C, G>,
  ) {}

  /** Stores `row` (replacing the row under its key) and moves its group's counts by it, atomically. */
  write(group: G, row: Row): Promise<C[]> {
    return new Promise<C[]>((resolve, reject) => {
      const id = `${group.partitionKey}\u0000${group.counterPrefix}`;
      const queue = this.queues.get(id);
      if (queue) {
        queue.pending.push({ row, resolve, reject });
        return;
      }
      const started: Queue<C, G> = { group, pending: [{ row, resolve, reject }] };
      this.queues.set(id, started);
      void this.drain(id, started);
    });
  }

  /** The counts of every shard of a group, as stored now. */
  async shards(group: G): Promise<C[]> {
    return [...(await this.readCounters(group)).counters.values()].map((c) => c.counts);
  }

  private async drain(id: string, queue: Queue<C, G>): Promise<void> {
    try {
      while (queue.pending.length) {
        const batch = takeBatch(queue.pending, (row) => this.kind.weight?.(row, queue.group) ?? 1);
        try {
          const shards = await this.commit(id, queue.group, batch);
          for (const p of batch) p.resolve(shards);
        } catch (error) {
          if (batch.length === 1 || error instanceof RefusedAtCommit) {
            for (const p of batch) p.reject(error);
            continue;
          }
          // Something other than a conflict (a row storage refused, say): each press on its own, so that one
          // bad row does not take the others with it.
          for (const p of batch) {
            await this.commit(id, queue.group, [p]).then(p.resolve, p.reject);
          }
        }
      }
    } finally {
      this.queues.delete(id);
    }
  }

  /** The group's counters as stored now, and whether it was stopped (a counter marked closed). */
  private async readCounters(group: G): Promise<{ counters: Counters<C>; closed: boolean }> {
    const counters: Counters<C> = new Map();
    let closed = false;
    const filter = `PartitionKey eq '${group.partitionKey.replace(/'/g, "''")}' and RowKey ge '${group.counterPrefix.replace(/'/g, "''")}' and RowKey lt '${group.counterPrefix.replace(/'/g, "''")}~'`;
    for await (const row of this.table.listEntities<Row & { closed?: boolean }>({ queryOptions: { filter } })) {
      closed ||= row.closed === true;
      // A counter the close created holds no counts yet.
      const counts = row.json === undefined && row.closed === true ? this.kind.zero() : fromRow(this.kind.schema, row, this.log);
      if (counts && row.rowKey && row.etag) counters.set(row.rowKey, { counts, etag: row.etag });
    }
    return { counters, closed };
  }

  private async commit(id: string, group: G, batch: Pending<C>[]): Promise<C[]> {
    // The last press for a key wins, as if they had come one after the other.
    const rows = new Map<string, Row>();
    for (const p of batch) rows.set(p.row.rowKey, p.row);
    // Rows this instance has not written are first taken to be new: created, not read (see the class comment).
    let unread = true;
    for (let attempt = 0; ; attempt++) {
      const known = this.known.get(id);
      // Counters first, then the rows: see the class comment.
      const read = known ? { counters: known.counters, closed: false } : await this.readCounters(group);
      if (read.closed) throw new RefusedAtCommit();
      const { counters } = read;
      const created = new Set(unread ? [...rows.keys()].filter((key) => !known?.rows.has(key)) : []);
      const previous = await Promise.all([...rows.keys()].map((key) => (known?.rows.has(key) ? known.rows.get(key) : created.has(key) ? undefined : getRow(this.table, group.partitionKey, key))));
      const moved = new Map<string, C>();
      [...rows.values()].forEach((row, i) => {
        const key = shardKey(group, this.kind.shardBy?.(row) ?? row.rowKey);
        const counts = moved.get(key) ?? structuredClone(counters.get(key)?.counts ?? this.kind.zero());
        this.kind.move(counts, previous[i], row, group);
        moved.set(key, counts);
      });
      const actions: TransactionAction[] = [...rows.values()].flatMap((row, i): TransactionAction[] => [created.has(row.rowKey) ? ["create", row] : ["upsert", row, "Replace"], ...(this.kind.companions?.(previous[i], row, group) ?? [])]);
      const firstCounter = actions.length;
      for (const [key, counts] of moved) {
        const counted = toRow(this.kind.schema, group.partitionKey, key, this.kind.counterKind, counts);
        const etag = counters.get(key)?.etag;
        actions.push(etag ? ["update", counted, "Replace", { etag }] : ["create", counted]);
      }
      try {
        const { subResponses } = await this.table.submitTransaction(actions);
        this.remember(id, known, counters, rows, [...moved].map(([key, counts], i) => ({ key, counts, etag: subResponses[firstCounter + i]?.etag })));
        return [...counters.keys(), ...moved.keys()].filter((key, i, all) => all.indexOf(key) === i).map((key) => moved.get(key) ?? counters.get(key)!.counts);
      } catch (error) {
        const status = statusOf(error);
        if (status === 409 && created.size) {
          // A row taken to be new exists (an answer changed, written before through another instance or before
          // this one started): read them all and try again at once. Nothing was written, so what was kept holds.
          unread = false;
          continue;
        }
        this.known.delete(id);
        // 412: a counter changed since it was read (moved, or marked closed); 409: someone created it first.
        if ((status !== 412 && status !== 409) || attempt + 1 >= ATTEMPTS) {
          this.log.warn({ status, attempts: attempt + 1, rows: rows.size }, "rows could not be counted: the counters kept changing");
          throw error;
        }
        // What was kept is out of date (another instance committed): read afresh at once.
        if (!known) await pause(attempt);
      }
    }
  }

  /**
   * Keeps what a commit left for the next one: the counters it read or kept, those it wrote at their new ETags,
   * and its rows (with the rows kept before when it started from kept counters). Without a new ETag, nothing.
   */
  private remember(id: string, known: Known<C> | undefined, counters: Counters<C>, rows: Map<string, Row>, written: Array<{ key: string; counts: C; etag?: string }>): void {
    if (written.some((w) => !w.etag)) {
      this.known.delete(id);
      return;
    }
    const kept: Known<C> = { counters: new Map(counters), rows: known?.rows ?? new Map() };
    for (const w of written) kept.counters.set(w.key, { counts: structuredClone(w.counts), etag: w.etag! });
    for (const [key, row] of rows) {
      // Most recently written last: the oldest go first when a group holds too many.
      kept.rows.delete(key);
      kept.rows.set(key, row);
    }
    for (const key of kept.rows.keys()) {
      if (kept.rows.size <= KNOWN_ROWS - SHARDS) break;
      kept.rows.delete(key);
    }
    this.known.set(id, kept);
  }
}

/** The presses that go into one commit: as many as fit one transaction (each row with its companions), in arrival order. */
function takeBatch<C>(pending: Pending<C>[], weight: (row: Row) => number): Pending<C>[] {
  const keys = new Set<string>();
  let operations = 0;
  let bytes = 0;
  let taken = 0;
  for (const p of pending) {
    const w = weight(p.row);
    // Companions hold at most what their row holds.
    const size = sizeOf(p.row) * Math.min(w, 2);
    const fresh = !keys.has(p.row.rowKey);
    if (taken > 0 && fresh && (operations + w > MAX_ROWS || bytes + size > MAX_BYTES)) break;
    if (fresh) {
      keys.add(p.row.rowKey);
      operations += w;
    }
    bytes += size;
    taken += 1;
  }
  return pending.splice(0, taken);
}
