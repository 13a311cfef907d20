import type { Clock } from "../core/ports.js";
import type { Logger } from "../log.js";
import type { DeadLetters } from "./deadLetters.js";
import { minutePartition, type ClaimedJob, type FoundJob, type JobStore } from "./jobStore.js";
import { JobLease, type Repeat } from "./lease.js";
import type { JobRecord } from "./records.js";
import type { JobRegistry } from "./registry.js";
import { sleep } from "./sleep.js";

export interface SchedulerOptions {
  /** How often each instance looks for due jobs. */
  pollMs: number;
  /** How long a claim holds; the holder renews it every third of that, a stopped holder's lapses. */
  leaseMs: number;
  /** Jobs one instance runs at once (a fan-out job runs for as long as it takes to enqueue). */
  maxConcurrentJobs: number;
  /** Failed runs before a job goes to the dead-letter table. */
  maxAttempts: number;
  /** First retry delay; doubles with each failed attempt. */
  retryBaseMs: number;
  /** A job starting later than this after its due time is logged as late (warn). */
  lateAfterMs: number;
  /**
   * Instances' clocks may differ by less than this: the due scan never skips a partition younger than it.
   * Keep it well above a minute: scheduling may still write a job into a partition up to a minute old.
   */
  clockSkewMarginMs: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  pollMs: 1000,
  leaseMs: 60_000,
  maxConcurrentJobs: 4,
  maxAttempts: 5,
  retryBaseMs: 30_000,
  lateAfterMs: 60_000,
  clockSkewMarginMs: 10 * 60_000,
};

interface Deps {
  store: JobStore;
  registry: JobRegistry;
  deadLetters: DeadLetters;
  clock: Clock;
  log: Logger;
  instanceId: string;
  options: SchedulerOptions;
  /** How lease renewals are timed (default: an interval); tests fire renewals by hand. */
  repeat?: Repeat;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The loop every instance runs: find due jobs, claim each by ETag, run it under a renewed lease, record the outcome. */
export class Scheduler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: Deps) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops claiming; running jobs are asked to stop and handed back (pending) so another instance resumes them. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error("shutting down"));
    await this.loop;
    await Promise.allSettled(this.running.values());
  }

  private async run(): Promise<void> {
    const { log, options } = this.deps;
    while (!this.stopping.signal.aborted) {
      let backlog = false;
      try {
        backlog = await this.tick();
      } catch (error) {
        log.error({ err: error }, "scheduler: looking for due jobs failed; will retry");
      }
      // With a backlog (after downtime), look again as soon as a job finishes rather than a poll later.
      await Promise.race([sleep(options.pollMs, this.stopping.signal), ...(backlog ? this.running.values() : [])]);
    }
  }

  /** One pass: claims as many due jobs as there is room for, oldest first; true when more are due than it took. */
  async tick(): Promise<boolean> {
    const { store, clock, options } = this.deps;
    const room = options.maxConcurrentJobs - this.running.size;
    if (room <= 0) return true;
    const now = clock.now();
    const { due, earliestOpen } = await store.findDue(now, room * 4);
    const margin = minutePartition(new Date(now.getTime() - options.clockSkewMarginMs));
    const next = earliestOpen && earliestOpen < margin ? earliestOpen : margin;
    await store.advanceWatermark(await store.watermark(), next);
    let left = due.length;
    for (const found of due) {
      if (this.running.size >= options.maxConcurrentJobs || this.stopping.signal.aborted) break;
      left -= 1;
      const id = `${found.partitionKey}/${found.rowKey}`;
      if (this.running.has(id)) continue;
      if (!found.record) {
        await this.deadLetterUnreadable(found);
        continue;
      }
      const claimed = await store.claim(found as FoundJob & { record: JobRecord }, this.deps.instanceId, options.leaseMs);
      if (!claimed) continue;
      const work = this.execute(claimed)
        .catch((error: unknown) => this.deps.log.error({ err: error, jobKey: claimed.record.key }, "recording a job's outcome failed; its lease will lapse and it will run again"))
        .finally(() => this.running.delete(id));
      this.running.set(id, work);
    }
    return left > 0;
  }

  private async execute(claimed: ClaimedJob): Promise<void> {
    const { registry, clock, log, options, store } = this.deps;
    const { record } = claimed;
    const dueAt = new Date(record.dueAt);
    const startedAt = clock.now();
    const lateMs = Math.max(0, startedAt.getTime() - dueAt.getTime());
    const jobLog = log.child({ jobKey: record.key, kind: record.kind, attempt: record.attempts });
    if (lateMs > options.lateAfterMs) {
      jobLog.warn({ dueAt: record.dueAt, lateMs, lateBy: describeDelay(lateMs) }, `running a late job, ${describeDelay(lateMs)} after it was due`);
    } else {
      jobLog.info({ dueAt: record.dueAt, lateMs }, "running a due job");
    }
    // Every earlier claim ended without an outcome (the instance died each time): do not let it take down another.
    if (record.attempts > options.maxAttempts) return this.bury(claimed, jobLog, record.lastError ?? `its instance stopped ${record.attempts - 1} times while running it`);
    const definition = registry.get(record.kind);
    if (!definition) return this.fail(claimed, jobLog, `no handler is registered for job kind "${record.kind}"`);
    const parsed = definition.schema.safeParse(record.payload);
    if (!parsed.success) {
      const error = `payload does not parse: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`;
      return this.bury(claimed, jobLog, error);
    }

    const lease = new JobLease(store, claimed, options.leaseMs, jobLog, this.deps.repeat);
    // The job's signal: the lease was lost, or this instance is shutting down.
    const stop = new AbortController();
    const abort = () => stop.abort(lease.signal.reason ?? this.stopping.signal.reason);
    lease.signal.addEventListener("abort", abort);
    this.stopping.signal.addEventListener("abort", abort);
    let failure: { error: unknown } | undefined;
    try {
      await definition.run(parsed.data, { key: record.key, kind: record.kind, dueAt, attempt: record.attempts, lateMs, signal: stop.signal, log: jobLog });
    } catch (error) {
      failure = { error };
    } finally {
      lease.signal.removeEventListener("abort", abort);
      this.stopping.signal.removeEventListener("abort", abort);
    }
    const current = await lease.settle();
    if (lease.signal.aborted) {
      jobLog.warn("job stopped: another instance took it over after its lease lapsed");
    } else if (stop.signal.aborted) {
      // Asked to stop, it returned or threw: unfinished either way. Handed back as it was, so another
      // instance resumes it at once instead of after the lease.
      await store.finish(current, { status: "pending", attempts: record.attempts - 1, runAt: clock.now().toISOString() }).catch(() => undefined);
      jobLog.info("job handed back on shutdown");
    } else if (failure) {
      await this.fail(current, jobLog, errorText(failure.error));
    } else if (await store.finish(current, { status: "done", finishedAt: clock.now().toISOString() })) {
      jobLog.info({ lateMs, durationMs: clock.now().getTime() - startedAt.getTime() }, "job done");
    }
  }

  /** A failed attempt: retried later with backoff, or dead-lettered after the last attempt. */
  private async fail(job: ClaimedJob, jobLog: Logger, error: string): Promise<void> {
    const { options, clock, store } = this.deps;
    if (job.record.attempts >= options.maxAttempts) return this.bury(job, jobLog, error);
    const delayMs = options.retryBaseMs * 2 ** (job.record.attempts - 1);
    const runAt = new Date(clock.now().getTime() + delayMs).toISOString();
    if (await store.finish(job, { status: "pending", runAt, lastError: error })) {
      jobLog.warn({ error, retryAt: runAt }, "job failed; will retry");
    }
  }

  private async bury(job: ClaimedJob, jobLog: Logger, error: string): Promise<void> {
    const { clock, store, deadLetters } = this.deps;
    const at = clock.now().toISOString();
    await deadLetters.add("jobs", job.record.key, { source: "job", ref: job.record.key, raw: JSON.stringify(job.record), error, at });
    if (await store.finish(job, { status: "dead", lastError: error, finishedAt: at })) jobLog.error({ error }, "job gave up: moved to the dead-letter table");
  }

  /** A row that no longer parses at all (an older version's shape): dead-lettered as it is, never retried. */
  private async deadLetterUnreadable(found: FoundJob): Promise<void> {
    const { clock, store, deadLetters, log } = this.deps;
    const ref = decodeURIComponent(found.rowKey);
    await deadLetters.add("jobs", ref, { source: "job", ref, raw: found.raw, error: `stored job does not parse: ${found.parseError}`, at: clock.now().toISOString() });
    if (!(await store.markUnreadable(found))) log.info({ ref }, "an unreadable job changed meanwhile; looking again next time");
  }
}

/** "3 h 12 min", "45 s": how late, for a person reading the log. */
export function describeDelay(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${s % 60} s`;
  const h = Math.floor(min / 60);
  return h < 48 ? `${h} h ${min % 60} min` : `${Math.floor(h / 24)} days ${h % 24} h`;
}
