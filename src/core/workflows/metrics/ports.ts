import type { Member } from "../../domain.js";
import type { ActivityMark, Aggregate, LeftMark, Period } from "./model.js";

/** What metrics keep beside the other workflows' rows (src/store/metrics implements it). */
export interface MetricsBook {
  /** Marks a person active in a month: insert-only, `duplicate` when they were marked already. */
  markActive(communityId: string, mark: ActivityMark): Promise<"created" | "duplicate">;
  /** Every activity mark of a community, all months (for first-ever contributions). */
  activity(communityId: string): Promise<ActivityMark[]>;
  /** Records that a member left (insert-only: the same leave recorded twice is one row). */
  recordLeft(member: Member, at: Date): Promise<void>;
  leftMarks(communityId: string): Promise<LeftMark[]>;
  /** Stores a period's aggregates, replacing those computed before. */
  saveAggregates(aggregates: Aggregate[]): Promise<void>;
  aggregates(communityId: string, period: Period): Promise<Aggregate[]>;
}
