export interface WorkGateOptions {
  /** Pieces of work that may wait for a start; past it, `admit` answers busy at once. */
  maxWaiting?: number;
  /** The fewest pieces of work let run at once, however late the loop runs. */
  minRunning?: number;
  /** How often the loop's lateness is read and the limit adjusted (ms); 0 leaves it to `sample` (tests). */
  sampleEveryMs?: number;
}

/** Lets one piece of work go; calling it again does nothing. */
export type Release = () => void;

/**
 * Timers later than this in a sample mean turns of the event loop are too long: fewer pieces run at once;
 * on time or less late than this, more may (while some wait). At 50 ms turns a new connection waits about a
 * twentieth of a second per connection ahead of it, and an ack on an open one about that long.
 */
export const LATE_MS = 50;
const MAX_RUNNING = 100_000;
const TICK_MS = 10;

/**
 * Admits work that follows an acknowledgement (a Slack request acked within its 3 seconds, its answer sent
 * after), so that acks keep going out when the process has more work than CPU. Node takes one new connection
 * per turn of its event loop, and a turn runs every continuation that is ready: when work comes in faster
 * than the CPU does it, turns grow long and new connections wait to be accepted, their acks with them.
 *
 * The gate reads how late the loop's timers fire (a turn's length) and, while they fire late, lets fewer
 * pieces run at once (three quarters of those running, down to `minRunning`); the others wait, in order.
 * While timers fire on time, or less late than LATE_MS, it lets a quarter more run whenever some wait: it
 * settles where turns are about LATE_MS long, the CPU kept busy. Work waiting on I/O (a Slack or storage call) does
 * not make turns long, so it is never held back for that; only work the CPU cannot keep up with waits.
 */
export class WorkGate {
  private limit = MAX_RUNNING;
  private running = 0;
  /** Starts in arrival order: `waiting[head]` is next. */
  private waiting: Array<() => void> = [];
  private head = 0;
  private readonly maxWaiting: number;
  private readonly minRunning: number;
  private readonly timer?: NodeJS.Timeout;

  constructor(options: WorkGateOptions = {}) {
    this.maxWaiting = options.maxWaiting ?? 5_000;
    this.minRunning = options.minRunning ?? 16;
    const every = options.sampleEveryMs ?? 100;
    if (every > 0) {
      // A timer every TICK_MS: how late it runs is how long the loop's turns are. Read every `every` ms.
      let last = performance.now();
      let windowStart = last;
      let worst = 0;
      this.timer = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last - TICK_MS);
        last = now;
        if (now - windowStart < every) return;
        this.sample(worst);
        worst = 0;
        windowStart = now;
      }, TICK_MS);
      this.timer.unref();
    }
  }

  /** A release once the work may start; undefined when too many wait already (the caller answers busy). */
  async admit(): Promise<Release | undefined> {
    if (this.running < this.limit && this.queued === 0) return this.started();
    if (this.queued >= this.maxWaiting) return undefined;
    return new Promise((resolve) => this.waiting.push(() => resolve(this.started())));
  }

  /** One reading of the loop: its latest lateness, ms. Adjusts the limit and starts what now fits. */
  sample(lateMs: number): void {
    if (lateMs > LATE_MS) this.limit = Math.max(this.minRunning, Math.floor(Math.min(this.limit, this.running) * 0.75));
    else if (this.queued > 0 || this.running >= this.limit) this.limit = Math.min(MAX_RUNNING, Math.ceil(this.limit * 1.25) + 1);
    this.pump();
  }

  /** Work running, and waiting to start (for logs and tests). */
  get load(): { running: number; waiting: number; limit: number } {
    return { running: this.running, waiting: this.queued, limit: this.limit };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private started(): Release {
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.pump();
    };
  }

  private get queued(): number {
    return this.waiting.length - this.head;
  }

  private pump(): void {
    while (this.running < this.limit && this.queued > 0) {
      const start = this.waiting[this.head]!;
      this.head++;
      start();
    }
    // Started entries are dropped in one go once they are most of the array.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }
}
