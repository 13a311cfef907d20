import type { PersonKey } from "../../domain.js";
import type { Versioned } from "../../ports.js";
import type { Answers, StoredResponse, Survey } from "./model.js";
import type { SurveyCounts } from "./counts.js";

/** A community's surveys and their responses (src/store/surveys implements it). */
export interface SurveyBook {
  /** Inserts a new survey and, for an anonymous one, draws its ballot key; `duplicate` when the id is taken. */
  create(survey: Survey): Promise<"created" | "duplicate">;
  get(communityId: string, id: string): Promise<Versioned<Survey> | undefined>;
  /** Every survey of a community still open. */
  open(communityId: string): Promise<Survey[]>;
  /** Every survey of a community, open or closed (reports). */
  all(communityId: string): Promise<Survey[]>;
  /**
   * Stores a person's response, replacing the one they gave before. An anonymous response is keyed by a
   * keyed hash of the person, never the person; not recorded when the survey's ballot key is gone (closed).
   */
  respond(survey: Survey, person: PersonKey, answers: Answers): Promise<Responded>;
  /** The response a person gave (while the survey is open), to show them their own answer. */
  responseOf(survey: Survey, person: PersonKey): Promise<Answers | undefined>;
  /** Every response, read from rows: anonymous ones without identity. */
  responses(survey: Survey): Promise<StoredResponse[]>;
  /** Marks it closed if still at `etag` (ConcurrencyError otherwise) and deletes its ballot key for good. */
  close(survey: Survey, etag: string): Promise<void>;
  /** The counts kept as answers came (undefined for a survey made before counting began: recount its rows). */
  counts(survey: Survey): Promise<SurveyCounts | undefined>;
  /** At most `limit` free-text answers to a question, from their own rows (a survey with `textRows`); no identity. */
  texts(survey: Survey, questionId: string, limit: number): Promise<string[]>;
  /** Which of `people` have answered (anonymous: by each one's keyed hash, computed on the spot; nothing stored). */
  answeredAmong(survey: Survey, people: readonly PersonKey[]): Promise<Set<PersonKey>>;
  /** Mutes (or unmutes) survey reminders for a member of a community. */
  setMuted(communityId: string, personKey: string, muted: boolean, at: Date): Promise<void>;
  /** Everyone in the community who muted survey reminders. */
  muted(communityId: string): Promise<Set<string>>;
  /** Whether a feedback survey starts by itself when a steward confirms who attended an event's date. */
  afterEvents(communityId: string): Promise<boolean>;
  setAfterEvents(communityId: string, on: boolean, by: string, at: Date): Promise<void>;
}

/** A response stored (with the counts as it left them, when they are kept), or refused because the survey closed. */
export type Responded = { recorded: false } | { recorded: true; counts?: SurveyCounts };
