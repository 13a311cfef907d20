import Queue from "yocto-queue";

/** A sliding window: at most `max` operations in any `seconds`. */
export interface RateWindow {
  seconds: number;
  max: number;
}

/**
 * Where an operation joins its key's line: `ahead` of every other (an update of a message a whole chat reads),
 * `soon`, after those but ahead of the rest (a notice a person must act on: "press again"), or at the `back`.
 */
export type Place = "ahead" | "soon" | "back";

/** The operations waiting on one key, by place; each place in the order they asked. */
type Line = Record<Place, Queue<() => void>>;

/**
 * Holds operations back until they fit every window for their key, so a fan-out stays under Teams'
 * limits instead of collecting 429s. In-process only: other instances are kept honest by 429 + backoff.
 */
export class PacingGate {
  private readonly history = new Map<string, number[]>();
  /** Per key with operations waiting, its line; one loop per line lets them out as the windows allow. */
  private readonly lines = new Map<string, Line>();
  private readonly longestMs: number;
  private acquired = 0;

  constructor(
    private readonly windows: readonly RateWindow[],
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // Latency varies, so Teams may see two sends closer together than we started them: keep a margin.
    private readonly marginMs = 250,
  ) {
    this.longestMs = Math.max(0, ...windows.map((w) => w.seconds * 1000)) + marginMs;
  }

  /**
   * Waits until one more operation on `key` fits every window, then counts it. Operations on one key go in the
   * order they asked: a burst of thousands (confirmations to a poll's voters) costs one wake-up per free slot,
   * where waiters that each slept and looked again cost every one of them a wake-up per slot. `place` (`Place`):
   * an update of a message a whole channel reads goes `ahead`, and a notice to press again `soon`, which would
   * otherwise wait behind a burst's private confirmations.
   */
  acquire(key: string, { place = "back" }: { place?: Place } = {}): Promise<void> {
    return new Promise<void>((resolve) => {
      let line = this.lines.get(key);
      const starts = !line;
      if (!line) this.lines.set(key, (line = { ahead: new Queue(), soon: new Queue(), back: new Queue() }));
      line[place].enqueue(resolve);
      if (starts) void this.letOut(key, line);
    });
  }

  /** Lets a line's operations out one at a time as the windows allow; the line goes when it is empty. */
  private async letOut(key: string, line: Line): Promise<void> {
    // Queues, not arrays: a burst's line holds thousands, and taking the first of an array moves all the others.
    const first = () => line.ahead.dequeue() ?? line.soon.dequeue() ?? line.back.dequeue();
    for (let next = first(); next; next = first()) {
      for (let waitMs = this.waitMs(key); waitMs > 0; waitMs = this.waitMs(key)) await this.sleep(waitMs);
      this.history.get(key)!.push(this.now());
      // Forget idle keys now and then, so a long fan-out over many chats does not grow the map forever.
      if (++this.acquired % 1000 === 0) this.sweep();
      next();
    }
    this.lines.delete(key);
  }

  /** How long until `key` has room (0: now); also drops what no window can see any more. */
  private waitMs(key: string): number {
    const now = this.now();
    const times = (this.history.get(key) ?? []).filter((t) => t > now - this.longestMs);
    this.history.set(key, times);
    let waitMs = 0;
    for (const { seconds, max } of this.windows) {
      const inWindow = times.filter((t) => t > now - seconds * 1000 - this.marginMs);
      if (inWindow.length >= max) waitMs = Math.max(waitMs, inWindow[inWindow.length - max]! + seconds * 1000 + this.marginMs - now);
    }
    return waitMs;
  }

  /** Keys with operations still inside a window. */
  get size(): number {
    this.sweep();
    return this.history.size;
  }

  private sweep(): void {
    const horizon = this.now() - this.longestMs;
    for (const [key, times] of this.history) if (times.every((t) => t <= horizon)) this.history.delete(key);
  }
}
