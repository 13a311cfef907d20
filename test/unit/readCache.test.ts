import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../src/log.js";
import type { Row } from "../../src/store/entity.js";
import { CommunityRows, ParsedRows, sharedCopy } from "../../src/store/readCache.js";

const row = (json: unknown, etag: string) => ({ partitionKey: "c:1", rowKey: "m:ana", kind: "member", v: 1, json: JSON.stringify(json), etag }) as Row & { etag: string };

describe("rows shared by every reader of a cache", () => {
  it("cannot be changed by a handler: changing one throws, and the next reader gets the row as it was stored", () => {
    const rows = new CommunityRows();
    const community = { id: "c1", charter: { name: "Data Stewards", purposes: ["learning"] } } as never;
    rows.set("c1", { value: community, etag: "e1" });
    const read = rows.get("c1")!.value as unknown as { charter: { name: string; purposes: string[] } };
    expect(() => (read.charter.name = "Renamed")).toThrow(TypeError);
    expect(() => read.charter.purposes.push("gossip")).toThrow(TypeError);
    expect(rows.get("c1")!.value).toMatchObject({ charter: { name: "Data Stewards", purposes: ["learning"] } });
  });

  it("keeps a writer's own object free to change (sharedCopy freezes a copy)", () => {
    const mine = { name: "Data Stewards", tags: ["a"] };
    const shared = sharedCopy(mine);
    mine.tags.push("b");
    expect(shared.tags).toEqual(["a"]);
    expect(Object.isFrozen(shared.tags)).toBe(true);
  });
});

describe("rows parsed once per version (ParsedRows)", () => {
  it("parses a row again only when its ETag moved, and gives what it last parsed otherwise", () => {
    let parses = 0;
    const Member = z.object({ role: z.string() }).transform((m) => (parses++, m));
    const parsed = new ParsedRows(Member, createLogger("silent"));
    expect(parsed.of(row({ role: "member" }, "e1"))).toEqual({ role: "member" });
    expect(parsed.of(row({ role: "member" }, "e1"))).toEqual({ role: "member" });
    expect(parses).toBe(1);
    // A role given elsewhere: a new version, read and parsed afresh.
    expect(parsed.of(row({ role: "facilitator" }, "e2"))).toEqual({ role: "facilitator" });
    expect(parses).toBe(2);
  });

  it("skips a stored row that does not parse, every time it is read", () => {
    const parsed = new ParsedRows(z.object({ role: z.string() }), createLogger("silent"));
    expect(parsed.of(row({ role: 7 }, "e1"))).toBeUndefined();
    expect(parsed.of(row({ role: 7 }, "e1"))).toBeUndefined();
  });
});
