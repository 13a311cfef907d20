import type { TableClient } from "@azure/data-tables";
import type { z } from "zod";
import type { Member } from "../../core/domain.js";
import { ActivityMark, Aggregate, LeftMark, type Period } from "../../core/workflows/metrics/model.js";
import type { MetricsBook } from "../../core/workflows/metrics/ports.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, insertRow, keyPart, prefixFilter, toRow, upsertBatched, type Row } from "../entity.js";

/** One row per person and month: `act:<YYYY-MM>:<person>`. */
const actRow = (m: ActivityMark) => `act:${m.period}:${keyPart(m.personKey)}`;
/** One row per leave: `left:<person>:<instant>` (a leave recorded twice is the same row). */
const leftRow = (person: string, at: Date) => `left:${keyPart(person)}:${at.toISOString()}`;
/** One row per period and scope: `mx:<YYYY-MM>:<all|space>`. */
const aggregateRow = (a: Pick<Aggregate, "period" | "scope">) => `mx:${a.period}:${keyPart(a.scope)}`;

/**
 * Metrics in the community's partition: activity marks (`act:`), leaves (`left:`) and per-period aggregates
 * (`mx:`). Marks and leaves are insert-only; aggregates are recomputed from raw rows and replaced whole.
 */
export class TableMetricsBook implements MetricsBook {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  markActive(communityId: string, mark: ActivityMark): Promise<"created" | "duplicate"> {
    return insertRow(this.table, toRow(ActivityMark, communityPartition(communityId), actRow(mark), "activity", mark));
  }

  activity(communityId: string): Promise<ActivityMark[]> {
    return this.scan(ActivityMark, prefixFilter(communityPartition(communityId), "act:"));
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
