import { z } from "zod";

/**
 * Copies of one card that the app delivered to several spaces (an announcement in every linked space):
 * recorded under a key the workflow chooses, and refreshed in place together by the `copies.refresh` job.
 */
export const COPIES_REFRESH_JOB = "copies.refresh";

/** Presses within one window share a refresh: it runs at the window's end and reads the state then. */
export const REFRESH_WINDOW_MS = 1000;

/** A copy's key, chosen by its workflow (e.g. `events:announcement:<event>:<occurrence>`). */
export const CopiesKey = z.string().min(1).max(300);

export const RefreshPayload = z.object({
  of: CopiesKey,
  /** The copy source that loads the card as it is when the refresh runs. */
  source: z.string().min(1).max(100),
  args: z.unknown(),
  /** Follow-ups so far of a refresh that found a fan-out still delivering (bounded, so a stuck one is let go). */
  round: z.number().int().nonnegative().default(0),
});
export type RefreshPayload = z.input<typeof RefreshPayload>;

/**
 * The pressed copy is replaced at once by the press itself: the refresh waits this long after its window so
 * that replace (with the counts as that press saw them) lands first and the refresh's counts last.
 */
export const REFRESH_SETTLE_MS = 500;

/**
 * When the refresh for a change made at `now` runs: after the end of its window. A change whose write finished
 * before `now` is seen by that refresh, since the job is claimed only once the window is over.
 */
export const refreshDue = (now: Date): Date => new Date((Math.floor(now.getTime() / REFRESH_WINDOW_MS) + 1) * REFRESH_WINDOW_MS + REFRESH_SETTLE_MS);
export const refreshJobKey = (of: string, dueAt: Date) => `copies:${of}@${dueAt.toISOString()}`;
