import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, formOf, kernelOnRealStore, kinds, SLACK_CAROL, texts, verbsOf, type Actor, type KernelHarness, listJobs, type StoredJob } from "../support/core.js";

/**
 * Changing and cancelling events, on the kernel with a real store and a settable clock: one date of a
 * series or the whole of it; answers stay with the date; reminders follow; stale forms are refused.
 */
const WEBINAR = {
  title: "Data management plans",
  kind: "webinar",
  agenda: "What a DMP is",
  "start.date": "2027-01-14",
  "start.time": "15:00",
  "start.zone": "Europe/Rome",
  minutes: "90",
  joinUrl: "https://meet.example.org/cop-dmp",
  recurrence: "monthly",
};
// The monthly series falls on the 2nd Thursday: 14 January, 11 February, 11 March 2027… at 15:00 in Rome (14:00 UTC).
const FEB = "2027-02-11T14:00:00Z";


const raw = (card: Card) => JSON.stringify(card.blocks);
const itemOf = (d: Delivery, kind: string) => d.items.find((i) => i.kind === kind)!.card;
const fieldErrors = (d: Delivery) => Object.fromEntries(formOf(d).fields.filter((f) => f.error).map((f) => [f.name, f.error]));
const valueOf = (d: Delivery, name: string) => formOf(d).fields.find((f) => f.name === name)!.value;

describe("changing and cancelling an event", () => {
  let h: KernelHarness;
  let id: string;
  const rsvp = (who: Actor, at: string, answer: string) => h.press(who, CHANNEL, "events.rsvp", { event: id, at, answer });
  const runReminder = async (job: StoredJob) => {
    const def = h.kernel.registry.job("events.reminder")!;
    await h.kernel.runJob(def, job.payload, { key: job.key, dueAt: new Date(job.dueAt), lateMs: 0, signal: new AbortController().signal });
    return (await listJobs(h, "fanout")).filter((j) => j.key === `reminder:${job.key}`);
  };

  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    const scheduled = await h.submit(ANA, await h.say(ANA, CHANNEL, "event"), WEBINAR);
    id = (await h.deps.repos.events.upcoming((await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId, new Date(0)))[0]!.id;
    // The steward's private confirmation says how to change it, with buttons only they see.
    expect(texts(scheduled)[0]).toContain(`Change it with @CoP Companion edit event ${id} or cancel it with @CoP Companion cancel event ${id}`);
    expect(verbsOf(itemOf(scheduled, "reply"))).toEqual(["events.edit.open", "events.cancel.open"]);
    expect(verbsOf(itemOf(scheduled, "post"))).toEqual(["events.rsvp", "events.rsvp", "events.rsvp", "events.calendar.file"]);
  });

  it("moves one date: its answers stay, every space sees the new time, and its reminders move with it", async () => {
    await rsvp(BEN, FEB, "going");
    const shown = await h.say(ANA, CHANNEL, `edit event ${id} 2027-02-11`);
    expect(valueOf(shown, "scope")).toBe("occurrence");
    expect(valueOf(shown, "start")).toBe("2027-02-11T15:00");
    // Where a form cannot open by itself (Slack, after an @mention), its button opens this one again.
    expect(formOf(shown).reopen).toMatchObject({ verb: "events.edit.open", data: { event: id, at: FEB } });
    const done = await h.submit(ANA, shown, { "start.date": "2027-02-12", "start.time": "16:30", "start.zone": "Europe/Rome", title: "DMP clinic" });
    expect(kinds(done)).toEqual(["reply", "post"]);
    expect(texts(done)[0]).toMatch(/DMP clinic is changed for that date only, and every space of Data Stewards is told/);
    const changed = itemOf(done, "post");
    expect(changed.title).toBe("Changed: DMP clinic");
    expect(raw(changed)).toContain(`on <time:${FEB}|`);
    expect(raw(changed)).toContain("<time:2027-02-12T15:30:00Z|");
    expect(texts(done)[1]).toMatch(/Going: 1 · Maybe: 0 · Not going: 0/);
    // Ben, who said he is going, is told directly too.
    const dms = (await listJobs(h, "fanout")).filter((j) => j.key.startsWith("events-change:"));
    expect(dms.map((j) => [j.payload.audience, (j.payload.card as { presenter: string }).presenter])).toEqual([[{ kind: "people", people: [BEN.personKey] }, "events.changed"]]);
    // Its buttons still answer the date by its original instant.
    const going = await h.press(SLACK_CAROL, CHANNEL, "events.rsvp", { event: id, at: FEB, answer: "maybe" });
    expect(texts(going)[0]).toMatch(/You said you may go to DMP clinic on Friday, February 12, 2027/);
    expect(texts(going)[1]).toMatch(/Going: 1 · Maybe: 1/);

    const reminders = await listJobs(h, "events.reminder");
    const old = reminders.find((j) => j.payload.occurrence === FEB && j.payload.offset === "PT1H")!;
    const moved = reminders.find((j) => j.payload.occurrence === "2027-02-12T15:30:00Z" && j.payload.offset === "PT1H")!;
    expect(moved.dueAt).toBe("2027-02-12T14:30:00.000Z");
    h.setNow(old.dueAt);
    expect(await runReminder(old)).toEqual([]);
    h.setNow(moved.dueAt);
    const [fanout] = await runReminder(moved);
    expect(fanout?.payload).toMatchObject({ card: { presenter: "events.reminder", data: { title: "DMP clinic", at: "2027-02-12T15:30:00Z", occurrence: FEB, tally: { going: 1, maybe: 1, no: 0 } } } });
  });

  it("changes the whole series: the rule is recomputed, answers and cancellations move with their dates, and reminders of dates that no longer exist send nothing", async () => {
    const [firstReminder] = await listJobs(h, "events.reminder");
    await rsvp(BEN, FEB, "going");
    await h.submit(ANA, await h.say(ANA, CHANNEL, `cancel event ${id} 2027-03-11`), { scope: "occurrence" });
    const shown = await h.press(ANA, CHANNEL, "events.edit.open", { event: id });
    expect(formOf(shown).fields.map((f) => f.name)).not.toContain("scope");
    const done = await h.submit(ANA, shown, { "start.date": "2027-01-14", "start.time": "17:00", "start.zone": "Europe/Rome", recurrence: "biweekly" });
    expect(texts(done)[0]).toMatch(/is changed, every date of it/);
    expect(raw(itemOf(done, "post"))).toContain("<time:2027-01-14T16:00:00Z|");
    const listed = texts(await h.say(BEN, CHANNEL, "events"))[0]!;
    expect(listed).toMatch(/Data management plans \(Webinar\): next .*January 14, 2027.*; Every 2 weeks/);
    h.setNow(firstReminder!.dueAt);
    expect(await runReminder(firstReminder!)).toEqual([]);
    const next = (await listJobs(h, "events.reminder")).find((j) => j.payload.occurrence === "2027-01-14T16:00:00Z" && j.payload.offset === "P1D")!;
    expect(next.dueAt).toBe("2027-01-13T16:00:00.000Z");
    // 11 February is now at 17:00 (16:00 UTC) with Ben's answer; 11 March stays cancelled; 25 February is new.
    const communityId = (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
    expect(await h.deps.repos.events.tally(communityId, id, "2027-02-11T16:00:00Z")).toEqual({ going: 1, maybe: 0, no: 0 });
    expect(texts(await rsvp(BEN, "2027-03-11T16:00:00Z", "going"))[0]).toMatch(/is cancelled, so there is nothing to answer/);
    expect(texts(await rsvp(BEN, "2027-02-25T16:00:00Z", "maybe"))[0]).toMatch(/You said you may go to Data management plans on Thursday, February 25, 2027/);
  });

  it("changes the whole series from one of its dates: every date moves in step with the one shown", async () => {
    const shown = await h.say(ANA, CHANNEL, `edit event ${id} 2027-02-11`);
    await h.submit(ANA, shown, { scope: "series", "start.date": "2027-02-11", "start.time": "16:00", "start.zone": "Europe/Rome", minutes: "60" });
    const communityId = (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
    const stored = (await h.deps.repos.events.get(communityId, id))!.value;
    expect([stored.start, stored.minutes, stored.changes ?? []]).toEqual(["2027-01-14T16:00", 60, []]);
    expect(texts(await h.say(BEN, CHANNEL, "events"))[0]).toMatch(/next Thursday, January 14, 2027 at 3:00 PM UTC/);
  });

  it("says so, keeping what was typed, when no more of a series' dates fit changes of their own", async () => {
    await h.say(ANA, CHANNEL, `edit event ${id}`).then((shown) => h.submit(ANA, shown, { recurrence: "weekly", "start.zone": "Europe/Rome" }));
    const agenda = "A long agenda. ".repeat(100);
    let refused: Delivery | undefined;
    for (let week = 0; week < 30 && !refused; week++) {
      const day = new Date(Date.parse("2027-01-14T12:00:00Z") + week * 7 * 86_400_000).toISOString().slice(0, 10);
      const done = await h.submit(ANA, await h.say(ANA, CHANNEL, `edit event ${id} ${day}`), { agenda, "start.zone": "Europe/Rome" });
      if (kinds(done)[0] === "form") refused = done;
    }
    expect(formOf(refused!).error).toMatch(/So many dates of this event have their own changes that no more fit/);
    expect(valueOf(refused!, "agenda")).toBe(agenda);
  });

  it("refuses an edit another steward saved meanwhile with 'changed by someone else', the current values and the person's own entries", async () => {
    await h.say(BEN, CHANNEL, "events");
    await h.say(ANA, CHANNEL, "assign co-facilitator @1", [{ id: "29:ben", name: "Ben" }]);
    const anas = await h.say(ANA, CHANNEL, `edit event ${id}`);
    const bens = await h.say(BEN, CHANNEL, `edit event ${id}`);
    expect(kinds(await h.submit(BEN, bens, { title: "DMP clinic", "start.zone": "Europe/Rome" }))).toEqual(["reply", "post"]);

    const refused = await h.submit(ANA, anas, { agenda: "Templates we use", "start.zone": "Europe/Rome" });
    expect(kinds(refused)).toEqual(["form"]);
    expect(formOf(refused).error).toMatch(/\*\*DMP clinic\*\* was changed by someone else after you opened this form, so nothing was saved/);
    expect(fieldErrors(refused)).toEqual({ title: "Changed meanwhile by someone else to: DMP clinic" });
    expect(valueOf(refused, "title")).toBe("DMP clinic");
    expect(valueOf(refused, "agenda")).toBe("Templates we use");
    // Submitted again, it saves both changes.
    const saved = await h.submit(ANA, refused, { "start.zone": "Europe/Rome" });
    expect(kinds(saved)).toEqual(["reply", "post"]);
    const stored = (await h.deps.repos.events.get((await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId, id))!.value;
    expect([stored.title, stored.agenda]).toEqual(["DMP clinic", "Templates we use"]);
  });

  it("cancels one date: every space and those going or maybe are told, its reminders send nothing, answers to it are refused", async () => {
    await rsvp(BEN, FEB, "going");
    await rsvp(SLACK_CAROL, FEB, "maybe");
    await rsvp(ANA, FEB, "no");
    await rsvp(ANA, "2027-01-14T14:00:00Z", "going");
    const shown = await h.say(ANA, CHANNEL, `cancel event ${id} 2027-02-11`);
    expect(kinds(shown)).toEqual(["reply", "form"]);
    expect(raw(itemOf(shown, "reply"))).toContain(`You are cancelling **Data management plans** on <time:${FEB}|`);
    const done = await h.submit(ANA, shown, { scope: "occurrence", message: "Room *unavailable*; see you in March." });
    expect(kinds(done)).toEqual(["reply", "post"]);
    expect(texts(done)[0]).toMatch(/is cancelled and every space of Data Stewards is told. 2 people who said they would come get a direct message/);
    expect(texts(done)[1]).toMatch(/^Cancelled: Data management plans\nData management plans on .* is cancelled.\nMessage from the organisers\nRoom \*unavailable\*; see you in March\./);
    expect(verbsOf(itemOf(done, "post"))).toEqual([]);
    const dms = (await listJobs(h, "fanout")).filter((j) => j.key.startsWith("events-cancel:"));
    expect(dms).toHaveLength(1);
    expect((dms[0]!.payload.audience as { people: string[] }).people.sort()).toEqual([SLACK_CAROL.personKey, BEN.personKey]);
    expect(dms[0]!.payload.card).toMatchObject({ presenter: "events.cancelled", data: { personal: true, at: FEB } });

    const refused = await rsvp(BEN, FEB, "going");
    expect(refused.items.map((i) => [i.kind, i.kind === "reply" ? i.secret : i.kind === "replace" ? i.for : ""])).toEqual([
      ["reply", true],
      ["replace", "everyone"],
    ]);
    expect(texts(refused)[0]).toMatch(/Data management plans on .* is cancelled, so there is nothing to answer/);
    expect(verbsOf(itemOf(refused, "replace"))).toEqual([]);
    expect(await h.deps.repos.events.tally((await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId, id, FEB)).toEqual({ going: 1, maybe: 1, no: 1 });

    h.setNow("2027-01-20T09:00:00Z");
    await h.say(ANA, CHANNEL, "events");
    const feb = (await listJobs(h, "events.reminder")).filter((j) => j.payload.occurrence === FEB);
    expect(feb).toHaveLength(2);
    for (const job of feb) {
      h.setNow(job.dueAt);
      expect(await runReminder(job)).toEqual([]);
    }
    h.setNow("2027-01-20T09:00:00Z");
    expect(texts(await h.say(BEN, CHANNEL, "events"))[0]).toMatch(/next Thursday, March 11, 2027/);
    expect(texts(await h.say(ANA, CHANNEL, `cancel event ${id} 2027-02-11`))[0]).toMatch(/has no date on 2027-02-11/);
  });

  it("cancels the series: no longer listed, answers refused, only stewards may", async () => {
    expect(texts(await h.say(BEN, CHANNEL, `cancel event ${id}`))[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
    await rsvp(BEN, "2027-01-14T14:00:00Z", "maybe");
    const shown = await h.press(ANA, CHANNEL, "events.cancel.open", { event: id });
    expect(formOf(shown).fields.map((f) => f.name)).toEqual(["message"]);
    const done = await h.submit(ANA, shown, {});
    expect(texts(done)[1]).toMatch(/Data management plans is cancelled: none of its dates take place/);
    expect((await listJobs(h, "fanout")).filter((j) => j.key.startsWith("events-cancel:")).map((j) => j.payload.audience)).toEqual([{ kind: "people", people: [BEN.personKey] }]);
    expect(texts(await h.say(BEN, CHANNEL, "events"))[0]).toMatch(/Nothing is scheduled yet/);
    expect(texts(await rsvp(BEN, "2027-03-11T14:00:00Z", "going"))[0]).toMatch(/is cancelled, so there is nothing to answer/);
    expect(texts(await h.say(ANA, CHANNEL, `edit event ${id}`))).toEqual(["That is cancelled already."]);
    expect(texts(await h.say(ANA, CHANNEL, "edit event nope"))[0]).toMatch(/No upcoming event has the id nope/);
  });
});
