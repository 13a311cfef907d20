import type { Page } from "../../ports.js";
import type { Kudos, Milestone, MilestoneKind, RecognitionSettings } from "./model.js";

/** A community's kudos and milestones (src/store/recognition implements it). */
export interface RecognitionBook {
  /** Stores a kudos (insert-only: its id is new). */
  give(kudos: Kudos): Promise<void>;
  /** Kudos newest first; `after` is the cursor a page before answered. */
  recent(communityId: string, page: { pageSize: number; after?: string }): Promise<Page<Kudos>>;
  /**
   * Marks a milestone as reached, insert-only: `created` for the one caller that reached it first; everyone
   * after (another instance, a retried job) gets `duplicate` and the marker as stored.
   */
  reach(milestone: Milestone): Promise<{ result: "created" } | { result: "duplicate"; stored: Milestone | undefined }>;
  /** Every marker of one kind in a community, by subject (one scan). */
  reachedAll(communityId: string, kind: MilestoneKind): Promise<Map<string, Milestone>>;
  /** The marker of a milestone, if it was reached. */
  reached(communityId: string, kind: MilestoneKind, subject: string): Promise<Milestone | undefined>;
  settings(communityId: string): Promise<RecognitionSettings>;
  saveSettings(communityId: string, settings: RecognitionSettings): Promise<void>;
}
