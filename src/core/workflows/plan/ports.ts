import type { Versioned } from "../../ports.js";
import type { StoredPlan } from "./model.js";

/** A community's programme plans (src/store/plan implements it): drafts awaiting confirmation, the active one. */
export interface PlanBook {
  /** Stores a draft (or any plan) as it is, replacing a row with its id. */
  save(plan: StoredPlan): Promise<void>;
  get(communityId: string, id: string): Promise<Versioned<StoredPlan> | undefined>;
  /** Replaces the plan if it is still at `etag`; throws ConcurrencyError otherwise. */
  update(plan: StoredPlan, etag: string): Promise<string>;
  /** Marks `planId` the community's active plan: `taken` when another (or this) plan holds the mark already. */
  claimActive(communityId: string, planId: string): Promise<"claimed" | "taken">;
  /** The id of the community's active plan, if any. */
  activeId(communityId: string): Promise<string | undefined>;
  /** Lifts the active mark (undo). */
  releaseActive(communityId: string, planId: string): Promise<void>;
}
