import { describe, expect, it } from "vitest";
import { Sealer } from "../../src/core/kernel/seal.js";
import { eventCalendar } from "../../src/core/workflows/events/calendar.js";
import type { CopEvent } from "../../src/core/workflows/events/model.js";
import { occurrencesOf } from "../../src/core/workflows/events/recurrence.js";
import { readCalendar } from "../support/icalendar.js";

/** A weekly call at 18:00 in Rome across the end of summer time (31 October 2027). */
const WEEKLY: CopEvent = {
  id: "e1",
  communityId: "c1",
  title: "Café, weekly; call",
  kind: "meeting",
  agenda: "1. News\n2. *Templates*",
  start: "2027-10-07T18:00",
  zone: "Europe/Rome",
  minutes: 45,
  joinUrl: "https://meet.example.org/x",
  location: "online",
  readings: [],
  recurrence: "weekly",
  until: "2027-11-11",
  rrule: "FREQ=WEEKLY;UNTIL=20271111T225959Z",
  firstAt: "2027-10-07T16:00:00Z",
  lastAt: "2027-11-11T17:00:00Z",
  createdBy: "teams:t:ana",
  createdAt: "2026-11-30T10:00:00Z",
};
const NOW = new Date("2026-11-30T10:00:00Z");

describe("an event's calendar file", () => {
  it("expands, in a calendar parser, to the app's own occurrences, in the event's zone with its VTIMEZONE", () => {
    const read = readCalendar(eventCalendar(WEEKLY, { now: NOW }));
    expect(read.instants).toEqual(occurrencesOf(WEEKLY));
    // 18:00 in Rome is 16:00 UTC in summer time and 17:00 UTC after it.
    expect(read.instants).toContain("2027-10-28T16:00:00Z");
    expect(read.instants).toContain("2027-11-04T17:00:00Z");
    expect(read).toMatchObject({ tzid: "Europe/Rome", zones: ["Europe/Rome"], uid: "e1@c1.cop-companion", summary: "Café, weekly; call", durationMinutes: 45, status: "CONFIRMED" });
    expect(read.description).toBe("1. News\n2. *Templates*\n\nhttps://meet.example.org/x");
  });

  it("leaves cancelled dates out, moves a date changed on its own, and the same file again keeps the same UID", () => {
    const changed: CopEvent = {
      ...WEEKLY,
      changes: [
        { at: "2027-10-21T16:00:00.000Z", cancelled: true },
        { at: "2027-11-04T17:00:00Z", cancelled: true },
        // The 28 October call moved to the Friday, an hour later.
        { at: "2027-10-28T16:00:00Z", start: "2027-10-29T17:00:00Z" },
      ],
    };
    const read = readCalendar(eventCalendar(changed, { now: NOW }));
    expect(read.instants).toEqual(
      occurrencesOf(WEEKLY)
        .filter((at) => !["2027-10-21T16:00:00Z", "2027-11-04T17:00:00Z"].includes(at))
        .map((at) => (at === "2027-10-28T16:00:00Z" ? "2027-10-29T17:00:00Z" : at)),
    );
    expect(read.uid).toBe(readCalendar(eventCalendar(WEEKLY, { now: new Date() })).uid);
  });

  it("shows a one-off event, or a series, that was cancelled as cancelled", () => {
    const once: CopEvent = { ...WEEKLY, recurrence: "none", rrule: undefined, until: undefined, lastAt: WEEKLY.firstAt };
    expect(readCalendar(eventCalendar(once, { now: NOW })).instants).toEqual(["2027-10-07T16:00:00Z"]);
    expect(readCalendar(eventCalendar({ ...once, changes: [{ at: "2027-10-07T16:00:00Z", cancelled: true }] }, { now: NOW })).status).toBe("CANCELLED");
    expect(readCalendar(eventCalendar({ ...WEEKLY, cancelled: true }, { now: NOW })).status).toBe("CANCELLED");
  });
});

describe("link tokens", () => {
  const sealer = new Sealer(async () => Buffer.alloc(32, 7));

  it("open to what they name, for their purpose only, and not once changed", async () => {
    const token = await sealer.sealLink("events.calendar", ["c1", "e1"]);
    expect(await sealer.openLink("events.calendar", token)).toEqual(["c1", "e1"]);
    expect(await sealer.openLink("reports.csv", token)).toBeUndefined();
    const [body, mac] = token.split(".");
    const other = Buffer.from(JSON.stringify(["c2", "e1"])).toString("base64url");
    expect(await sealer.openLink("events.calendar", `${other}.${mac}`)).toBeUndefined();
    expect(await sealer.openLink("events.calendar", `${body}.${mac!.slice(0, -1)}${mac!.endsWith("A") ? "B" : "A"}`)).toBeUndefined();
    expect(await new Sealer(async () => Buffer.alloc(32, 8)).openLink("events.calendar", token)).toBeUndefined();
  });
});
