import { z } from "zod";
import { Instant, PersonKey } from "../../domain.js";
import type { Versioned } from "../../ports.js";

/** What a steward wrote to greet newcomers, shown above the charter's purpose and guidelines. */
export const WELCOME_MAX = 1500;
export const WelcomeText = z.object({
  text: z.string().trim().max(WELCOME_MAX),
  updatedAt: Instant,
  updatedBy: PersonKey,
});
export type WelcomeText = z.infer<typeof WelcomeText>;

/** The onboarding workflow's rows in a community (src/store/onboarding implements it). */
export interface OnboardingBook {
  /**
   * Insert-only marker, written before a welcome is sent: `first` for the one call that wrote it, `again` for
   * every later one (a join delivered twice, a join to a second linked space).
   */
  markWelcomed(communityId: string, person: PersonKey, at: Date): Promise<"first" | "again">;
  welcome(communityId: string): Promise<Versioned<WelcomeText> | undefined>;
  /**
   * Saves the welcome text: with `etag`, only if it is still at that version; without, only if there is none yet.
   * A lost race throws ConcurrencyError. Returns the new ETag.
   */
  saveWelcome(communityId: string, text: WelcomeText, etag?: string): Promise<string>;
}
