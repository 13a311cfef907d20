import { createHash } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { ANSWERS, Rsvp, type Tally } from "../../core/workflows/events/model.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, keyPart, prefixFilter, statusOf, toRow } from "../entity.js";

/**
 * Answer counts kept as they change, so a press costs a few small rows whatever the number of answers
 * (Table Storage cannot count). Each occurrence has SHARDS counter rows; a person always lands on the same
 * one, and their answer row and that counter change in one transaction at the counter's ETag: two presses
 * at once (even the same person's) never both count, and a conflict is simply tried again.
 * The counts can always be checked against (and rebuilt from) the answer rows: `recount`.
 */
const SHARDS = 16;
/** Enough for every press of a burst on one shard to get its turn. */
const ATTEMPTS = 40;

const Counts = z.object({ going: z.number().int().nonnegative(), maybe: z.number().int().nonnegative(), no: z.number().int().nonnegative() });
const zero = (): Tally => Object.fromEntries(ANSWERS.map((a) => [a, 0])) as Tally;

export const rsvpPrefix = (eventId: string, occurrence: string) => `r:${keyPart(eventId)}:${keyPart(occurrence)}:`;
export const rsvpRow = (r: Pick<Rsvp, "eventId" | "occurrence" | "personKey">) => `${rsvpPrefix(r.eventId, r.occurrence)}${keyPart(r.personKey)}`;
const counterPrefix = (eventId: string, occurrence: string) => `t:${keyPart(eventId)}:${keyPart(occurrence)}:`;
const shardOf = (personKey: string) => createHash("sha256").update(personKey).digest()[0]! % SHARDS;

/** A short pause before trying again, spread so that colliding presses do not collide again. */
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 15 * Math.min(attempt + 1, 8)));

/** Stores a person's answer (replacing theirs) and moves the counts by it, atomically. */
export async function answerCounted(table: TableClient, log: Logger, communityId: string, rsvp: Rsvp): Promise<void> {
  const partitionKey = communityPartition(communityId);
  const answerKey = rsvpRow(rsvp);
  const counterKey = `${counterPrefix(rsvp.eventId, rsvp.occurrence)}${shardOf(rsvp.personKey)}`;
  const row = toRow(Rsvp, partitionKey, answerKey, "rsvp", rsvp);
  for (let attempt = 0; ; attempt++) {
    // The counter first, then the answer: an answer stored after the counter was read changed the counter too,
    // so its ETag no longer matches and this attempt fails rather than counting against a stale answer.
    const counter = await getRow(table, partitionKey, counterKey);
    const before = await getRow(table, partitionKey, answerKey);
    const previous = before && fromRow(Rsvp, before, log)?.answer;
    const counts = (counter && fromRow(Counts, counter, log)) || zero();
    if (previous) counts[previous] = Math.max(0, counts[previous] - 1);
    counts[rsvp.answer] += 1;
    const counted = toRow(Counts, partitionKey, counterKey, "rsvpCount", counts);
    try {
      await table.submitTransaction([
        ["upsert", row, "Replace"],
        counter ? ["update", counted, "Replace", { etag: counter.etag }] : ["create", counted],
      ]);
      return;
    } catch (error) {
      // 412: someone changed the counter since it was read; 409: someone created it first.
      const status = statusOf(error);
      if ((status !== 412 && status !== 409) || attempt + 1 >= ATTEMPTS) {
        log.warn({ status, attempts: attempt + 1 }, "an answer could not be counted: the counter kept changing");
        throw error;
      }
      await pause(attempt);
    }
  }
}

/** The counts of one occurrence: the sum of its counter rows. */
export async function countedTally(table: TableClient, log: Logger, communityId: string, eventId: string, occurrence: string): Promise<Tally> {
  const tally = zero();
  const rows = table.listEntities<{ json?: string }>({ queryOptions: { filter: prefixFilter(communityPartition(communityId), counterPrefix(eventId, occurrence)) } });
  for await (const row of rows) {
    const counts = fromRow(Counts, row, log);
    if (counts) for (const a of ANSWERS) tally[a] += counts[a];
  }
  return tally;
}

/** The counts of one occurrence recounted from every answer row: what the counters must always equal. */
export async function recount(table: TableClient, log: Logger, communityId: string, eventId: string, occurrence: string): Promise<Tally> {
  const tally = zero();
  const rows = table.listEntities<{ json?: string }>({ queryOptions: { filter: prefixFilter(communityPartition(communityId), rsvpPrefix(eventId, occurrence)) } });
  for await (const row of rows) {
    const rsvp = fromRow(Rsvp, row, log);
    if (rsvp) tally[rsvp.answer] += 1;
  }
  return tally;
}
