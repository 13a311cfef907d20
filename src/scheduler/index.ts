import { randomUUID } from "node:crypto";
import type { Platform } from "../core/domain.js";
import type { Clock, FanoutProgress, Jobs, Messenger, Repositories } from "../core/ports.js";
import type { Logger } from "../log.js";
import type { StorageAccount } from "../store/tables.js";
import { DeadLetters } from "./deadLetters.js";
import { DeliveryLog } from "./deliveries.js";
import { DEFAULT_DELIVERY_OPTIONS, DeliveryWorkers, type DeliveryOptions } from "./deliveryWorker.js";
import { DEFAULT_FANOUT_OPTIONS, FANOUT_JOB, fanoutJob, type FanoutOptions } from "./fanoutJob.js";
import { FanoutStore } from "./fanouts.js";
import { JobStore } from "./jobStore.js";
import { ProgressReporter } from "./progress.js";
import { ProgressCardStore } from "./progressCardStore.js";
import { DEFAULT_PROGRESS_CARD_OPTIONS, ProgressCards, type ProgressCardOptions } from "./progressCards.js";
import { rateLimitTable, type RateLimitOverrides } from "./rateLimits.js";
import { SharedRateLimiter } from "./rateLimiter.js";
import { JobRegistry } from "./registry.js";
import { DEFAULT_SCHEDULER_OPTIONS, Scheduler, type SchedulerOptions } from "./scheduler.js";
import { sleep } from "./sleep.js";
import { openSchedulerStorage, type SchedulerStorage } from "./storage.js";
import type { Present } from "./present.js";
import { CopyBook } from "./copies.js";
import { COPIES_REFRESH_JOB, DEFAULT_REFRESH_OPTIONS, refreshJob, type LoadCopy, type RefreshOptions } from "./refreshJob.js";

export { FANOUT_JOB, FanoutPayload } from "./fanoutJob.js";
export type { Present } from "./present.js";
export type { LoadCopy } from "./refreshJob.js";
export { JobRegistry, type JobContext, type JobDefinition } from "./registry.js";
export type { DeadLetterShelf } from "./deadLetters.js";

export interface SchedulingOptions {
  /** Defaults to the wall clock; tests move it to simulate downtime. */
  clock?: Clock;
  /** Names this instance in job claims (default: a random id per start). */
  instanceId?: string;
  scheduler?: Partial<SchedulerOptions>;
  delivery?: Partial<DeliveryOptions>;
  fanout?: Partial<FanoutOptions>;
  /** Refreshing delivered copies of a card in place (`refreshCopies`). */
  refresh?: Partial<RefreshOptions>;
  rateLimits?: RateLimitOverrides;
  /** How often fan-out progress is logged (and passed to `onProgress`). */
  progressIntervalMs?: number;
  /** The facilitator's progress card: the least time between two of its versions, and its lease. */
  progressCard?: Partial<ProgressCardOptions>;
  onProgress?: (progress: FanoutProgress, finished: boolean) => void | Promise<void>;
  /** Job kinds besides the built-in ones. */
  registerJobs?: (registry: JobRegistry) => void;
  /** Messengers that replace the adapters' (tests and benchmarks point them at fake platforms). */
  messengers?: Partial<Record<Platform, Messenger>>;
  /** Which loops this instance runs; both by default. */
  runScheduler?: boolean;
  runDeliveries?: boolean;
}

export interface Scheduling {
  jobs: Jobs;
  registry: JobRegistry;
  storage: SchedulerStorage;
  deliveries: DeliveryLog;
  deadLetters: DeadLetters;
  /** Copies of cards delivered to several spaces, by their workflow's key. */
  copies: CopyBook;
  /** Creates the tables and the queue (idempotent). */
  prepare(): Promise<void>;
  /** Starts this instance's loops with the platforms' Messengers (after `prepare`). */
  start(messengers: Partial<Record<Platform, Messenger>>): void;
  /**
   * Stops claiming and receiving at once; running jobs are handed back, unsent messages released, and
   * platform calls already made get the delivery options' `stopGraceMs` to answer and be recorded.
   */
  stop(): Promise<void>;
}

export interface SchedulingContext extends SchedulingOptions {
  account: StorageAccount;
  /** Renders fan-out cards per recipient (the kernel's presenters). */
  present: Present;
  /** Loads the card a copy source shows now, for the refresh of its copies (the kernel's `loadCopy`). */
  load: LoadCopy;
  repos: Repositories;
  log: Logger;
}

/** The scheduler and the delivery workers on one storage account: what app.ts wires in. */
export function createScheduling(context: SchedulingContext): Scheduling {
  const { account, repos, clock = { now: () => new Date() } } = context;
  const log = context.log.child({ component: "scheduler" });
  const instanceId = context.instanceId ?? randomUUID();
  const storage = openSchedulerStorage(account);
  const { tables, queue } = storage;
  const registry = new JobRegistry();
  const store = new JobStore(tables.jobs, registry, clock, log);
  const deliveries = new DeliveryLog(tables.deliveries, log);
  const deadLetters = new DeadLetters(tables.deadLetters, log);
  const fanouts = new FanoutStore(tables.fanouts, deliveries, log);
  const copies = new CopyBook(tables.copies, log);
  const limiter = new SharedRateLimiter(tables.rateLimits, clock, log);
  const rates = rateLimitTable(context.rateLimits);
  const options = { ...DEFAULT_SCHEDULER_OPTIONS, ...context.scheduler };
  let messengers: Partial<Record<Platform, Messenger>> = {};
  const cards = new ProgressCards({
    store: new ProgressCardStore(tables.fanouts, log), fanouts, clock, log, instanceId, present: context.present,
    messengers: () => messengers,
    options: { ...DEFAULT_PROGRESS_CARD_OPTIONS, ...context.progressCard },
  });
  const progress = new ProgressReporter({ fanouts, clock, log, intervalMs: context.progressIntervalMs ?? 5000, onProgress: context.onProgress, cards });
  const stopping = new AbortController();
  const stopped = stopping.signal;
  let starting: Promise<void> = Promise.resolve();

  registry.register(FANOUT_JOB, fanoutJob({ repos, fanouts, queue, clock, options: { ...DEFAULT_FANOUT_OPTIONS, ...context.fanout }, started: (id) => progress.started(id) }));
  registry.register(COPIES_REFRESH_JOB, refreshJob({
    copies, deliveries, fanouts, limiter, rates, clock, present: context.present, load: context.load,
    messengers: () => messengers,
    schedule: (job) => store.schedule(job),
    options: { ...DEFAULT_REFRESH_OPTIONS, ...context.refresh },
  }));
  context.registerJobs?.(registry);

  const scheduler = new Scheduler({ store, registry, deadLetters, clock, log, instanceId, options });
  const workers = new DeliveryWorkers({
    queue, deliveries, deadLetters, fanouts, clock, log, present: context.present,
    limiter,
    rates,
    messengers: () => messengers,
    options: { ...DEFAULT_DELIVERY_OPTIONS, ...context.delivery },
    touched: (fanoutId) => progress.touch(fanoutId),
  });

  return {
    registry,
    storage,
    deliveries,
    deadLetters,
    copies,
    jobs: {
      schedule: (job) => store.schedule(job),
      cancel: (key) => store.cancel(key),
      fanoutProgress: async (fanoutId) => {
        const found = await fanouts.progress(fanoutId);
        if (!found) return undefined;
        const { completedAt: _completedAt, ...counts } = found;
        return counts;
      },
    },
    prepare: () => storage.prepare(),
    start(adapterMessengers) {
      messengers = { ...adapterMessengers, ...context.messengers };
      starting = (async () => {
        // Storage may be unreachable at start-up: keep trying (with backoff) rather than run without jobs.
        for (let delayMs = 500; !stopped.aborted; delayMs = Math.min(delayMs * 2, 30_000)) {
          try {
            await storage.prepare();
            break;
          } catch (error) {
            log.error({ err: error, retryInMs: delayMs }, "scheduler storage unreachable; will retry");
            await sleep(delayMs, stopped);
          }
        }
        if (stopped.aborted) return;
        if (context.runScheduler !== false) scheduler.start();
        if (context.runDeliveries !== false) workers.start();
        progress.start();
        log.info({ instanceId, jobKinds: registry.kinds(), platforms: Object.keys(messengers) }, "scheduler and delivery workers started");
      })();
    },
    async stop() {
      stopping.abort();
      await starting;
      await Promise.all([scheduler.stop(), workers.stop(), progress.stop()]);
    },
  };
}
