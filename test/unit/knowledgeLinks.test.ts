import { describe, expect, it } from "vitest";
import { linkProblem, RESOURCE_LIMITS, titleFromLink } from "../../src/core/workflows/knowledge/model.js";

/** Links people paste: what the library stores must fit, and no link may break the title it is given. */
describe("library links", () => {
  it("refuses a link whose stored form (letters percent-encoded) is longer than the library keeps", () => {
    const typed = `https://example.org/${"é".repeat(200)}`;
    expect(typed.length).toBeLessThan(RESOURCE_LIMITS.url);
    expect(new URL(typed).href.length).toBeGreaterThan(RESOURCE_LIMITS.url);
    expect(linkProblem(typed)).toBe("tooLong");
  });

  it("names a link with a broken %-escape after its path as written, instead of failing", () => {
    expect(linkProblem("https://example.org/%E0%A4")).toBeUndefined();
    expect(titleFromLink("https://example.org/%E0%A4")).toBe("example.org/%E0%A4");
    expect(titleFromLink("https://www.example.org/guides/fair%20data/")).toBe("example.org/guides/fair data");
  });
});
