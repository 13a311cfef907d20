import Queue from "yocto-queue";

export interface WorkGateOptions {
  /** Pieces of work that may wait for a start; past it, `admit` answers busy at once. */
  maxWaiting?: number;
  /** The fewest pieces of work let run at once, however late the loop runs. */
  minRunning?: number;
  /** How often the loop's lateness is read and the limit adjusted (ms); 0 leaves it to `sample` (tests). */
  sampleEveryMs?: number;
  /** How long a request waits, before it is acked, for room among the waiting (`room`). */
  roomWaitMs?: number;
  /** The turn length the gate settles at (LATE_MS): timers later than this mean fewer pieces run at once. */
  lateMs?: number;
  /** How long a piece runs before it counts as stuck (STUCK_MS): most running that long mean fewer run at once. */
  stuckMs?: number;
  /** The clock pieces are timed by (ms; `performance.now`): tests age them without waiting. */
  now?: () => number;
}

/** Lets one piece of work go; calling it again does nothing. */
export type Release = () => void;

/** A piece of work waiting for a start; `gone` once its caller stopped waiting (`admit`'s `withinMs`). */
interface Waiter {
  start(): void;
  gone: boolean;
}

/** The place among the waiting a request let on by `room` after waiting holds until its work is admitted. */
export interface Hold {
  readonly at: number;
}

/** What `room` answers: whether there was room, and the place held by a request that waited for it (for `admit`). */
export interface RoomAnswer {
  room: boolean;
  hold?: Hold;
}

/**
 * Timers later than this in a sample mean turns of the event loop are too long: fewer pieces run at once;
 * on time or less late than this, more may (while some wait). At 50 ms turns a new connection waits about a
 * twentieth of a second per connection ahead of it, and an ack on an open one about that long.
 */
export const LATE_MS = 50;
/**
 * A piece of work running longer than this is stuck: waiting on storage (or a platform) that has fallen behind,
 * not on the CPU. A vote or a command takes tens of milliseconds when storage keeps up.
 */
export const STUCK_MS = 2_000;
/** Stuck pieces say storage is behind only when there are at least this many, and they are most of those running. */
const STUCK_MIN = 8;
const MAX_RUNNING = 100_000;
const TICK_MS = 10;
/**
 * Requests held back for room go on together, once there is room for all of them or for this many: let in
 * together, they are parsed in the same turns and their signatures reach storage in one transaction
 * (SignedRequests' group commits), where one let in per piece of work started costs a storage request each.
 */
export const ROOM_BATCH = 32;
/**
 * A request let on by `room` after waiting holds its place among the waiting until it is admitted, or this long
 * (one that never reaches `admit`, a replay or an event the app ignores, gives its place back then). Only those
 * that waited hold one: a request that finds room at once is taken in before many others can arrive, and
 * events the app ignores must not fill the room.
 */
const HOLD_MS = 1_000;

/**
 * Admits work that follows an acknowledgement (a Slack request acked within its 3 seconds, its answer sent
 * after), so that acks keep going out when the process has more work than CPU. Node takes one new connection
 * per turn of its event loop, and a turn runs every continuation that is ready: when work comes in faster
 * than the CPU does it, turns grow long and new connections wait to be accepted, their acks with them.
 *
 * The gate reads how late the loop's timers fire (a turn's length) and, while they fire late, lets fewer
 * pieces run at once (three quarters of those running, down to `minRunning`); the others wait, in order.
 * While timers fire on time, or less late than LATE_MS, it lets a quarter more run whenever some wait: it
 * settles where turns are about LATE_MS long, the CPU kept busy. Work waiting on I/O (a Slack or storage
 * call) does not make turns long, so it is not held back for that, until storage itself falls behind: when most
 * of the work running has run for STUCK_MS (at least STUCK_MIN pieces), fewer run at once in the same way (at
 * most one such cut every STUCK_MS, and no more let run while STUCK_MIN pieces have run that long), so what
 * storage cannot take waits here, where it can be turned away, instead of piling up on storage's connections.
 * While `maxWaiting` wait, new requests wait for room before their ack (`room`).
 *
 * What people send in Teams goes through the same gate (src/teams/busy.ts), so one instance's CPU is shared by
 * both platforms in arrival order. A Teams turn is answered on its own request, which Teams sends again after 15
 * seconds: it waits for a start at most `withinMs`, and is answered busy past that or while `maxWaiting` wait.
 */
export class WorkGate {
  private limit = MAX_RUNNING;
  /** The pieces running, each with when it started: oldest first. */
  private readonly pieces = new Set<{ at: number }>();
  /** When the limit was last cut because most of the work running was stuck. */
  private lastStuckCut = -Infinity;
  /** Starts, in arrival order. */
  private readonly waiting = new Queue<Waiter>();
  /** Of those, the ones whose callers stopped waiting (`withinMs`), skipped when their turn comes. */
  private gone = 0;
  private readonly maxWaiting: number;
  private readonly minRunning: number;
  private readonly sampleEveryMs: number;
  private readonly roomWaitMs: number;
  private readonly lateMs: number;
  private readonly stuckMs: number;
  private readonly now: () => number;
  /** Requests not yet acked, waiting for room among the waiting work (`room`), in arrival order. */
  private readonly roomWaiters = new Set<() => void>();
  /** The places of requests let on by `room` after waiting, not yet admitted (oldest first). */
  private readonly holds = new Set<Hold>();
  private timer?: NodeJS.Timeout;

  constructor(options: WorkGateOptions = {}) {
    this.maxWaiting = options.maxWaiting ?? 1_000;
    this.minRunning = options.minRunning ?? 16;
    this.sampleEveryMs = options.sampleEveryMs ?? 100;
    this.roomWaitMs = options.roomWaitMs ?? 1_500;
    this.lateMs = options.lateMs ?? LATE_MS;
    this.stuckMs = options.stuckMs ?? STUCK_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Before a request is acked: resolves at once while fewer than `maxWaiting` pieces of work wait (and no
   * request is held already), else once there is room for it and those held before it (`letIn`), with the
   * place it now holds (hand it to `admit`), or after `roomWaitMs` (`room: false`: the request is acked and,
   * still finding no room, answered busy).
   * So a sender that waits for its acks (Slack's retries, a load generator) is slowed to the rate the work is
   * done, instead of being acked at once and turned away, and a person is turned away only after a wait that
   * still leaves the ack inside Slack's 3 seconds.
   */
  async room(): Promise<RoomAnswer> {
    if (this.roomWaiters.size === 0 && this.queued + this.held < this.maxWaiting) return { room: true };
    return new Promise((resolve) => {
      const made = () => {
        clearTimeout(timer);
        const hold = { at: performance.now() };
        this.holds.add(hold);
        resolve({ room: true, hold });
      };
      const timer = setTimeout(() => {
        this.roomWaiters.delete(made);
        resolve({ room: false });
      }, this.roomWaitMs);
      this.roomWaiters.add(made);
    });
  }

  /**
   * A release once the work may start; undefined when too many wait already, or when it could not start within
   * `withinMs` (the caller answers busy). A request that held a place (`room`) gives it up here, its work now
   * counted among the waiting instead.
   */
  async admit(hold?: Hold, { withinMs }: { withinMs?: number } = {}): Promise<Release | undefined> {
    if (hold) this.holds.delete(hold);
    this.watch();
    if (this.running < this.limit && this.queued === 0) return this.started();
    if (this.queued >= this.maxWaiting) return undefined;
    return new Promise((resolve) => {
      const timer =
        withinMs === undefined
          ? undefined
          : setTimeout(() => {
              waiter.gone = true;
              this.gone++;
              // None left that will start: the queue lets the gone ones go now, not at the next start.
              if (this.queued === 0) {
                this.waiting.clear();
                this.gone = 0;
              }
              resolve(undefined);
              this.letIn();
            }, withinMs);
      const waiter: Waiter = {
        gone: false,
        start: () => {
          clearTimeout(timer);
          resolve(this.started());
        },
      };
      this.waiting.enqueue(waiter);
    });
  }

  /**
   * Reads the loop while there is work: a timer every TICK_MS, whose lateness is how long the loop's turns
   * are, read every `sampleEveryMs`. With nothing running or waiting it stops (an idle instance is not woken
   * a hundred times a second), and the next work starts with no limit.
   */
  private watch(): void {
    const every = this.sampleEveryMs;
    if (every <= 0 || this.timer) return;
    let last = performance.now();
    let windowStart = last;
    let worst = 0;
    this.timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last - TICK_MS);
      last = now;
      if (now - windowStart < every) return;
      if (this.running === 0 && this.queued === 0) {
        this.stop();
        this.limit = MAX_RUNNING;
        return;
      }
      this.sample(worst);
      worst = 0;
      windowStart = now;
    }, TICK_MS);
    this.timer.unref();
  }

  /**
   * One reading of the loop: its latest lateness, ms, and of the work running: how much of it is stuck. Adjusts
   * the limit and starts what now fits.
   */
  sample(lateMs: number): void {
    const now = this.now();
    const stuck = this.stuck(now);
    const behind = stuck >= STUCK_MIN && stuck * 2 > this.running;
    // Storage answers seconds late: a cut shows only once the work running at it is done, so one per stuckMs.
    const cutForStorage = behind && now - this.lastStuckCut >= this.stuckMs;
    if (cutForStorage) this.lastStuckCut = now;
    if (lateMs > this.lateMs || cutForStorage) this.limit = Math.max(this.minRunning, Math.floor(Math.min(this.limit, this.running) * 0.75));
    // A few long pieces (a draft, an export) are not storage behind; as many as STUCK_MIN may be the cut's own.
    else if (stuck < STUCK_MIN && (this.queued > 0 || this.running >= this.limit)) this.limit = Math.min(MAX_RUNNING, Math.ceil(this.limit * 1.25) + 1);
    this.pump();
  }

  /** Work running, and waiting to start (for logs and tests). */
  get load(): { running: number; waiting: number; limit: number } {
    return { running: this.running, waiting: this.queued, limit: this.limit };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private get running(): number {
    return this.pieces.size;
  }

  /** The pieces that have run for `stuckMs` or longer. */
  private stuck(now: number): number {
    const since = now - this.stuckMs;
    let stuck = 0;
    for (const piece of this.pieces) {
      if (piece.at > since) break;
      stuck++;
    }
    return stuck;
  }

  private started(): Release {
    const piece = { at: this.now() };
    this.pieces.add(piece);
    return () => {
      if (!this.pieces.delete(piece)) return;
      this.pump();
    };
  }

  private get queued(): number {
    return this.waiting.size - this.gone;
  }

  /** Requests let on by `room` after waiting and not admitted yet, counted as waiting: they will be in a moment. */
  private get held(): number {
    const since = performance.now() - HOLD_MS;
    for (const hold of this.holds) {
      if (hold.at >= since) break;
      this.holds.delete(hold);
    }
    return this.holds.size;
  }

  /** Lets requests held back for room go on (`room`, not yet acked), in order, together (ROOM_BATCH). */
  private letIn(): void {
    if (this.roomWaiters.size === 0) return;
    let room = this.maxWaiting - this.queued - this.held;
    if (room < Math.min(this.roomWaiters.size, ROOM_BATCH)) return;
    for (const made of this.roomWaiters) {
      if (room-- <= 0) break;
      this.roomWaiters.delete(made);
      made();
    }
  }

  private pump(): void {
    while (this.running < this.limit && this.queued > 0) {
      const next = this.waiting.dequeue()!;
      if (next.gone) this.gone--;
      else next.start();
    }
    this.letIn();
  }
}
