import type { PersonKey } from "../../domain.js";
import type { Versioned } from "../../ports.js";
import type { Buddy, CheckIn, MatchingSettings, MatchPrefs, Round } from "./model.js";

/** A community's peer matching: settings, members' choices, rounds and check-ins (src/store/matching implements it). */
export interface MatchingBook {
  settings(communityId: string): Promise<Versioned<MatchingSettings> | undefined>;
  /** Inserts (no `etag`) or replaces at `etag`; a lost race throws ConcurrencyError. */
  saveSettings(settings: MatchingSettings, etag?: string): Promise<void>;
  prefs(communityId: string): Promise<Map<PersonKey, MatchPrefs>>;
  pref(communityId: string, person: PersonKey): Promise<MatchPrefs | undefined>;
  savePref(communityId: string, pref: MatchPrefs): Promise<void>;
  /** Stores a round once: `duplicate` when a round with its id is stored already (keep that one). */
  addRound(round: Round): Promise<"created" | "duplicate">;
  round(communityId: string, id: string): Promise<Round | undefined>;
  /** The latest rounds, oldest first (at most `count`). */
  recentRounds(communityId: string, count: number): Promise<Round[]>;
  /** Records a person's answer to "did you meet?" (a later answer replaces it). */
  checkIn(communityId: string, answer: CheckIn): Promise<void>;
  checkIns(communityId: string, roundId: string): Promise<CheckIn[]>;
  /** Records a newcomer's buddy once: `duplicate` when they had one given already. */
  addBuddy(communityId: string, buddy: Buddy): Promise<"created" | "duplicate">;
}
