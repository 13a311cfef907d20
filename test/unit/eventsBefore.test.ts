import { describe, expect, it } from "vitest";
import { parseLine } from "../../src/core/workflows/events/eventForm.js";
import { EventDraft } from "../../src/core/workflows/events/model.js";
import { beforeBy, offsetsFromText, offsetsToText } from "../../src/core/workflows/events/offsets.js";
import { plan } from "../../src/core/workflows/events/recurrence.js";

const NOW = new Date("2026-11-23T09:00:00Z");
const draft = (over: Partial<EventDraft>): EventDraft => EventDraft.parse({ title: "Call", kind: "meeting", start: "2027-01-14T15:00", zone: "Europe/Rome", minutes: 60, recurrence: "none", ...over });
const errorOf = (over: Partial<EventDraft>) => {
  const result = plan(draft(over), NOW);
  return result.ok ? undefined : result.errors;
};

describe("the one-line grammar", () => {
  it("takes a kind before the title and every N weeks", () => {
    expect(parseLine("webinar: Data plans on 2027-01-14 at 15:00 Europe/Rome every 3 weeks")).toMatchObject({ title: "Data plans", kind: "webinar", recurrence: "weeks", interval: "3", "start.zone": "Europe/Rome" });
    expect(parseLine("Wrap-up : The year on 2027-12-01 at 9:30")).toMatchObject({ title: "The year", kind: "wrap-up", recurrence: "none", "start.time": "09:30" });
    expect(parseLine("Call on 2027-01-14 at 15:00 every 1 weeks")).toMatchObject({ recurrence: "weekly" });
    expect(parseLine("Call on 2027-01-14 at 15:00 every 2 weeks")).toMatchObject({ recurrence: "biweekly" });
    // Past 8 it still reads; the form's interval field says why it is refused.
    expect(parseLine("Call on 2027-01-14 at 15:00 every 12 weeks")).toMatchObject({ recurrence: "weeks", interval: "12" });
  });

  it("keeps a title with a colon that does not start with a kind", () => {
    expect(parseLine("Q&A: data plans on 2027-01-14 at 15:00")).toMatchObject({ title: "Q&A: data plans", kind: "meeting" });
  });
});

describe("reminder offsets", () => {
  it("read as typed, longest first, without repeats, and write back the same way", () => {
    expect(offsetsFromText("1h, 7d 1d 1h 1h30m")).toEqual({ ok: true, offsets: ["P7D", "P1D", "PT1H30M", "PT1H"] });
    expect(offsetsToText(["P7D", "PT1H30M"])).toBe("7d 1h30m");
    expect(offsetsFromText("")).toEqual({ ok: true, offsets: [] });
  });

  it("refuse what is not an offset, too near, too far, or too many", () => {
    expect(offsetsFromText("1d tomorrow")).toEqual({ ok: false, bad: "tomorrow" });
    expect(offsetsFromText("2m")).toEqual({ ok: false, bad: "2m" });
    expect(offsetsFromText("31d")).toEqual({ ok: false, bad: "31d" });
    expect(offsetsFromText("1d 2d 3d 4d 5d 6d")).toEqual({ ok: false, tooMany: 5 });
  });

  it("keep the wall-clock time for days across the end of DST, and count hours exactly", () => {
    // Sunday 31 October 2027, 15:00 CET (14:00 UTC); summer time ended that night.
    expect(beforeBy("2027-10-31T14:00:00Z", "Europe/Rome", "P7D").toISOString()).toBe("2027-10-24T13:00:00.000Z");
    expect(beforeBy("2027-10-31T14:00:00Z", "Europe/Rome", "P1D").toISOString()).toBe("2027-10-30T13:00:00.000Z");
    expect(beforeBy("2027-10-31T14:00:00Z", "Europe/Rome", "PT1H").toISOString()).toBe("2027-10-31T13:00:00.000Z");
  });
});

describe("recurrence", () => {
  it("repeats every N weeks", () => {
    const result = plan(draft({ recurrence: "weeks", interval: 3, until: "2027-03-31" }), NOW);
    expect(result.ok && result.plan.occurrences).toEqual(["2027-01-14T14:00:00Z", "2027-02-04T14:00:00Z", "2027-02-25T14:00:00Z", "2027-03-18T14:00:00Z"]);
  });

  it("takes a custom RRULE, keeping the wall-clock time across DST, and caps one that never ends at a year", () => {
    const result = plan(draft({ start: "2027-10-26T15:00", recurrence: "custom", rule: "RRULE:FREQ=WEEKLY;BYDAY=TU,TH" }), NOW);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.occurrences.slice(0, 3)).toEqual(["2027-10-26T13:00:00Z", "2027-10-28T13:00:00Z", "2027-11-02T14:00:00Z"]);
    expect(result.plan.rrule).toMatch(/^FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20281025T\d{6}Z$/);
    expect(result.plan.lastAt).toBe("2028-10-24T13:00:00Z");
    const counted = plan(draft({ recurrence: "custom", rule: "freq=monthly;count=3" }), NOW);
    expect(counted.ok && counted.plan.occurrences).toEqual(["2027-01-14T14:00:00Z", "2027-02-14T14:00:00Z", "2027-03-14T14:00:00Z"]);
  });

  it("refuses a custom rule that does not read, repeats more than daily, yields no date or runs past a year", () => {
    expect(errorOf({ recurrence: "custom", rule: "every tuesday" })?.rule?.key).toBe("events.error.rule");
    expect(errorOf({ recurrence: "custom", rule: "FREQ=HOURLY" })?.rule?.key).toBe("events.error.ruleFreq");
    expect(errorOf({ recurrence: "custom", rule: "FREQ=DAILY;BYHOUR=9,15" })?.rule).toEqual({ key: "events.error.rulePart", params: { part: "BYHOUR" } });
    expect(errorOf({ recurrence: "custom", rule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" })?.rule?.key).toBe("events.error.ruleNoDate");
    expect(errorOf({ recurrence: "custom", rule: "FREQ=WEEKLY;UNTIL=20260101T000000Z" })?.rule?.key).toBe("events.error.ruleNoDate");
    expect(errorOf({ recurrence: "custom", rule: "FREQ=DAILY;UNTIL=20990101T000000Z" })?.rule).toEqual({ key: "events.error.ruleOverAYear", params: { last: "2028-01-13" } });
    expect(errorOf({ recurrence: "custom", rule: "FREQ=WEEKLY;COUNT=60" })?.rule?.key).toBe("events.error.ruleOverAYear");
    expect(errorOf({ recurrence: "custom", rule: "FREQ=DAILY;COUNT=400" })?.rule?.key).toBe("events.error.ruleOverAYear");
    expect(errorOf({ recurrence: "custom", rule: "FREQ=WEEKLY;COUNT=2;UNTIL=20270301T000000Z" })?.rule?.key).toBe("events.error.rule");
  });
});
