import type { Versioned } from "../../ports.js";
import type { Survey } from "../surveys/model.js";
import type { DigestRun, DigestSchedule, Story } from "./model.js";

/** A community's digest schedule and runs, and its success stories (src/store/summaries implements it). */
export interface SummariesBook {
  schedule(communityId: string): Promise<Versioned<DigestSchedule> | undefined>;
  /** Inserts (no `etag`) or replaces at `etag`; a lost race throws ConcurrencyError. */
  saveSchedule(communityId: string, schedule: DigestSchedule, etag?: string): Promise<void>;
  /** Claims one occurrence insert-only: `duplicate` (with the run as stored) when another run claimed it first. */
  claimRun(run: DigestRun): Promise<{ result: "created" } | { result: "duplicate"; stored: DigestRun | undefined }>;
  /** The latest run before `before`, if any. */
  lastRun(communityId: string, before: Date): Promise<DigestRun | undefined>;
  /** Surveys closed in [from, to) (results to report). */
  surveysClosed(communityId: string, from: Date, to: Date): Promise<Survey[]>;
  addStory(story: Story): Promise<"created" | "duplicate">;
  story(communityId: string, id: string): Promise<Versioned<Story> | undefined>;
  /** Replaces the story if still at `etag`; a lost race throws ConcurrencyError. */
  decideStory(story: Story, etag: string): Promise<void>;
  /** Stories waiting for a steward, oldest first. */
  pendingStories(communityId: string): Promise<Array<Versioned<Story>>>;
  /**
   * Stories stewards approved in [from, to), oldest first (digests and the sponsor report). With `sponsorOnly`,
   * only those whose authors agreed to share them with the sponsor.
   */
  approvedStories(communityId: string, from: Date, to: Date, options?: { sponsorOnly?: boolean }): Promise<Story[]>;
}
