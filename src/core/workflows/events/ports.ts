import type { Versioned } from "../../ports.js";
import type { Answer, CopEvent, Rsvp, Tally } from "./model.js";

/** A community's events and the answers to them (src/store/events implements it). */
export interface EventBook {
  /** Inserts a new event; `duplicate` when its id is taken. */
  create(event: CopEvent): Promise<"created" | "duplicate">;
  get(communityId: string, id: string): Promise<Versioned<CopEvent> | undefined>;
  /** Replaces the event if it is still at `etag`; throws ConcurrencyError otherwise. Returns the new ETag. */
  update(event: CopEvent, etag: string): Promise<string>;
  /** Every answer to an event (or to one occurrence of it): who to tell when it changes. */
  answers(communityId: string, eventId: string, occurrence?: string): Promise<Rsvp[]>;
  /** Every event of a community whose last occurrence is at or after `from`. */
  upcoming(communityId: string, from: Date): Promise<CopEvent[]>;
  /** Stores a person's answer for one occurrence, replacing the one they gave before. */
  answer(communityId: string, rsvp: Rsvp): Promise<void>;
  /** How many people gave each answer for one occurrence, counted from rows. */
  tally(communityId: string, eventId: string, occurrence: string): Promise<Tally>;
  /** What one person answered for one occurrence. */
  answerOf(communityId: string, eventId: string, occurrence: string, person: string): Promise<Answer | undefined>;
}
