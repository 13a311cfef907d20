import { describe, expect, it } from "vitest";
import { IdleCollector } from "../../src/idleCollector.js";
import { createLogger } from "../../src/log.js";

const MB = 1024 * 1024;

/** A heap that grows with each request and shrinks to `live` when collected. */
function fakeHeap(live = 80 * MB) {
  const heap = { used: live, collections: 0 };
  const collector = new IdleCollector(createLogger("silent"), {
    minGrowthBytes: 24 * MB,
    heapUsed: () => heap.used,
    collect: () => {
      heap.collections++;
      heap.used = live;
    },
  });
  const requests = (n: number) => {
    for (let i = 0; i < n; i++) {
      collector.request();
      heap.used += MB;
    }
  };
  return { heap, collector, requests };
}

describe("collecting garbage once the app goes quiet after requests", () => {
  it("collects at the first quiet check after a burst, and gives the memory back", () => {
    const { heap, collector, requests } = fakeHeap();
    requests(100);
    expect(collector.tick()).toBe(false); // requests came since the last check: still busy
    expect(heap.collections).toBe(0);
    expect(collector.tick()).toBe(true);
    expect(heap.collections).toBe(1);
    expect(heap.used).toBe(80 * MB);
  });

  it("never collects while requests keep coming", () => {
    const { heap, collector, requests } = fakeHeap();
    for (let i = 0; i < 20; i++) {
      requests(50);
      collector.tick();
    }
    expect(heap.collections).toBe(0);
  });

  it("does not collect for small growth, nor again while nothing has happened since", () => {
    const { heap, collector, requests } = fakeHeap();
    requests(10);
    collector.tick();
    expect(collector.tick()).toBe(false); // 10 MB: below the threshold
    requests(40);
    collector.tick();
    expect(collector.tick()).toBe(true);
    heap.used += 50 * MB; // allocations without requests (a scheduler job) are left to V8
    expect(collector.tick()).toBe(false);
    expect(heap.collections).toBe(1);
  });

  it("runs V8's own collection when none is given (the runtime lets it be exposed)", () => {
    let heap = 0;
    const collector = new IdleCollector(createLogger("silent"), { minGrowthBytes: 1, heapUsed: () => (heap += MB) });
    collector.request();
    collector.tick();
    expect(collector.tick()).toBe(true);
  });
});
