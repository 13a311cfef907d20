import { LRUCache } from "lru-cache";
import { describe, expect, it } from "vitest";
import { upTo } from "../../src/core/cacheBound.js";

describe("a cache bounded with upTo()", () => {
  it("keeps at most that many entries, dropping the least recently used", () => {
    const cache = new LRUCache<string, number>({ ...upTo(3), ttl: 60_000 });
    for (const key of ["a", "b", "c"]) cache.set(key, 1);
    cache.get("a");
    cache.set("d", 1);
    expect([...cache.keys()].sort()).toEqual(["a", "c", "d"]);
    for (let n = 0; n < 100; n++) cache.set(`k${n}`, n);
    expect(cache.size).toBe(3);
    expect([...cache.keys()].sort()).toEqual(["k97", "k98", "k99"]);
  });
});
