import { describe, expect, it } from "vitest";
import { parseSchedule } from "../../src/core/workflows/summaries/commands.js";
import { firstAfter, nextAfter, sameLocalDay } from "../../src/core/workflows/summaries/schedule.js";

describe("the digest's schedule", () => {
  it("reads the one-line grammar, and nothing else", () => {
    expect(parseSchedule("weekly on Monday at 9:00 Europe/Rome")).toEqual({ cadenceWeeks: 1, day: "monday", time: "09:00", zone: "Europe/Rome" });
    expect(parseSchedule("every 2 weeks on fri at 16:30")).toEqual({ cadenceWeeks: 2, day: "friday", time: "16:30", zone: undefined });
    expect(parseSchedule("weekly on mo at 9:00")).toBeUndefined();
    expect(parseSchedule("weekly on monday at 24:00")).toBeUndefined();
    expect(parseSchedule("monthly on monday at 09:00")).toBeUndefined();
  });

  it("keeps the local time across a DST change, and never schedules in the past", () => {
    const s = { day: "monday", time: "09:00", zone: "Europe/Rome", cadenceWeeks: 1 } as const;
    // Monday 22 March 2027 09:00 in Rome is 08:00 UTC; a week on, after the clocks moved, it is 07:00 UTC.
    expect(firstAfter(s, new Date("2027-03-20T12:00:00Z")).toISOString()).toBe("2027-03-22T08:00:00.000Z");
    expect(nextAfter(s, new Date("2027-03-22T08:00:00Z"), new Date("2027-03-22T08:00:01Z")).toISOString()).toBe("2027-03-29T07:00:00.000Z");
    // Due three weeks ago (the app was down): the next is the first one still ahead.
    expect(nextAfter(s, new Date("2027-03-01T08:00:00Z"), new Date("2027-03-24T10:00:00Z")).toISOString()).toBe("2027-03-29T07:00:00.000Z");
    // At the very time it is due, the first is the week after.
    expect(firstAfter(s, new Date("2027-03-22T08:00:00Z")).toISOString()).toBe("2027-03-29T07:00:00.000Z");
  });

  it("moves a time the clocks skip by an hour on that day only, not on every later week", () => {
    // 02:30 on Sunday 28 March 2027 does not exist in Brussels (02:00 → 03:00): that run is at 03:30 local.
    const s = { day: "sunday", time: "02:30", zone: "Europe/Brussels", cadenceWeeks: 1 } as const;
    const first = firstAfter(s, new Date("2027-03-27T12:00:00Z"));
    expect(first.toISOString()).toBe("2027-03-28T01:30:00.000Z");
    // The week after is 02:30 local again (00:30 UTC in summer time), not 03:30.
    expect(nextAfter(s, first, first).toISOString()).toBe("2027-04-04T00:30:00.000Z");
  });

  it("counts a late run as the same day in the schedule's zone, not in UTC", () => {
    // 23:30 UTC on Monday is already Tuesday in Rome.
    expect(sameLocalDay("Europe/Rome", new Date("2027-03-22T08:00:00Z"), new Date("2027-03-22T21:30:00Z"))).toBe(true);
    expect(sameLocalDay("Europe/Rome", new Date("2027-03-22T08:00:00Z"), new Date("2027-03-22T23:30:00Z"))).toBe(false);
  });
});
