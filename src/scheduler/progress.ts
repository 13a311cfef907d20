import type { Clock, FanoutProgress } from "../core/ports.js";
import type { Logger } from "../log.js";
import type { FanoutStore } from "./fanouts.js";
import type { ProgressCards } from "./progressCards.js";

/**
 * Logs the progress of the fan-outs this instance worked on, every `intervalMs`, shows it on the
 * facilitator's progress card and hands it to `onProgress`. The instance whose write marks a fan-out
 * complete reports its end, once.
 */
export class ProgressReporter {
  private readonly touched = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private reporting: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      fanouts: FanoutStore;
      clock: Clock;
      log: Logger;
      intervalMs: number;
      onProgress?: (progress: FanoutProgress, finished: boolean) => void | Promise<void>;
      cards?: ProgressCards;
    },
  ) {}

  touch(fanoutId: string): void {
    this.touched.add(fanoutId);
  }

  /** A fan-out started here: reported now rather than at the next tick, so its card shows at once. */
  started(fanoutId: string): void {
    this.touch(fanoutId);
    this.reporting = this.reporting.then(() => this.report([fanoutId]));
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.reporting = this.reporting.then(() => this.report());
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.reporting;
    await this.deps.cards?.stop();
  }

  async report(fanoutIds: string[] = [...this.touched]): Promise<void> {
    const { fanouts, clock, log, onProgress, cards } = this.deps;
    for (const fanoutId of fanoutIds) {
      try {
        const progress = await fanouts.progress(fanoutId);
        if (!progress) continue;
        const { completedAt, ...counts } = progress;
        if (completedAt) {
          this.touched.delete(fanoutId);
          continue;
        }
        const finished = counts.done && (await fanouts.complete(fanoutId, clock.now().toISOString()));
        if (counts.done) this.touched.delete(fanoutId);
        if (counts.done && !finished) continue;
        log.info(counts, finished ? "fan-out finished" : "fan-out progress");
        cards?.show(counts, finished);
        await onProgress?.(counts, finished);
      } catch (error) {
        log.warn({ err: error, fanoutId }, "reading fan-out progress failed; will try again");
      }
    }
  }
}
