import { odata, type TableClient } from "@azure/data-tables";
import type { z } from "zod";
import type { Member } from "../../core/domain.js";
import { ActivityMark, Aggregate, LeftMark, type Period } from "../../core/workflows/metrics/model.js";
import type { MetricsBook } from "../../core/workflows/metrics/ports.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, insertRow, keyPart, prefixFilter, toRow, upsertBatched, type Row } from "../entity.js";

/**
 * Activity marks have a partition of their own per community, `a:<community>`, one row per person and period
 * (`<YYYY-MM>:<person>`, `<YYYY-Www>:<person>`). They are the rows that grow fastest (a month's and a week's
 * for every active member), and only the minute's recount reads them; the community's partition holds what a
 * request reads (the community, its members), which storage then finds among fewer rows (Azurite, the
 * embedded storage, reads a row by keys in time that grows with its partition).
 */
const activityPartition = (communityId: string) => `a:${keyPart(communityId)}`;
const actRow = (m: ActivityMark) => `${m.period}:${keyPart(m.personKey)}`;
/** Where marks were kept until 2026-12-01, in the community's partition: still read, never written. */
const LEGACY_ACT = "act:";
/** One row per leave: `left:<person>:<instant>` (a leave recorded twice is the same row). */
const leftRow = (person: string, at: Date) => `left:${keyPart(person)}:${at.toISOString()}`;
/** One row per period and scope: `mx:<YYYY-MM>:<all|space>`. */
const aggregateRow = (a: Pick<Aggregate, "period" | "scope">) => `mx:${a.period}:${keyPart(a.scope)}`;

/**
 * Metrics: activity marks in their own partition (above); leaves (`left:`) and per-period aggregates (`mx:`)
 * in the community's. Marks and leaves are insert-only; aggregates are recomputed from raw rows and replaced whole.
 */
export class TableMetricsBook implements MetricsBook {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  markActive(communityId: string, mark: ActivityMark): Promise<"created" | "duplicate"> {
    return insertRow(this.table, toRow(ActivityMark, activityPartition(communityId), actRow(mark), "activity", mark));
  }

  /** Every mark, each person and period once (one kept before the move and again after it: the earlier). */
  async activity(communityId: string): Promise<ActivityMark[]> {
    const [marks, legacy] = await Promise.all([
      this.scan(ActivityMark, odata`PartitionKey eq ${activityPartition(communityId)}`),
      this.scan(ActivityMark, prefixFilter(communityPartition(communityId), LEGACY_ACT)),
    ]);
    if (legacy.length === 0) return marks;
    const once = new Map<string, ActivityMark>();
    for (const mark of [...legacy, ...marks]) {
      const key = actRow(mark);
      const kept = once.get(key);
      if (!kept || mark.at < kept.at) once.set(key, mark);
    }
    return [...once.values()];
  }

  async recordLeft(member: Member, at: Date): Promise<void> {
    const mark: LeftMark = { personKey: member.personKey, spaceKey: member.spaceKey, joinedAt: member.joinedAt, at: at.toISOString() };
    await insertRow(this.table, toRow(LeftMark, communityPartition(member.communityId), leftRow(member.personKey, at), "left", mark));
  }

  leftMarks(communityId: string): Promise<LeftMark[]> {
    return this.scan(LeftMark, prefixFilter(communityPartition(communityId), "left:"));
  }

  async saveAggregates(aggregates: Aggregate[]): Promise<void> {
    await upsertBatched(this.table, aggregates.map((a) => toRow(Aggregate, communityPartition(a.communityId), aggregateRow(a), "aggregate", a)));
  }

  aggregates(communityId: string, period: Period): Promise<Aggregate[]> {
    return this.scan(Aggregate, prefixFilter(communityPartition(communityId), `mx:${period}:`));
  }

  private async scan<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, filter: string): Promise<T[]> {
    const found: T[] = [];
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter } })) {
      const value = fromRow(schema, row, this.log);
      if (value !== undefined) found.push(value);
    }
    return found;
  }
}
