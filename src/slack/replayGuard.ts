import type { TableClient, TransactionAction } from "@azure/data-tables";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { upTo } from "../core/cacheBound.js";
import { insertRow, keyPart, toRow, type Row } from "../store/entity.js";
import { PartitionGroups, type Grouped } from "../store/groupCommit.js";
import { tableClient, type StorageAccount } from "../store/tables.js";
import { MAX_CLOCK_SKEW_SECONDS } from "./verifyRequest.js";

/** Table of signed requests already accepted (gets the storage prefix like every other table). */
export const SIGNED_REQUESTS_TABLE = "SlackSignedRequests";

export function openSignedRequestsTable(account: StorageAccount): TableClient {
  return tableClient(account, SIGNED_REQUESTS_TABLE);
}

const SeenRequest = z.object({ timestamp: z.number().int(), acceptedAt: z.string() });

// One partition per second of request time: a claim never contends with older traffic, seconds past the
// 5-minute window are never read again (they can be dropped whole), and a partition holds one second's
// requests at most (Azurite checks each insert against its partition's rows one by one: a minute's took
// it up to 24,000 comparisons a claim at 400 requests a second).
const secondPartition = (timestampSeconds: number) => `s:${new Date(timestampSeconds * 1000).toISOString().slice(0, 19)}`;

/**
 * How long a signature this instance claimed is refused without asking storage. Storage refuses it for all of
 * Slack's ±5-minute window, on every instance; this only spares a quick second delivery the round trip, and
 * keeps a minute or two of traffic in memory rather than all of a burst (some 25 MB after five minutes at 500
 * a second).
 */
const SEEN_MS = 60_000;

type Claim = Grouped<Row, "created" | "duplicate">;

/**
 * Signed Slack requests already accepted, by (timestamp, signature): a second delivery of the same signed
 * request inside the 5-minute window is a replay. Insert-only rows, so every instance sees every claim.
 *
 * Claims are written in group commits: the claims that arrive while a commit is under way go into one
 * transaction (up to 100 rows of the same second). A transaction fails whole when one of its rows exists (a
 * replay seen by another instance): its claims are then inserted one by one, so only the replay is refused.
 * A signature this instance claimed within the last minute is refused without asking storage.
 */
/**
 * At most this many signatures are kept in memory (about 100 s of requests at 500 a second, some 10 MB). Past it
 * the oldest is forgotten early, which can only let through a replay that storage refuses anyway, or one of a
 * read-only command, which answers its asker again and changes nothing. Kept longer, five saturated minutes
 * left some 130,000 in memory through the next idle minute (RSS 1.30× the idle figure, the goal's limit).
 */
const SEEN_AT_MOST = 50_000;

export class SignedRequests {
  private readonly seen = new LRUCache<string, true>({ ...upTo(SEEN_AT_MOST), ttl: SEEN_MS });
  /**
   * lru-cache drops an expired entry only when it is asked for it (or with a timer per entry): expired
   * signatures are dropped together once a minute instead, idle or not, so memory comes back after a burst.
   */
  private purging?: NodeJS.Timeout;
  private readonly claims = new PartitionGroups<Row, "created" | "duplicate">((group) => this.commit(group));

  constructor(
    private readonly table: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** True when this instance claimed this signed request within the last minute: a replay, known without storage. */
  claimedHere(timestampSeconds: number, signature: string): boolean {
    return this.seen.has(keyPart(`${timestampSeconds}:${signature}`));
  }

  /**
   * Notes a signed request on this instance alone, for the rest of its ±5-minute window: `duplicate` when it was
   * seen here before. For requests whose replay could only repeat the asker's answer (read-only commands), where
   * a storage round trip would cost more than the replay it stops; another instance does not know it.
   */
  noteHere(timestampSeconds: number, signature: string): "created" | "duplicate" {
    const rowKey = keyPart(`${timestampSeconds}:${signature}`);
    if (this.seen.has(rowKey)) return "duplicate";
    const windowEnds = (timestampSeconds + MAX_CLOCK_SKEW_SECONDS) * 1000;
    this.remember(rowKey, Math.max(SEEN_MS, windowEnds - this.now().getTime()));
    return "created";
  }

  /** `created` for the first sight of this signed request; `duplicate` for a replay of it. */
  claim(timestampSeconds: number, signature: string): Promise<"created" | "duplicate"> {
    const rowKey = keyPart(`${timestampSeconds}:${signature}`);
    if (this.seen.has(rowKey)) return Promise.resolve("duplicate");
    this.remember(rowKey, SEEN_MS);
    const row = toRow(SeenRequest, secondPartition(timestampSeconds), rowKey, "slackSignedRequest", {
      timestamp: timestampSeconds,
      acceptedAt: this.now().toISOString(),
    });
    const claimed = this.claims.add(row.partitionKey, row);
    // Not recorded after all (storage failed): the same request may be tried again.
    claimed.catch(() => this.seen.delete(rowKey));
    return claimed;
  }

  private remember(rowKey: string, ttl: number): void {
    this.seen.set(rowKey, true, { ttl });
    this.purging ??= setInterval(() => this.seen.purgeStale(), SEEN_MS).unref();
  }

  private async commit(claims: Claim[]): Promise<void> {
    if (claims.length > 1) {
      try {
        await this.table.submitTransaction(claims.map((c): TransactionAction => ["create", c.item]));
        for (const c of claims) c.resolve("created");
        return;
      } catch {
        // A row that exists (a replay another instance took) or a failed transaction: one by one instead.
      }
    }
    await Promise.all(claims.map((c) => insertRow(this.table, c.item).then(c.resolve, c.reject)));
  }
}
