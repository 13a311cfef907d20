import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, cardText, formOf, kernelOnRealStore, kinds, listJobs, texts, type KernelHarness, type StoredJob } from "../support/core.js";

/** The programme plan: a plan becomes exactly the events and jobs it describes, once confirmed; undo removes them. */
const SLACK_READER = { locale: "en", platform: "slack", personal: false } as const;
const ROME_YEAR = { source: "builtIn", start: "2027-01-01", zone: "Europe/Rome" };

const replyCard = (d: Delivery): Card => d.items.find((i) => i.kind === "reply")!.card;
const confirmData = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.verb === "plan.confirm")!.data;
const fieldErrors = (d: Delivery) => Object.fromEntries(formOf(d).fields.filter((f) => f.error).map((f) => [f.name, f.error]));
const runJob = (h: KernelHarness, job: StoredJob) =>
  h.kernel.runJob(h.kernel.registry.job(job.kind)!, job.payload, { key: job.key, dueAt: new Date(job.dueAt), lateMs: 0, signal: new AbortController().signal });
const communityId = async (h: KernelHarness) => (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
const pending = async (h: KernelHarness, kind: string) => (await listJobs(h, kind)).filter((j) => j.status === "pending");

/** Ana imports the built-in year from 1 January 2027 in Rome and sees it shown back; returns the preview. */
async function preview(h: KernelHarness, values: Record<string, string> = ROME_YEAR): Promise<Delivery> {
  const form = await h.say(ANA, CHANNEL, "plan import");
  expect(kinds(form)).toEqual(["form"]);
  return h.submit(ANA, form, values);
}

describe("importing the built-in one-year plan", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    await h.say(BEN, CHANNEL, "charter");
  });

  it("shows every step with its date first and creates nothing until Confirm", async () => {
    const shown = await preview(h);
    expect(kinds(shown)).toEqual(["reply"]);
    const text = cardText(replyCard(shown));
    expect(text).toMatch(/17 steps from 2027-01-01: 6 events, 1 survey and 10 other steps. Nothing is created until you confirm./);
    expect(text).toMatch(/To do: Define the community's purpose/);
    expect(text).toMatch(/Orientation: Orientation \(90 minutes\)/);
    expect(text).toMatch(/Webinar: Webinar 1 \(60 minutes\)/);
    expect(text).toMatch(/Report to the sponsors/);
    // Dates are instants, shown by each platform in its reader's zone.
    expect(JSON.stringify(replyCard(shown).blocks)).toContain("<time:2027-03-09T14:00:00Z|");
    const id = await communityId(h);
    expect(await h.deps.repos.events.all(id)).toEqual([]);
    expect(await listJobs(h, "plan.step")).toEqual([]);
    expect(await h.deps.repos.plans.activeId(id)).toBeUndefined();
    // A preview confirmed after its first date has passed creates nothing either.
    h.setNow("2027-01-02T00:00:00Z");
    expect(texts(await h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(shown))))[0]).toMatch(/This preview waited too long: its step of .* is already past, so nothing was created/);
    expect(await h.deps.repos.events.all(id)).toEqual([]);
    expect(await listJobs(h, "plan.step")).toEqual([]);
  });

  it("becomes exactly the events and jobs it describes on Confirm, at 15:00 in Rome before and after summer time", async () => {
    const shown = await preview(h);
    const done = await h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(shown)));
    expect(texts(done)[0]).toMatch(/The plan One-year programme is in place for Data Stewards: 6 events announced and 11 steps scheduled/);
    // Each event is announced in the community's spaces, as a steward's event would be.
    expect(done.items.filter((i) => i.kind === "post").map((i) => i.card.title)).toEqual(["Orientation", "Webinar 1", "Webinar 2", "Webinar 3", "Webinar 4", "Wrap-up session"]);

    const id = await communityId(h);
    const events = (await h.deps.repos.events.all(id)).sort((a, b) => a.firstAt.localeCompare(b.firstAt));
    expect(events.map((e) => [e.title, e.kind, e.firstAt, e.minutes])).toEqual([
      // 2nd Tuesday of March, before Europe's change to summer time on 28 March: UTC+1.
      ["Orientation", "orientation", "2027-03-09T14:00:00Z", 90],
      // From April on, summer time: UTC+2, the same 15:00 on the wall clock.
      ["Webinar 1", "webinar", "2027-04-13T13:00:00Z", 60],
      ["Webinar 2", "webinar", "2027-05-11T13:00:00Z", 60],
      ["Webinar 3", "webinar", "2027-06-08T13:00:00Z", 60],
      ["Webinar 4", "webinar", "2027-07-13T13:00:00Z", 60],
      ["Wrap-up session", "wrap-up", "2027-09-14T13:00:00Z", 90],
    ]);
    expect(events.every((e) => e.recurrence === "none" && e.guideBefore === "P7D" && e.zone === "Europe/Rome")).toBe(true);

    const steps = await listJobs(h, "plan.step");
    expect(steps.map((j) => j.dueAt)).toEqual([
      "2027-01-01T08:00:00.000Z", // month 1: define purpose (09:00 CET)
      "2027-02-01T08:00:00.000Z", // month 2: confirm participants
      "2027-03-01T08:00:00.000Z", // month 3: digest on
      "2027-03-11T08:00:00.000Z", // the post-event survey, after the orientation
      "2027-03-23T08:00:00.000Z", // the orientation's follow-up
      "2027-04-06T07:00:00.000Z", // guide and readings for each webinar (09:00 CEST)
      "2027-05-04T07:00:00.000Z",
      "2027-06-01T07:00:00.000Z",
      "2027-07-06T07:00:00.000Z",
      "2027-08-01T07:00:00.000Z", // follow-up and the call for success stories
      "2027-10-01T07:00:00.000Z", // the report to the sponsor
    ]);
    // Reminders (a day and an hour before) and the follow-up after each event, as for any event.
    expect((await listJobs(h, "events.reminder")).length).toBe(12);
    expect((await listJobs(h, "events.after")).length).toBe(6);

    // Importing again is refused while this plan is active.
    expect(texts(await h.say(ANA, CHANNEL, "plan import"))[0]).toMatch(/Data Stewards follows a plan already. Undo it first with .*plan undo/);
    // The preview's button pressed again creates nothing more.
    expect(texts(await h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(shown))))[0]).toMatch(/no longer waiting for confirmation/);
    expect((await h.deps.repos.events.all(id)).length).toBe(6);
  });

  it("shows where the community stands, and its steps come due to those who do them", async () => {
    await h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(await preview(h))));
    const first = cardText(replyCard(await h.say(BEN, CHANNEL, "plan")));
    expect(first).toMatch(/0 of 17 steps done. Next: .*To do: Define the community's purpose/);

    h.setNow("2027-03-12T10:00:00Z");
    const later = cardText(replyCard(await h.say(BEN, CHANNEL, "plan")));
    expect(later).toMatch(/5 of 17 steps done. Next: .*To do: Post the orientation follow-up/);
    expect(later).toMatch(/✓ Done/);
    expect(later).toMatch(/Later/);

    const [purpose, , digest, survey] = await listJobs(h, "plan.step");
    await runJob(h, purpose!);
    await runJob(h, digest!);
    await runJob(h, survey!);
    const fanouts = (await listJobs(h, "fanout")).filter((j) => j.key.startsWith("plan:"));
    const task = fanouts.find((f) => f.key.endsWith(":0"))!.payload as { audience: unknown; card: { presenter: string; data: unknown } };
    expect(task.audience).toMatchObject({ kind: "members", roles: ["facilitator", "co-facilitator"] });
    expect(cardText(h.kernel.presentToAll(task.card, SLACK_READER))).toMatch(/It is time, as planned: Define the community's purpose/);
    const digestCard = fanouts.find((f) => f.key.endsWith(":2"))!.payload as { card: { presenter: string; data: unknown } };
    expect(cardText(h.kernel.presentToAll(digestCard.card, SLACK_READER))).toMatch(/The plan has turned on the weekly digest. Type \/cop digest to see when it goes out/);
    // The digest step turned the digest on, as `digest weekly on DAY at HH:MM` would, and its first run is scheduled.
    const schedule = (await h.deps.repos.summaries.schedule(await communityId(h)))?.value;
    expect(schedule).toMatchObject({ on: true, cadenceWeeks: 1 });
    // Its first digest is the step's own date and time, not a week later.
    const digestStep = (await h.deps.repos.plans.get(await communityId(h), String((digest!.payload as { planId: string }).planId)))!.value.steps.find((s) => s.step.kind === "digest")!;
    expect((await listJobs(h, "summaries.digest")).map((j) => j.dueAt)).toEqual([new Date(digestStep.at).toISOString()]);
    // The survey step starts the post-event feedback survey for the whole community, announced in every space.
    expect(fanouts.find((f) => f.key.endsWith(":survey"))!.payload).toMatchObject({ audience: { kind: "spaces" }, card: { presenter: "surveys.announcement" } });
    const surveys = await h.deps.repos.surveys.open(await communityId(h));
    expect(surveys.map((s) => [s.template, s.closesAt])).toEqual([["postEvent", "2027-03-19T10:00:00.000Z"]]);
  });

  it("undoes exactly what the import created, and says what it removed", async () => {
    await h.say(ANA, CHANNEL, "event Coffee chat on 2027-03-02 at 10:00 Europe/Rome for 30m");
    await h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(await preview(h))));
    h.setNow("2027-04-01T10:00:00Z");
    const undone = await h.say(ANA, CHANNEL, "plan undo");
    // The orientation was held already: it stays; the five events ahead are cancelled, and the 6 steps still ahead removed.
    expect(texts(undone)[0]).toMatch(/The plan One-year programme is undone: 5 events cancelled and 6 scheduled steps removed/);
    expect(texts(undone)[1]).toMatch(/Cancelled: Webinar 1, Webinar 2, Webinar 3, Webinar 4, Wrap-up session/);
    expect(kinds(undone)).toContain("post");
    const id = await communityId(h);
    const events = await h.deps.repos.events.all(id);
    expect(events.filter((e) => !e.cancelled).map((e) => e.title).sort()).toEqual(["Coffee chat", "Orientation"]);
    expect((await pending(h, "plan.step")).filter((j) => j.dueAt > "2027-04-01")).toEqual([]);
    expect((await pending(h, "events.reminder")).filter((j) => String(j.key).includes(events.find((e) => e.title === "Webinar 1")!.id))).toEqual([]);
    // The coffee chat, not part of the plan, keeps its reminders.
    expect((await pending(h, "events.reminder")).some((j) => String(j.key).includes(events.find((e) => e.title === "Coffee chat")!.id))).toBe(true);
    // With no plan active, a new one may be imported.
    expect(texts(await h.say(BEN, CHANNEL, "plan"))[0]).toMatch(/follows no programme plan yet/);
    expect(kinds(await h.say(ANA, CHANNEL, "plan import"))).toEqual(["form"]);
  });
});

describe("undoing a plan after some of its steps ran, or after a confirmation cut short", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
  });

  it("turns off the digest the plan turned on, and names the plan's survey still open", async () => {
    await h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(await preview(h))));
    h.setNow("2027-03-12T10:00:00Z");
    const [, , digest, survey] = await listJobs(h, "plan.step");
    await runJob(h, digest!);
    await runJob(h, survey!);
    const id = await communityId(h);
    const [opened] = await h.deps.repos.surveys.open(id);

    const undone = texts(await h.say(ANA, CHANNEL, "plan undo"));
    expect(undone).toContainEqual(expect.stringMatching(/The digest the plan turned on is off again/));
    expect(undone).toContainEqual(expect.stringMatching(new RegExp(`survey ${opened!.id} stays open .*close survey ${opened!.id}`)));
    expect((await h.deps.repos.summaries.schedule(id))?.value.on).toBe(false);
    // Those answering it keep their survey.
    expect((await h.deps.repos.surveys.open(id)).map((s) => s.id)).toEqual([opened!.id]);
  });

  it("leaves a digest a steward has set since", async () => {
    await h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(await preview(h))));
    h.setNow("2027-03-12T10:00:00Z");
    await runJob(h, (await listJobs(h, "plan.step"))[2]!);
    await h.say(ANA, CHANNEL, "digest weekly on friday at 16:00 Europe/Rome");
    const undone = texts(await h.say(ANA, CHANNEL, "plan undo"));
    expect(undone.join("\n")).not.toMatch(/digest/i);
    expect((await h.deps.repos.summaries.schedule(await communityId(h)))?.value).toMatchObject({ on: true, day: "friday" });
  });

  it("carries on a confirmation cut short before the plan was saved, without a second copy of any event", async () => {
    const shown = await preview(h);
    const plans = h.deps.repos.plans;
    const update = plans.update.bind(plans);
    plans.update = () => Promise.reject(new Error("storage went away"));
    await expect(h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(shown)))).rejects.toThrow(/storage went away/);
    plans.update = update;
    const id = await communityId(h);
    expect((await h.deps.repos.events.all(id)).length).toBe(6);

    // Pressed again, the same plan carries on: the six events, once each, announced now.
    const done = await h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(shown)));
    expect(texts(done)[0]).toMatch(/6 events announced and 11 steps scheduled/);
    expect(done.items.filter((i) => i.kind === "post").length).toBe(6);
    expect((await h.deps.repos.events.all(id)).length).toBe(6);
    expect((await listJobs(h, "events.reminder")).length).toBe(12);
  });

  it("undoes a confirmation cut short: the events it made are found although the plan never recorded them", async () => {
    const shown = await preview(h);
    const plans = h.deps.repos.plans;
    const update = plans.update.bind(plans);
    plans.update = () => Promise.reject(new Error("storage went away"));
    await expect(h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(shown)))).rejects.toThrow();
    plans.update = update;
    expect(texts(await h.say(ANA, CHANNEL, "plan undo"))[0]).toMatch(/undone: 6 events cancelled/);
    expect((await h.deps.repos.events.all(await communityId(h))).every((e) => e.cancelled)).toBe(true);
  });
});

describe("a plan file", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    await h.say(BEN, CHANNEL, "charter");
  });

  const BAD = ["start: 2027-01", "steps:", "  - month: 1", "    kind: task", "    text: Define purpose", "  - month: 30", "    kind: event", "    title: Orientation", '    time: "25:00"', "  - month: 2", "    kind: survey", ""].join("\n");

  it("with 3 errors gets all 3 with their lines, keeps what was pasted, and schedules nothing", async () => {
    const refused = await preview(h, { source: "file", file: BAD, start: "", zone: "Europe/Rome" });
    expect(kinds(refused)).toEqual(["form"]);
    const error = fieldErrors(refused).file!;
    expect(error).toMatch(/The plan has 3 errors:/);
    expect(error).toMatch(/line 6, steps\[2\]\.month: Number must be less than or equal to 24/);
    expect(error).toMatch(/line 9, steps\[2\]\.time: a time as HH:MM/);
    expect(error).toMatch(/line 10, steps\[3\]\.template: is required/);
    expect(formOf(refused).fields.find((f) => f.name === "file")!.value).toBe(BAD);
    const id = await communityId(h);
    expect(await h.deps.repos.events.all(id)).toEqual([]);
    expect(await listJobs(h, "plan.step")).toEqual([]);
  });

  it("in JSON, with its own start month, becomes its events and steps", async () => {
    const file = JSON.stringify({ name: "Pilot", start: "2027-02", zone: "America/New_York", steps: [{ month: 1, kind: "event", event: "meeting", title: "Kick-off", day: 10, time: "11:00" }, { month: 2, kind: "report", to: "stewards" }] });
    const shown = await preview(h, { source: "file", file, start: "", zone: "" });
    expect(cardText(replyCard(shown))).toMatch(/2 steps from 2027-02-01: 1 event, no surveys and 1 other step/);
    await h.press(ANA, CHANNEL, "plan.confirm", confirmData(replyCard(shown)));
    const [event] = await h.deps.repos.events.all(await communityId(h));
    expect([event!.title, event!.firstAt, event!.zone]).toEqual(["Kick-off", "2027-02-10T16:00:00Z", "America/New_York"]);
    expect((await listJobs(h, "plan.step")).map((j) => j.dueAt)).toEqual(["2027-03-01T14:00:00.000Z"]);
  });

  it("cannot be imported by a member", async () => {
    expect(texts(await h.say(BEN, CHANNEL, "plan import"))[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
    expect(texts(await h.press(BEN, CHANNEL, "plan.confirm", { plan: "anything" }))[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
    expect(texts(await h.say(BEN, CHANNEL, "plan undo"))[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
  });
});
