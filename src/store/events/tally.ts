import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { ANSWERS, Rsvp, type Tally } from "../../core/workflows/events/model.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { CountedWriter } from "../countedWriter.js";
import { fromRow, keyPart, prefixFilter, toRow, type Row } from "../entity.js";

/**
 * Answer counts kept as they change, so a press costs a few small rows whatever the number of answers
 * (Table Storage cannot count): each occurrence has its counter rows, written with the answers in group commits
 * (src/store/countedWriter.ts); a person always lands on the same shard, and two presses at once (even the same
 * person's) never both count. The counts can always be checked against (and rebuilt from) the answer rows: `recount`.
 */
const Counts = z.object({ going: z.number().int().nonnegative(), maybe: z.number().int().nonnegative(), no: z.number().int().nonnegative() });
type Counts = z.infer<typeof Counts>;
const zero = (): Tally => Object.fromEntries(ANSWERS.map((a) => [a, 0])) as Tally;

export const rsvpPrefix = (eventId: string, occurrence: string) => `r:${keyPart(eventId)}:${keyPart(occurrence)}:`;
export const rsvpRow = (r: Pick<Rsvp, "eventId" | "occurrence" | "personKey">) => `${rsvpPrefix(r.eventId, r.occurrence)}${keyPart(r.personKey)}`;
const counterPrefix = (eventId: string, occurrence: string) => `t:${keyPart(eventId)}:${keyPart(occurrence)}:`;
const groupOf = (communityId: string, eventId: string, occurrence: string) => ({ partitionKey: communityPartition(communityId), counterPrefix: counterPrefix(eventId, occurrence) });

export class CountedAnswers {
  private readonly writer: CountedWriter<Counts>;

  constructor(table: TableClient, log: Logger) {
    const answerOf = (row: Row | undefined) => (row && fromRow(Rsvp, row, log)) || undefined;
    this.writer = new CountedWriter(table, log, {
      schema: Counts,
      counterKind: "rsvpCount",
      zero,
      // By person, as the counters have always been sharded.
      shardBy: (row) => answerOf(row)?.personKey ?? row.rowKey,
      move(counts, previous, next) {
        const before = answerOf(previous)?.answer;
        if (before) counts[before] = Math.max(0, counts[before] - 1);
        const after = answerOf(next)?.answer;
        if (after) counts[after] += 1;
      },
    });
  }

  /** Stores a person's answer (replacing theirs) and moves the counts by it, atomically. */
  async answer(communityId: string, rsvp: Rsvp): Promise<void> {
    await this.writer.write(groupOf(communityId, rsvp.eventId, rsvp.occurrence), toRow(Rsvp, communityPartition(communityId), rsvpRow(rsvp), "rsvp", rsvp));
  }

  /** The counts of one occurrence: the sum of its counter rows. */
  async tally(communityId: string, eventId: string, occurrence: string): Promise<Tally> {
    const tally = zero();
    for (const counts of await this.writer.shards(groupOf(communityId, eventId, occurrence))) for (const a of ANSWERS) tally[a] += counts[a];
    return tally;
  }
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
