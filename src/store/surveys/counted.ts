import { createHash } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { addResponse, noCounts, sumCounts, SurveyCounts } from "../../core/workflows/surveys/counts.js";
import { StoredResponse, type Survey } from "../../core/workflows/surveys/model.js";
import type { Logger } from "../../log.js";
import { fromRow, getRow, statusOf, toRow } from "../entity.js";

/**
 * A survey's counts kept beside its responses, as the events RSVP counts are (src/store/events/tally.ts): SHARDS
 * counter rows in the survey's response partition (row keys after every response's, `~t:N`); a response row and
 * its shard's counter change in one transaction at the counter's ETag, so a vote costs a few small rows however
 * many have voted, and two votes at once never both count. Counter rows hold numbers only, never anyone.
 */
const SHARDS = 16;
const ATTEMPTS = 40;
/** Counter rows sort after every response row (`b:…`, `p:…`); responses are read below this key. */
export const COUNTER_PREFIX = "~t:";

const shardOf = (rowKey: string) => createHash("sha256").update(rowKey).digest()[0]! % SHARDS;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 15 * Math.min(attempt + 1, 8)));

/** Stores a response (replacing the one under the same key) and moves the counts by it, atomically. */
export async function respondCounted(table: TableClient, log: Logger, survey: Survey, partitionKey: string, rowKey: string, response: StoredResponse): Promise<void> {
  const counterKey = `${COUNTER_PREFIX}${shardOf(rowKey)}`;
  const row = toRow(StoredResponse, partitionKey, rowKey, "response", response);
  for (let attempt = 0; ; attempt++) {
    // The counter first, then the response: one stored after the counter was read changed the counter too, so
    // its ETag no longer matches and this attempt fails rather than counting against a stale response.
    const counter = await getRow(table, partitionKey, counterKey);
    const before = await getRow(table, partitionKey, rowKey);
    const previous = before && fromRow(StoredResponse, before, log);
    const counts = (counter && fromRow(SurveyCounts, counter, log)) || noCounts();
    if (previous) addResponse(counts, survey, previous.answers, -1);
    addResponse(counts, survey, response.answers, 1);
    const counted = toRow(SurveyCounts, partitionKey, counterKey, "surveyCount", counts);
    try {
      await table.submitTransaction([["upsert", row, "Replace"], counter ? ["update", counted, "Replace", { etag: counter.etag }] : ["create", counted]]);
      return;
    } catch (error) {
      // 412: someone changed the counter since it was read; 409: someone created it first.
      const status = statusOf(error);
      if ((status !== 412 && status !== 409) || attempt + 1 >= ATTEMPTS) {
        log.warn({ status, attempts: attempt + 1 }, "a survey response could not be counted: the counter kept changing");
        throw error;
      }
      await pause(attempt);
    }
  }
}

/** A survey's counts: the sum of its counter rows. */
export async function countedTotals(table: TableClient, log: Logger, partitionKey: string): Promise<SurveyCounts> {
  const parts: SurveyCounts[] = [];
  const filter = `PartitionKey eq '${partitionKey.replace(/'/g, "''")}' and RowKey ge '${COUNTER_PREFIX}' and RowKey lt '~u'`;
  for await (const row of table.listEntities<{ json?: string }>({ queryOptions: { filter } })) {
    const counts = fromRow(SurveyCounts, row, log);
    if (counts) parts.push(counts);
  }
  return sumCounts(parts);
}
