import type { Versioned } from "../../ports.js";
import type { Attendance, FollowUp } from "./afterModel.js";
import type { Answer, BeforeSettings, CopEvent, Rsvp, Tally } from "./model.js";

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
  /** How many people gave each answer for one occurrence, as counted when each answer was stored. */
  tally(communityId: string, eventId: string, occurrence: string): Promise<Tally>;
  /** The same counts recounted from every answer row (what `tally` must always equal). */
  recount(communityId: string, eventId: string, occurrence: string): Promise<Tally>;
  /** What one person answered for one occurrence. */
  answerOf(communityId: string, eventId: string, occurrence: string, person: string): Promise<Answer | undefined>;
  /** The community's reminder settings (undefined: the defaults). */
  beforeSettings(communityId: string): Promise<BeforeSettings | undefined>;
  saveBeforeSettings(communityId: string, settings: BeforeSettings): Promise<void>;
  /** Whether a member gets reminder messages from this community. */
  setMuted(communityId: string, personKey: string, muted: boolean, at: Date): Promise<void>;
  /** Everyone in the community who muted reminder messages. */
  muted(communityId: string): Promise<Set<string>>;
  /** Every event of a community, past ones included. */
  all(communityId: string): Promise<CopEvent[]>;
  /** Who came to one occurrence, as confirmed; confirming again replaces it. */
  attendance(communityId: string, eventId: string, occurrence: string): Promise<Attendance | undefined>;
  confirmAttendance(communityId: string, attendance: Attendance): Promise<void>;
  /** The follow-up archived on one occurrence; archiving again replaces it. */
  followUp(communityId: string, eventId: string, occurrence: string): Promise<FollowUp | undefined>;
  archiveFollowUp(communityId: string, followUp: FollowUp): Promise<void>;
}
