import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, formOf, kernelOnRealStore, kinds, texts, verbsOf, type KernelHarness, listJobs, type StoredJob } from "../support/core.js";

const setUp = async (h: KernelHarness) => h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);

/** The form as a steward fills it in: a monthly webinar at 15:00 in Rome. */
const WEBINAR = {
  title: "Data management plans",
  kind: "webinar",
  agenda: "1. What a DMP is\n2. *Templates* we use",
  "start.date": "2027-01-14",
  "start.time": "15:00",
  "start.zone": "Europe/Rome",
  minutes: "90",
  joinUrl: "https://meet.example.org/cop-dmp",
  recurrence: "monthly",
};


/** The raw neutral markdown of a card (where the instants are). */
const raw = (card: Card) => JSON.stringify(card.blocks);
const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
const fieldErrors = (d: Delivery) => Object.fromEntries(formOf(d).fields.filter((f) => f.error).map((f) => [f.name, f.error]));
const rsvpData = (card: Card, answer: string) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.data.answer === answer)!.data;

describe("scheduling an event", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
  });

  it("through the form: tells the steward privately and announces it with the time for each reader's zone and RSVP buttons", async () => {
    const shown = await h.say(ANA, CHANNEL, "event");
    expect(kinds(shown)).toEqual(["form"]);
    const done = await h.submit(ANA, shown, WEBINAR);
    expect(kinds(done)).toEqual(["reply", "post"]);
    expect(texts(done)[0]).toMatch(/Data management plans is scheduled and announced in every space of Data Stewards/);
    const card = posted(done);
    expect(card.title).toBe("Data management plans");
    // 15:00 in Rome in January is 14:00 UTC: each platform shows that instant in its reader's zone.
    expect(raw(card)).toContain("<time:2027-01-14T14:00:00Z|");
    const text = texts(done)[1]!;
    expect(text).toMatch(/Kind\nWebinar/);
    expect(text).toMatch(/90 minutes/);
    expect(text).toMatch(/Every month, on the same weekday until 2028-01-13/);
    expect(text).toMatch(/\*Templates\* we use/);
    expect(text).toMatch(/Join the event/);
    expect(text).toMatch(/Going: 0 · Maybe: 0 · Not going: 0/);
    expect(verbsOf(card)).toEqual(["events.rsvp", "events.rsvp", "events.rsvp", "events.calendar.file"]);
  });

  it("in one line, as the help documents it", async () => {
    const done = await h.say(ANA, CHANNEL, "event Monthly call on 2027-01-14 at 15:00 Europe/Rome for 60m every month");
    expect(kinds(done)).toEqual(["reply", "post"]);
    expect(raw(posted(done))).toContain("<time:2027-01-14T14:00:00Z|");
    expect(texts(done)[1]).toMatch(/60 minutes/);
    const listed = texts(await h.say(BEN, CHANNEL, "events"))[0]!;
    expect(listed).toMatch(/Upcoming events in Data Stewards/);
    expect(listed).toMatch(/Monthly call \(Meeting\): next .*; Every month, on the same weekday/);
    const help = texts(await h.say(ANA, CHANNEL, "help"))[0]!;
    expect(help).toMatch(/event TITLE on YYYY-MM-DD at HH:MM ZONE for 60m every month until YYYY-MM-DD https:\/\/LINK/);
  });

  it("lets only stewards schedule, and explains the grammar when a line does not read", async () => {
    expect(texts(await h.say(BEN, CHANNEL, "event Call on 2027-01-14 at 15:00"))[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
    expect(texts(await h.say(ANA, CHANNEL, "event tomorrow at noon"))[0]).toMatch(/I could not read that event. Type it as .*event TITLE on YYYY-MM-DD/);
  });

  it("returns bad input as field errors and schedules nothing", async () => {
    const past = await h.say(ANA, CHANNEL, "event Call on 2026-01-01 at 10:00 Europe/Rome");
    expect(fieldErrors(past)).toEqual({ start: "This time has already passed. Choose a time in the future." });
    // What was typed stays in the form.
    expect(formOf(past).fields.find((f) => f.name === "start")!.value).toBe("2026-01-01T10:00");
    expect(fieldErrors(await h.say(ANA, CHANNEL, "event Call on 2027-01-14 at 10:00 Mars/Base"))).toEqual({ start: "Unknown time zone: Mars/Base. Use a name such as Europe/Rome." });
    expect(fieldErrors(await h.say(ANA, CHANNEL, "event Call on 2027-01-14 at 10:00 UTC http://meet.example.org/x"))).toEqual({ joinUrl: "Enter a web address starting with https://." });
    expect(fieldErrors(await h.say(ANA, CHANNEL, "event Call on 2027-01-14 at 10:00 UTC every week until 2028-03-01"))).toEqual({ until: "A series can cover at most a year: choose 2028-01-13 or earlier." });
    expect(fieldErrors(await h.say(ANA, CHANNEL, "event Call on 2027-01-14 at 10:00 UTC every week until 2027-01-01"))).toEqual({ until: "No date of the series falls on or before this day: choose a later one." });
    const form = await h.say(ANA, CHANNEL, "event");
    expect(fieldErrors(await h.submit(ANA, form, { ...WEBINAR, "start.date": "2026-11-01" }))).toEqual({ start: "This time has already passed. Choose a time in the future." });
    expect(fieldErrors(await h.submit(ANA, form, { ...WEBINAR, minutes: "0" }))).toEqual({ minutes: "At least 5." });
    expect(texts(await h.say(ANA, CHANNEL, "events"))[0]).toMatch(/Nothing is scheduled yet/);
    expect(await listJobs(h, "events.reminder")).toEqual([]);
  });
});

describe("answering an event", () => {
  let h: KernelHarness;
  let card: Card;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
    card = posted(await h.submit(ANA, await h.say(ANA, CHANNEL, "event"), WEBINAR));
  });

  it("stores one answer per person per occurrence, answers privately and updates the counts on the card for everyone", async () => {
    const going = await h.press(BEN, CHANNEL, "events.rsvp", rsvpData(card, "going"));
    expect(going.items.map((i) => [i.kind, i.kind === "reply" ? i.secret : i.kind === "replace" ? i.for : ""])).toEqual([
      ["reply", true],
      ["replace", "everyone"],
    ]);
    expect(texts(going)[0]).toMatch(/^You said you are going to Data management plans on Thursday/);
    expect(texts(going)[1]).toMatch(/Going: 1 · Maybe: 0 · Not going: 0/);
    expect(texts(await h.press(ANA, CHANNEL, "events.rsvp", rsvpData(card, "maybe")))[1]).toMatch(/Going: 1 · Maybe: 1 · Not going: 0/);
    // Changing one's mind replaces the earlier answer.
    const changed = await h.press(BEN, CHANNEL, "events.rsvp", rsvpData(card, "no"));
    expect(texts(changed)[0]).toMatch(/You said you are not going/);
    expect(texts(changed)[1]).toMatch(/Going: 0 · Maybe: 1 · Not going: 1/);
  });

  it("refuses an answer for a date that is not the event's, for an unknown event, and after the start", async () => {
    const data = rsvpData(card, "going");
    expect(texts(await h.press(BEN, CHANNEL, "events.rsvp", { ...data, at: "2027-01-15T14:00:00.000Z" }))).toEqual(["That date is not one of this event's."]);
    expect(texts(await h.press(BEN, CHANNEL, "events.rsvp", { ...data, event: "nope" }))).toEqual(["That event no longer exists."]);
    h.setNow("2027-01-14T14:30:00Z");
    expect(texts(await h.press(BEN, CHANNEL, "events.rsvp", data))).toEqual(["This event has already started, so answers are closed."]);
  });
});

describe("reminders", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
  });

  const run = async (job: StoredJob) => {
    const def = h.kernel.registry.job("events.reminder")!;
    await h.kernel.runJob(def, job.payload, { key: job.key, dueAt: new Date(job.dueAt), lateMs: 0, signal: new AbortController().signal });
  };
  const fanoutsOf = async (key: string) => (await listJobs(h, "fanout")).filter((j) => j.key === `reminder:${key}`);

  it("fall a day and an hour before each of the next occurrences at the right UTC instants across the end of DST in Europe/Rome", async () => {
    // Sundays at 15:00 in Rome: CEST (UTC+2) on 24 October 2027, CET (UTC+1) from 31 October, the day summer time ends.
    await h.say(ANA, CHANNEL, "event Sunday session on 2027-10-24 at 15:00 Europe/Rome for 60m every week until 2027-12-31");
    const jobs = await listJobs(h, "events.reminder");
    expect(jobs.map((j) => [j.payload.occurrence, j.payload.offset, j.dueAt])).toEqual([
      ["2027-10-24T13:00:00Z", "P1D", "2027-10-23T13:00:00.000Z"],
      ["2027-10-24T13:00:00Z", "PT1H", "2027-10-24T12:00:00.000Z"],
      // The day before is still summer time: 15:00 CEST is 13:00 UTC; the hour before is 14:00 CET, 13:00 UTC.
      ["2027-10-31T14:00:00Z", "P1D", "2027-10-30T13:00:00.000Z"],
      ["2027-10-31T14:00:00Z", "PT1H", "2027-10-31T13:00:00.000Z"],
      ["2027-11-07T14:00:00Z", "P1D", "2027-11-06T14:00:00.000Z"],
      ["2027-11-07T14:00:00Z", "PT1H", "2027-11-07T13:00:00.000Z"],
    ]);

    // The hour-before reminder of 31 October runs on time: posted to every space, and the window moves on.
    const hourBefore = jobs[3]!;
    h.setNow(hourBefore.dueAt);
    await run(hourBefore);
    const [fanout] = await fanoutsOf(hourBefore.key);
    expect(fanout?.payload).toMatchObject({ audience: { kind: "spaces", except: [] }, card: { presenter: "events.reminder", data: { title: "Sunday session", at: "2027-10-31T14:00:00Z" } } });
    const later = (await listJobs(h, "events.reminder")).map((j) => [j.payload.occurrence, j.payload.offset, j.dueAt]);
    expect(later).toContainEqual(["2027-11-14T14:00:00Z", "PT1H", "2027-11-14T13:00:00.000Z"]);
    const reminder = h.kernel.present((fanout!.payload as { card: { presenter: string; data: unknown } }).card, { locale: "en", platform: "slack", personal: false, timezone: "America/New_York" });
    expect(raw(reminder)).toContain("<time:2027-10-31T14:00:00Z|Sunday, October 31, 2027 at 10:00 AM EDT>");
  });

  it("sends nothing when it runs after the event started", async () => {
    await h.say(ANA, CHANNEL, "event Call on 2027-01-14 at 15:00 Europe/Rome");
    const [dayBefore, hourBefore] = await listJobs(h, "events.reminder");
    expect(dayBefore!.dueAt).toBe("2027-01-13T14:00:00.000Z");
    // The app was down: the hour-before reminder comes due five minutes after the start.
    h.setNow("2027-01-14T14:05:00Z");
    await run(hourBefore!);
    expect(await fanoutsOf(hourBefore!.key)).toEqual([]);
    // Late but before the start, it still goes out.
    h.setNow("2027-01-14T13:59:00Z");
    await run(dayBefore!);
    expect(await fanoutsOf(dayBefore!.key)).toHaveLength(1);
  });
});
