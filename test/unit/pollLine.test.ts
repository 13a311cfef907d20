import { describe, expect, it } from "vitest";
import { parsePollLine } from "../../src/core/workflows/surveys/pollLine.js";

describe("the quick poll line", () => {
  it("reads the old lines as before: the whole community", () => {
    expect(parsePollLine('"Which day suits?" Tue Wed "Thu am"')).toEqual({ ok: true, named: false, audience: { kind: "community" }, question: "Which day suits?", options: ["Tue", "Wed", "Thu am"] });
    expect(parsePollLine("named Lunch where? Pizza Salad")).toMatchObject({ ok: true, named: true, audience: { kind: "community" }, question: "Lunch where?" });
    // `here` is an ordinary word before a question that is not in quotes.
    expect(parsePollLine("here or remote? Here Remote")).toMatchObject({ ok: true, audience: { kind: "community" }, question: "here or remote?", options: ["Here", "Remote"] });
    expect(parsePollLine("for going out, which day? Fri Sat")).toMatchObject({ ok: false, why: "quote" });
  });

  it("reads `here` and `for going|attended EVENT [DATE]` before a quoted question, with named in either place", () => {
    expect(parsePollLine('here "Lunch?" Pizza Salad')).toMatchObject({ ok: true, named: false, audience: { kind: "space" }, question: "Lunch?" });
    expect(parsePollLine('named here “Lunch?” Pizza Salad')).toMatchObject({ ok: true, named: true, audience: { kind: "space" } });
    expect(parsePollLine('here named "Lunch?" Pizza Salad')).toMatchObject({ ok: true, named: true, audience: { kind: "space" } });
    expect(parsePollLine('for going 4F2K "Coming by train?" Yes No')).toMatchObject({ ok: true, audience: { kind: "rsvp", event: "4F2K" }, question: "Coming by train?" });
    expect(parsePollLine('For Attended 4f2k 2026-12-03 "Useful?" Yes No')).toEqual({ ok: true, named: false, audience: { kind: "attended", event: "4f2k", date: "2026-12-03" }, question: "Useful?", options: ["Yes", "No"] });
    expect(parsePollLine('named for attended 4F2K "Useful?" Yes No')).toMatchObject({ ok: true, named: true, audience: { kind: "attended", event: "4F2K" } });
    expect((parsePollLine('for going 4F2K "Q?" A B') as { audience: object }).audience).not.toHaveProperty("date");
  });

  it("refuses an audience without its event, or with a question not in quotes", () => {
    expect(parsePollLine('for going "Coming?" Yes No')).toEqual({ ok: false, why: "event" });
    expect(parsePollLine("for attended")).toEqual({ ok: false, why: "event" });
    expect(parsePollLine("for going 4F2K Coming? Yes No")).toEqual({ ok: false, why: "quote" });
    expect(parsePollLine("for attended 4F2K 2026-12-03 Useful? Yes No")).toEqual({ ok: false, why: "quote" });
  });

  it("still checks the question and options after an audience", () => {
    expect(parsePollLine('here "Lunch?" Pizza')).toEqual({ ok: false, why: "options" });
    expect(parsePollLine('for going 4F2K "Lunch?" Pizza pizza')).toEqual({ ok: false, why: "duplicate" });
    expect(parsePollLine('here ""')).toMatchObject({ ok: false });
  });
});
