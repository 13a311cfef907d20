import { WorkGate, type WorkGateOptions } from "./workGate.js";

/**
 * Work that continues after a response was sent (Slack's 3-second ack, Teams proactive replies):
 * tracked so a graceful shutdown waits for it instead of cutting it off, and admitted through `gate` where
 * the ack must not wait behind it (Slack's requests), as Teams turns are (src/teams/busy.ts).
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<unknown>>();
  readonly gate: WorkGate;

  constructor(gate: WorkGateOptions = {}) {
    this.gate = new WorkGate(gate);
  }

  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.finally(() => this.pending.delete(settled));
    this.pending.add(settled);
    settled.catch(() => undefined);
    return work;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves when everything tracked has settled, or after `timeoutMs`, whichever comes first. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = Promise.allSettled([...this.pending]).then(() => true);
    const finished = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return finished;
  }
}
