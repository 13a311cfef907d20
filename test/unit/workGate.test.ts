import { describe, expect, it } from "vitest";
import { LATE_MS, ROOM_BATCH, WorkGate, type Hold, type Release } from "../../src/workGate.js";

/** The gate with its readings given by the test: `sample(ms)` is how late the loop's timers ran. */
const gate = (options: { maxWaiting?: number; minRunning?: number; roomWaitMs?: number; stuckMs?: number } = {}) => new WorkGate({ sampleEveryMs: 0, ...options });
/** Lets every promise already resolved run its callbacks (an admitted start resolves in a few microtasks). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));
const admitAll = (g: WorkGate, n: number) => Promise.all(Array.from({ length: n }, () => g.admit()));

describe("the gate in front of the work that follows a Slack ack", () => {
  it("lets everything start at once while the loop runs on time (work waiting on I/O is never held)", async () => {
    const g = gate();
    const started = await admitAll(g, 1_000);
    expect(started.every((release) => typeof release === "function")).toBe(true);
    g.sample(LATE_MS - 1);
    expect(g.load).toMatchObject({ running: 1_000, waiting: 0 });
  });

  it("holds new work while the loop runs late, and starts it in arrival order as running work finishes", async () => {
    const g = gate();
    const running = (await admitAll(g, 100)) as Release[];
    g.sample(LATE_MS + 1);
    expect(g.load.limit).toBe(75);
    const order: number[] = [];
    const later = [1, 2, 3].map((n) => g.admit().then((release) => (order.push(n), release)));
    await settled();
    expect(g.load).toMatchObject({ running: 100, waiting: 3 });
    // 26 finish: 74 run, so one more may start.
    running.slice(0, 26).forEach((release) => release());
    await settled();
    expect(order).toEqual([1]);
    running.slice(26, 28).forEach((release) => release());
    await Promise.all(later);
    expect(order).toEqual([1, 2, 3]);
  });

  it("holds new work while most of the work running is stuck (storage behind), though the loop runs on time", async () => {
    // Everything running counts as stuck at once (stuckMs 0): storage answering none of it.
    const stalled = gate({ stuckMs: 0 });
    await admitAll(stalled, 100);
    stalled.sample(0);
    expect(stalled.load.limit).toBe(75);
    const waiting = stalled.admit();
    await settled();
    expect(stalled.load).toMatchObject({ running: 100, waiting: 1 });
    void waiting;

    // The same work, none of it running long: nothing is held.
    const keepingUp = gate({ stuckMs: 60_000 });
    await admitAll(keepingUp, 100);
    keepingUp.sample(0);
    expect(keepingUp.load).toMatchObject({ running: 100, waiting: 0 });
    // A few stuck pieces among many (a slow draft or two) are not storage falling behind.
    const few = gate({ stuckMs: 0 });
    await admitAll(few, 7);
    few.sample(0);
    expect(typeof (await few.admit())).toBe("function");
  });

  it("lets no more run while 8 pieces are stuck, though they are not most of those running and the loop is on time", async () => {
    let now = 0;
    const g = new WorkGate({ sampleEveryMs: 0, minRunning: 2, stuckMs: 2_000, now: () => now });
    const old = (await admitAll(g, 8)) as Release[];
    now = 2_000;
    await admitAll(g, 10);
    g.sample(1_000);
    expect(g.load.limit).toBe(13);
    const waiting = admitAll(g, 5);
    for (let n = 0; n < 10; n++) g.sample(0);
    expect(g.load).toMatchObject({ running: 18, waiting: 5, limit: 13 });
    // One of the stuck ones done: 7 are a few long pieces, not storage behind; more may run.
    old[0]!();
    g.sample(0);
    expect(g.load.limit).toBeGreaterThan(13);
    for (let n = 0; n < 10 && g.load.waiting > 0; n++) g.sample(0);
    await waiting;
    expect(g.load).toMatchObject({ running: 22, waiting: 0 });
  });

  it("never lets fewer than minRunning run, however late the loop", async () => {
    const g = gate({ minRunning: 4 });
    await admitAll(g, 10);
    for (let n = 0; n < 20; n++) g.sample(1_000);
    expect(g.load.limit).toBe(4);
  });

  it("lets more run again once the loop is back on time, starting what waited", async () => {
    const g = gate({ minRunning: 2 });
    await admitAll(g, 2);
    g.sample(1_000);
    const waiting = admitAll(g, 20);
    await settled();
    expect(g.load.waiting).toBe(20);
    for (let n = 0; n < 10 && g.load.waiting > 0; n++) g.sample(LATE_MS - 1);
    expect((await waiting).every((release) => typeof release === "function")).toBe(true);
    expect(g.load).toMatchObject({ running: 22, waiting: 0 });
  });

  it("answers busy (undefined) at once when too many wait already", async () => {
    const g = gate({ minRunning: 1, maxWaiting: 2 });
    await g.admit();
    g.sample(1_000);
    const waiting = [g.admit(), g.admit()];
    expect(await g.admit()).toBeUndefined();
    expect(g.load).toMatchObject({ running: 1, waiting: 2 });
    void waiting;
  });

  it("answers busy a piece that could not start within its wait, gives its place to those behind it, and starts them in order", async () => {
    const g = gate({ minRunning: 1, maxWaiting: 2 });
    const first = (await g.admit())!;
    g.sample(1_000);
    const impatient = g.admit(undefined, { withinMs: 20 });
    const order: string[] = [];
    const patient = g.admit().then((release) => (order.push("patient"), release));
    expect(await impatient).toBeUndefined();
    expect(g.load).toMatchObject({ running: 1, waiting: 1 });
    // Its place is free: another may wait.
    const newcomer = g.admit().then((release) => (order.push("newcomer"), release));
    expect(g.load.waiting).toBe(2);
    first();
    (await patient)!();
    (await newcomer)!();
    expect(order).toEqual(["patient", "newcomer"]);
    expect(g.load).toMatchObject({ running: 0, waiting: 0 });
  });

  it("holds a request back before its ack while the queue is full, and lets it on as soon as a piece starts", async () => {
    const g = gate({ minRunning: 1, maxWaiting: 1, roomWaitMs: 60_000 });
    const first = (await g.admit())!;
    g.sample(1_000);
    const second = g.admit();
    let room: boolean | undefined;
    const asked = g.room().then((answer) => (room = answer.room));
    await settled();
    expect(room).toBeUndefined();
    first();
    await asked;
    expect(room).toBe(true);
    expect(typeof (await second)).toBe("function");
  });

  it("lets requests held back for room go on together, in order, once there is room for a batch of them; a newcomer waits behind them", async () => {
    const maxWaiting = 100;
    const g = gate({ minRunning: 1, maxWaiting, roomWaitMs: 60_000 });
    let running = (await g.admit())!;
    g.sample(1_000);
    const queue = Array.from({ length: maxWaiting }, () => g.admit());
    const letOn: number[] = [];
    /** A request held for room; let on, it is acked and its work queued, as in the Slack adapter. */
    const request = (n: number) => g.room().then(({ hold }) => (letOn.push(n), queue.push(g.admit(hold))));
    const held = Array.from({ length: ROOM_BATCH + 8 }, (_, n) => request(n));
    /** The piece running finishes; the next in the queue starts. */
    const next = async () => {
      running();
      running = (await queue.shift()!)!;
      await settled();
    };
    for (let n = 1; n < ROOM_BATCH; n++) await next();
    expect(letOn).toEqual([]);
    // Room for fewer than a batch: a request arriving now waits behind those held, not past them.
    const newcomer = request(ROOM_BATCH + 8);
    await next();
    expect(letOn).toEqual(Array.from({ length: ROOM_BATCH }, (_, n) => n));
    expect(g.load.waiting).toBe(maxWaiting);
    // The other 8 and the newcomer go on once there is room for all 9 of them, never past maxWaiting.
    for (let n = 1; n < 9; n++) await next();
    expect(letOn).toHaveLength(ROOM_BATCH);
    await next();
    expect(letOn).toEqual(Array.from({ length: ROOM_BATCH + 9 }, (_, n) => n));
    await Promise.all([...held, newcomer]);
    expect(g.load.waiting).toBe(maxWaiting);
  });

  it("keeps the places of held requests until they are admitted, however many others are admitted meanwhile: none of them is turned away", async () => {
    const maxWaiting = ROOM_BATCH;
    const g = gate({ minRunning: 1, maxWaiting, roomWaitMs: 60_000 });
    let running = (await g.admit())!;
    g.sample(1_000);
    // Acked before the queue filled: its work reaches the gate later (Bolt parses it meanwhile), holding no place.
    expect(await g.room()).toEqual({ room: true });
    const queue = Array.from({ length: maxWaiting }, () => g.admit());
    const holds: Array<Hold | undefined> = [];
    const held = Array.from({ length: ROOM_BATCH }, () => g.room().then(({ hold }) => holds.push(hold)));
    const next = async () => {
      running();
      running = (await queue.shift()!)!;
      await settled();
    };
    for (let n = 0; n < maxWaiting; n++) await next();
    await Promise.all(held);
    expect(holds.filter(Boolean)).toHaveLength(ROOM_BATCH);
    // The early request's work is admitted while those let on hold their places; one more arrives, and a piece starts.
    queue.push(g.admit());
    let newcomerLetOn = false;
    const newcomer = g.room().then(() => (newcomerLetOn = true));
    await next();
    // No room for the newcomer yet: every place is taken by the held requests; their work, admitted, is not turned away.
    expect(newcomerLetOn).toBe(false);
    const refused: number[] = [];
    holds.forEach((hold, n) => void g.admit(hold).then((release) => release === undefined && refused.push(n)));
    await settled();
    expect(refused).toEqual([]);
    expect(g.load.waiting).toBe(maxWaiting);
    void newcomer;
  });

  it("takes no room for requests that found it at once and never queue work (events the app ignores)", async () => {
    const g = gate({ maxWaiting: 10, roomWaitMs: 60_000 });
    for (let n = 0; n < 50; n++) expect(await g.room()).toEqual({ room: true });
    expect(g.load).toMatchObject({ running: 0, waiting: 0 });
  });

  it("lets a request held back for room go on after roomWaitMs, to be answered busy", async () => {
    const g = gate({ minRunning: 1, maxWaiting: 0, roomWaitMs: 20 });
    await g.admit();
    g.sample(1_000);
    expect(await g.room()).toEqual({ room: false });
    expect(await g.admit()).toBeUndefined();
  });

  it("counts a release once, however often it is called", async () => {
    const g = gate();
    const release = (await g.admit())!;
    await g.admit();
    release();
    release();
    expect(g.load.running).toBe(1);
  });

  it("reads the event loop itself when sampling is on: a blocked loop lowers the limit", async () => {
    const g = new WorkGate({ sampleEveryMs: 20, minRunning: 1 });
    try {
      await admitAll(g, 50);
      const until = Date.now() + 150;
      while (Date.now() < until); // a turn of 150 ms: timers fire that late
      await expect.poll(() => g.load.limit, { interval: 5 }).toBeLessThan(50);
    } finally {
      g.stop();
    }
  });
});
