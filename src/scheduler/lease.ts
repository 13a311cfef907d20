import { ConcurrencyError } from "../core/errors.js";
import type { Logger } from "../log.js";
import type { ClaimedJob, JobStore } from "./jobStore.js";

/** Calls `tick` every `everyMs` until the returned function is called (tests pass one they fire by hand). */
export type Repeat = (everyMs: number, tick: () => void) => () => void;

export const repeatEvery: Repeat = (everyMs, tick) => {
  const timer = setInterval(tick, everyMs);
  return () => clearInterval(timer);
};

/**
 * A claimed job's lease, renewed every third of its length, one renewal at a time: each renewal
 * writes under the ETag the previous one returned, and the outcome is written under the last one.
 */
export class JobLease {
  private readonly lost = new AbortController();
  private current: ClaimedJob;
  private renewing: Promise<void> | undefined;
  private readonly stopRenewing: () => void;

  constructor(
    private readonly store: Pick<JobStore, "renew">,
    claimed: ClaimedJob,
    private readonly leaseMs: number,
    private readonly log: Logger,
    repeat: Repeat = repeatEvery,
  ) {
    this.current = claimed;
    this.stopRenewing = repeat(Math.max(50, Math.floor(leaseMs / 3)), () => this.renew());
  }

  /** Aborted when another instance took the job over (a renewal met a newer ETag). */
  get signal(): AbortSignal {
    return this.lost.signal;
  }

  /** Stops renewing and waits for a renewal in flight, so the outcome is written under the latest ETag. */
  async settle(): Promise<ClaimedJob> {
    this.stopRenewing();
    await this.renewing;
    return this.current;
  }

  private renew(): void {
    // A renewal still in flight holds the only valid ETag: a second one would meet a 412 and look like a takeover.
    if (this.renewing || this.lost.signal.aborted) return;
    this.renewing = this.store
      .renew(this.current, this.leaseMs)
      .then(
        (renewed) => {
          this.current = renewed;
        },
        (error: unknown) => {
          if (error instanceof ConcurrencyError) this.lost.abort(new Error("lease lost to another instance"));
          else this.log.warn({ err: error }, "renewing a job lease failed; will try again");
        },
      )
      .finally(() => {
        this.renewing = undefined;
      });
  }
}
