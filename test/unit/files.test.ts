import { describe, expect, it } from "vitest";
import { FILE_LIMIT_BYTES, prepareFile } from "../../src/core/kernel/files.js";
import { wordsFor } from "../../src/core/kernel/words.js";

const words = wordsFor({ locale: "en", platform: "slack", personal: false, timezone: "Europe/Rome" });
const csv = (over: Partial<Parameters<typeof prepareFile>[0]> = {}) => ({ name: "answers.csv", mime: "text/csv", bytes: "a,b\r\n", title: "Survey *answers*", ...over });

describe("a file for the asker", () => {
  it("goes out as UTF-8 bytes with a line naming it, typed words escaped", () => {
    const prepared = prepareFile(csv({ bytes: "é,ü\r\n" }), words);
    expect(prepared.ok && prepared.file.bytes.equals(Buffer.from("é,ü\r\n", "utf8"))).toBe(true);
    expect(prepared.ok && prepared.file.summary).toBe("Here is **Survey \\*answers\\*** (1 KB).");
  });

  it("gets a name every platform and file system takes", () => {
    const named = (name: string) => {
      const prepared = prepareFile(csv({ name }), words);
      return prepared.ok ? prepared.file.name : undefined;
    };
    expect(named("../../etc/report: 2027?.csv")).toBe("_.._etc_report_ 2027_.csv");
    expect(named("line\nbreak.csv")).toBe("line_break.csv");
    expect(() => named("no-extension")).toThrow();
    expect(() => prepareFile(csv({ mime: "not a type" }), words)).toThrow();
  });

  it("is refused privately over 5 MB, and when empty; exactly 5 MB goes", () => {
    expect(prepareFile(csv({ bytes: Buffer.alloc(FILE_LIMIT_BYTES) }), words).ok).toBe(true);
    const big = prepareFile(csv({ bytes: Buffer.alloc(FILE_LIMIT_BYTES + 1) }), words);
    expect(big).toEqual({ ok: false, text: expect.stringContaining("is 5.0 MB, more than the 5.0 MB I can send, so nothing was sent") });
    expect(prepareFile(csv({ bytes: "" }), words)).toEqual({ ok: false, text: expect.stringContaining("has nothing in it") });
  });
});
