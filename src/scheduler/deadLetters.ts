import type { TableClient } from "@azure/data-tables";
import type { Logger } from "../log.js";
import { keyPart, listPage, toRow } from "../store/entity.js";
import { DeadLetter } from "./records.js";

/** Which dead letters to read: one fan-out's, the jobs', or queue messages that did not parse. */
export type DeadLetterShelf = { fanoutId: string } | "jobs" | "unparsed";

const partitionOf = (shelf: DeadLetterShelf) => (typeof shelf === "string" ? shelf : `f:${keyPart(shelf.fanoutId)}`);

/**
 * What the scheduler gave up on, with the last error, for a person to read and act on: one row per
 * job (partition `jobs`), per fan-out recipient (partition `f:<fanoutId>`) or per unreadable message.
 */
export class DeadLetters {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async add(shelf: DeadLetterShelf, id: string, letter: DeadLetter): Promise<void> {
    // Upsert: a retried write after a crash replaces the same row instead of failing.
    await this.table.upsertEntity(toRow(DeadLetter, partitionOf(shelf), keyPart(id), "deadLetter", letter), "Replace");
    this.log.warn({ shelf, id, source: letter.source, ref: letter.ref, error: letter.error, dequeueCount: letter.dequeueCount }, "moved to the dead-letter table");
  }

  /** The first `pageSize` dead letters on a shelf (pass the token back for more). */
  list(shelf: DeadLetterShelf, pageSize = 100, continuationToken?: string) {
    return listPage(this.table, `PartitionKey eq '${partitionOf(shelf).replace(/'/g, "''")}'`, DeadLetter, this.log, { pageSize, continuationToken });
  }
}
