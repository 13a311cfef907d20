import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, cardText, formOf, kernelOnRealStore, texts, type KernelHarness, listJobs, type StoredJob } from "../support/core.js";

/** What goes out before the date: the guide and readings, reminders, their settings, and muting them. */
const CYD = { personKey: "teams:tenant-1:aad-cyd", displayName: "Cyd Lund", locale: "en" } as const;
const DEV = { personKey: "teams:tenant-1:aad-dev", displayName: "Dev Rao", locale: "en" } as const;

const setUp = async (h: KernelHarness) => h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);

/** A weekly session in Rome across the end of summer time, with a guide and two readings. */
const SESSION = {
  title: "Sunday session",
  kind: "workshop",
  "start.date": "2027-10-24",
  "start.time": "15:00",
  "start.zone": "Europe/Rome",
  minutes: "60",
  recurrence: "weekly",
  until: "2027-12-31",
  location: "inPerson",
  place: "Aula Magna",
  guideUrl: "https://example.org/guide",
  readings: "https://example.org/one\nhttps://example.org/two",
};

const fieldErrors = (d: Delivery) => Object.fromEntries(formOf(d).fields.filter((f) => f.error).map((f) => [f.name, f.error]));
const fieldValue = (d: Delivery, name: string) => formOf(d).fields.find((f) => f.name === name)?.value;
const rsvpData = (card: Card, answer: string) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.data.answer === answer)!.data;

describe("before an event", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
  });

  const run = async (job: StoredJob) => {
    const def = h.kernel.registry.job("events.reminder")!;
    await h.kernel.runJob(def, job.payload, { key: job.key, dueAt: new Date(job.dueAt), lateMs: 0, signal: new AbortController().signal });
  };
  const fanout = async (id: string) => (await listJobs(h, "fanout")).find((j) => j.key === id)?.payload as { audience: Record<string, unknown>; card: { presenter: string; data: unknown } } | undefined;
  const shown = (card: { presenter: string; data: unknown }, personal = false) => cardText(h.kernel.present(card, { locale: "en", platform: "teams", personal, timezone: "Europe/Rome" }));

  it("sends the guide a week before and reminders a day and an hour before, at the right UTC instants across the end of DST in Rome", async () => {
    const done = await h.submit(ANA, await h.say(ANA, CHANNEL, "event"), SESSION);
    expect(texts(done)[0]).toMatch(/Reminders: 1 day before and 1 hour before\./);
    expect(texts(done)[1]).toMatch(/Where\nIn person: Aula Magna/);
    const jobs = await listJobs(h, "events.reminder");
    expect(jobs.map((j) => [j.payload.occurrence, j.payload.what, j.payload.offset, j.dueAt])).toEqual([
      // 15:00 CEST (UTC+2) on 24 October; 15:00 CET (UTC+1) from 31 October, the day summer time ends.
      ["2027-10-24T13:00:00Z", "guide", "P7D", "2027-10-17T13:00:00.000Z"],
      ["2027-10-24T13:00:00Z", "reminder", "P1D", "2027-10-23T13:00:00.000Z"],
      ["2027-10-24T13:00:00Z", "reminder", "PT1H", "2027-10-24T12:00:00.000Z"],
      // A week before 31 October is still summer time: 15:00 CEST, 13:00 UTC.
      ["2027-10-31T14:00:00Z", "guide", "P7D", "2027-10-24T13:00:00.000Z"],
      ["2027-10-31T14:00:00Z", "reminder", "P1D", "2027-10-30T13:00:00.000Z"],
      // The hour before 15:00 CET is 13:00 UTC; a week before 7 November is 15:00 CET on 31 October.
      ["2027-10-31T14:00:00Z", "reminder", "PT1H", "2027-10-31T13:00:00.000Z"],
      ["2027-11-07T14:00:00Z", "guide", "P7D", "2027-10-31T14:00:00.000Z"],
      ["2027-11-07T14:00:00Z", "reminder", "P1D", "2027-11-06T14:00:00.000Z"],
      ["2027-11-07T14:00:00Z", "reminder", "PT1H", "2027-11-07T13:00:00.000Z"],
    ]);

    // The guide of 31 October runs on time: the window moves on to the guide of 14 November.
    const guide = jobs[3]!;
    h.setNow(guide.dueAt);
    await run(guide);
    expect((await fanout(`reminder:${guide.key}`))?.card).toMatchObject({ presenter: "events.guide", data: { at: "2027-10-31T14:00:00Z", guideUrl: "https://example.org/guide" } });
    const later = (await listJobs(h, "events.reminder")).map((j) => [j.payload.occurrence, j.payload.what, j.dueAt]);
    expect(later).toContainEqual(["2027-11-14T14:00:00Z", "guide", "2027-11-07T14:00:00.000Z"]);
    // Shown in New York, still on summer time that day.
    const card = h.kernel.present((await fanout(`reminder:${guide.key}`))!.card, { locale: "en", platform: "slack", personal: false, timezone: "America/New_York" });
    expect(JSON.stringify(card.blocks)).toContain("<time:2027-10-31T14:00:00Z|Sunday, October 31, 2027 at 10:00 AM EDT>");
  });

  it("sends the guide and reminders to every space, and by direct message to those going or maybe who did not mute them", async () => {
    const announced = (await h.submit(ANA, await h.say(ANA, CHANNEL, "event"), SESSION)).items.find((i) => i.kind === "post")!.card;
    await h.press(BEN, CHANNEL, "events.rsvp", rsvpData(announced, "going"));
    await h.press(CYD, CHANNEL, "events.rsvp", rsvpData(announced, "maybe"));
    await h.press(DEV, CHANNEL, "events.rsvp", rsvpData(announced, "no"));
    await h.press(ANA, CHANNEL, "events.rsvp", rsvpData(announced, "going"));
    const muted = await h.say(ANA, CHANNEL, "mute reminders");
    expect(muted.items.map((i) => i.kind)).toEqual(["reply"]);
    expect(texts(muted)[0]).toMatch(/You will get no reminder messages from Data Stewards any more; its channels still show them/);

    const [guide] = await listJobs(h, "events.reminder");
    h.setNow(guide!.dueAt);
    await run(guide!);
    const toSpaces = await fanout(`reminder:${guide!.key}`);
    expect(toSpaces?.audience).toMatchObject({ kind: "spaces" });
    const channelCard = shown(toSpaces!.card);
    expect(channelCard).toMatch(/Before Sunday session: guide and readings/);
    expect(channelCard).toMatch(/Read the guide/);
    expect(channelCard).toMatch(/Readings\nhttps:\/\/example.org\/one\nhttps:\/\/example.org\/two/);
    expect(channelCard).toMatch(/Going: 2 · Maybe: 1 · Not going: 1\nGoing\nMaybe\nNot going/);
    const toPeople = await fanout(`reminder-dm:${guide!.key}`);
    expect(toPeople?.audience).toEqual({ kind: "people", people: [BEN.personKey, CYD.personKey].sort() });
    const dm = shown(toPeople!.card, true);
    expect(dm).toMatch(/Read the guide/);
    expect(dm).toMatch(/type mute reminders in its channel/);
    expect(dm).not.toMatch(/Not going/);

    // Unmuted, Ana gets the next one again.
    expect(texts(await h.say(ANA, CHANNEL, "unmute reminders"))[0]).toMatch(/You will get reminder messages from Data Stewards again/);
    const dayBefore = (await listJobs(h, "events.reminder")).find((j) => j.payload.occurrence === "2027-10-24T13:00:00Z" && j.payload.offset === "P1D")!;
    h.setNow(dayBefore.dueAt);
    await run(dayBefore);
    expect((await fanout(`reminder-dm:${dayBefore.key}`))?.audience).toEqual({ kind: "people", people: [ANA.personKey, BEN.personKey, CYD.personKey].sort() });
    expect(shown((await fanout(`reminder-dm:${dayBefore.key}`))!.card, true)).toMatch(/Reminder: Sunday session\nSunday session starts/);
  });

  it("goes late only up to the start: never after it, and a guide whose week had passed goes at once", async () => {
    h.setNow("2027-10-20T08:00:00Z");
    await h.submit(ANA, await h.say(ANA, CHANNEL, "event"), { ...SESSION, recurrence: "none" });
    const jobs = await listJobs(h, "events.reminder");
    // Four days before: the guide is due now, the reminders when they fall.
    expect(jobs.map((j) => [j.payload.what, j.payload.offset, j.dueAt])).toEqual([
      ["guide", "P7D", "2027-10-20T08:00:00.000Z"],
      ["reminder", "P1D", "2027-10-23T13:00:00.000Z"],
      ["reminder", "PT1H", "2027-10-24T12:00:00.000Z"],
    ]);
    const [guide, dayBefore, hourBefore] = jobs;
    // The app was down from before the day-before reminder until after the start.
    h.setNow("2027-10-24T13:05:00Z");
    await run(dayBefore!);
    await run(hourBefore!);
    expect(await fanout(`reminder:${dayBefore!.key}`)).toBeUndefined();
    expect(await fanout(`reminder:${hourBefore!.key}`)).toBeUndefined();
    // Late, but a minute before the start, the guide and the day-before reminder still go.
    h.setNow("2027-10-24T12:59:00Z");
    await run(guide!);
    await run(dayBefore!);
    expect((await fanout(`reminder:${guide!.key}`))?.card.presenter).toBe("events.guide");
    expect((await fanout(`reminder:${dayBefore!.key}`))?.card.presenter).toBe("events.reminder");
    // Run again (another instance, a retry): still one send.
    await run(guide!);
    expect((await listJobs(h, "fanout")).filter((j) => j.key === `reminder:${guide!.key}`)).toHaveLength(1);
  });

  it("takes reminder offsets per community and per event", async () => {
    expect(texts(await h.say(ANA, CHANNEL, "event reminders"))[0]).toMatch(/New events in Data Stewards: reminders 1 day before and 1 hour before; guide and readings 7 days before/);
    expect(texts(await h.say(BEN, CHANNEL, "event reminders 2d"))[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
    expect(texts(await h.say(ANA, CHANNEL, "event reminders 1d soon"))[0]).toMatch(/I could not read that/);
    expect(texts(await h.say(ANA, CHANNEL, "event reminders 30m 2d guide 3d"))[0]).toMatch(/reminders 2 days before and 30 minutes before; guide and readings 3 days before/);
    const form = await h.say(ANA, CHANNEL, "event");
    expect([fieldValue(form, "reminders"), fieldValue(form, "guideBefore")]).toEqual(["2d 30m", "3d"]);
    await h.say(ANA, CHANNEL, "event Call on 2027-01-14 at 15:00 Europe/Rome");
    // One event of its own: a reminder 3 hours before only.
    await h.submit(ANA, form, { ...SESSION, title: "Own", recurrence: "none", guideUrl: "", readings: "", reminders: "3h" });
    const byTitle = async (id: string) => (await listJobs(h, "events.reminder")).filter((j) => j.payload.eventId === id).map((j) => [j.payload.offset, j.dueAt]);
    const [call, own] = await h.deps.repos.events.upcoming((await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId, new Date("2026-11-23T09:00:00Z")).then((es) => ["Call", "Own"].map((t) => es.find((e) => e.title === t)!.id));
    expect(await byTitle(call!)).toEqual([
      ["P2D", "2027-01-12T14:00:00.000Z"],
      ["PT30M", "2027-01-14T13:30:00.000Z"],
    ]);
    expect(await byTitle(own!)).toEqual([["PT3H", "2027-10-24T10:00:00.000Z"]]);
  });

  it("returns bad input in the new fields as field errors, keeps what was typed and schedules nothing", async () => {
    const form = await h.say(ANA, CHANNEL, "event");
    const errors = async (values: Record<string, string>) => fieldErrors(await h.submit(ANA, form, { ...SESSION, ...values }));
    expect(await errors({ recurrence: "custom", rule: "FREQ=MINUTELY" })).toEqual({ rule: "Choose FREQ=DAILY, WEEKLY, MONTHLY or YEARLY: an event repeats at most once a day." });
    const never = await h.submit(ANA, form, { ...SESSION, recurrence: "custom", rule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" });
    expect(fieldErrors(never)).toEqual({ rule: "This rule yields no date: check its parts against the start." });
    expect(fieldValue(never, "rule")).toBe("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30");
    expect(await errors({ recurrence: "custom", rule: "FREQ=DAILY;COUNT=500" })).toEqual({ rule: "A series can cover at most a year: end the rule by 2028-10-23." });
    expect(await errors({ recurrence: "custom", rule: "FREQ=WEEKLY;UNTIL=20300101T000000Z" })).toEqual({ rule: "A series can cover at most a year: end the rule by 2028-10-23." });
    expect(await errors({ recurrence: "custom", rule: "every other day" })).toEqual({ rule: "I could not read this rule: write RFC 5545 parts such as FREQ=WEEKLY;BYDAY=TU,TH, without DTSTART." });
    expect(await errors({ recurrence: "custom", rule: "" })).toEqual({ rule: "Required." });
    expect(await errors({ recurrence: "weeks", interval: "9" })).toEqual({ interval: "At most 8." });
    expect(await errors({ location: "inPerson", place: "" })).toEqual({ place: "Enter the place of an event in person." });
    expect(await errors({ guideUrl: "http://example.org/guide" })).toEqual({ guideUrl: "Enter a web address starting with https://." });
    expect(await errors({ readings: "https://example.org/one\nnot a link" })).toEqual({ readings: "Each reading is an https:// link on its own line; this one is not: not a link" });
    expect(await errors({ reminders: "1d tomorrow" })).toEqual({ reminders: "I could not read tomorrow: write e.g. 7d, 1d, 1h or 30m (between 5 minutes and 30 days)." });
    expect(fieldErrors(await h.say(ANA, CHANNEL, "event Call on 2027-01-14 at 15:00 every 9 weeks"))).toEqual({ interval: "At most 8." });
    const events = await h.deps.repos.events.upcoming((await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId, new Date("2026-11-23T09:00:00Z"));
    expect(events).toEqual([]);
    expect(await listJobs(h, "events.reminder")).toEqual([]);
  });
});
