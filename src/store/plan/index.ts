import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import type { Versioned } from "../../core/ports.js";
import { StoredPlan } from "../../core/workflows/plan/model.js";
import type { PlanBook } from "../../core/workflows/plan/ports.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, insertRow, keyPart, replaceRow, statusOf, toRow } from "../entity.js";

const planRow = (id: string) => `plan:${keyPart(id)}`;
/** Insert-only: two confirmations racing cannot both make their plan the active one. */
const ACTIVE_ROW = "plan-active";
const ActiveMark = z.object({ planId: z.string().min(1) });

/** Plans in the community's partition: `plan:<id>` rows and the `plan-active` mark. */
export class TablePlanBook implements PlanBook {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async save(plan: StoredPlan): Promise<void> {
    await this.table.upsertEntity(toRow(StoredPlan, communityPartition(plan.communityId), planRow(plan.id), "plan", plan), "Replace");
  }

  async get(communityId: string, id: string): Promise<Versioned<StoredPlan> | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), planRow(id));
    const value = row && fromRow(StoredPlan, row, this.log);
    return value && row.etag ? { value, etag: row.etag } : undefined;
  }

  update(plan: StoredPlan, etag: string): Promise<string> {
    return replaceRow(this.table, toRow(StoredPlan, communityPartition(plan.communityId), planRow(plan.id), "plan", plan), etag, "plan");
  }

  async claimActive(communityId: string, planId: string): Promise<"claimed" | "taken"> {
    const created = await insertRow(this.table, toRow(ActiveMark, communityPartition(communityId), ACTIVE_ROW, "planActive", { planId }));
    return created === "created" ? "claimed" : "taken";
  }

  async activeId(communityId: string): Promise<string | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), ACTIVE_ROW);
    return row ? fromRow(ActiveMark, row, this.log)?.planId : undefined;
  }

  async releaseActive(communityId: string, planId: string): Promise<void> {
    const row = await getRow(this.table, communityPartition(communityId), ACTIVE_ROW);
    if (!row || fromRow(ActiveMark, row, this.log)?.planId !== planId) return;
    try {
      await this.table.deleteEntity(row.partitionKey, row.rowKey, { etag: row.etag });
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 412) throw error;
    }
  }
}
