import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { choiceOf } from "../../src/core/workflows/events/afterForms.js";
import { ATTENDANCE_OPEN } from "../../src/core/workflows/events/afterPresenters.js";
import { ANA, BEN, CHANNEL, SLACK_CAROL, SLACK_CHANNEL, cardText, formOf, kernelOnRealStore, kinds, listJobs, texts, type Actor, type KernelHarness } from "../support/core.js";
import { DEV, linkedWithRsvps } from "../support/rsvpWorld.js";

/** A survey's audience: one space, an event date's attendees, or its RSVPs; only they answer and count. */
const BEN_CHAT = { spaceKey: "teams:tenant-1:a:1on1-ben", platform: "teams", displayName: "", personal: true } as const;
const FEEDBACK = { template: "postEvent", title: "Feedback on the call", privacy: "anonymous", visibility: "live", "deadline.date": "2026-12-20", "deadline.time": "17:00", "deadline.zone": "Europe/Rome" };
const ANSWERS = { q1: "4", q2: "1", q3: ["0"], q4: "9", q5: "" };

const actionsOf = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));
const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")?.card;
type Fanout = { audience: { kind: string; people?: string[]; roles?: string[] }; card: { presenter: string; data: Record<string, unknown> } };

describe("survey audiences", () => {
  let h: KernelHarness;
  let eventId: string;
  let communityId: string;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    ({ eventId, communityId } = await linkedWithRsvps(h));
    h.setNow("2026-12-04T09:00:00Z");
  });

  const start = async (values: Record<string, unknown>, where = CHANNEL) => h.submit(ANA, await h.say(ANA, where, "survey"), { ...FEEDBACK, ...values });
  const idIn = (text: string) => /id ([A-Z0-9]{6})/.exec(text)![1]!;
  const fanouts = async (prefix: string) => (await listJobs(h, "fanout")).filter((j) => j.key.startsWith(prefix)).map((j) => j.payload as unknown as Fanout);
  const openForm = (who: Actor, where: typeof CHANNEL | typeof SLACK_CHANNEL, id: string) => h.press(who, where, "surveys.answer.open", { survey: id, here: true });
  const progress = async (id: string) => cardText((await h.say(ANA, CHANNEL, `results ${id}`)).items[0]!.card);

  it("sends a survey for an event date's attendees by direct message only to them; only they answer and count", async () => {
    await h.deps.repos.events.confirmAttendance(communityId, { eventId, occurrence: "2026-12-03T14:00:00Z", people: [BEN.personKey], others: 2, by: ANA.personKey, at: "2026-12-03T16:00:00Z" });
    const started = await start({ audience: "attended", event: eventId, eventDate: "2026-12-03" });
    expect(posted(started)).toBeUndefined();
    const said = texts(started)[0]!;
    expect(said).toMatch(/is sent by direct message to 1 person; the facilitators see its announcement/);
    const id = idIn(said);
    const stewards = await fanouts(`surveys:${communityId}:${id}:stewards`);
    expect(stewards.map((f) => [f.audience.kind, f.audience.roles, f.card.presenter])).toEqual([["members", ["facilitator", "co-facilitator"], "surveys.announcement"]]);
    const invites = await fanouts(`surveys:${communityId}:${id}:invite`);
    expect(invites.map((f) => f.audience.people)).toEqual([[BEN.personKey]]);

    // Ben's DM holds the Answer button, which works from his own chat.
    const dm = h.kernel.presentToAll(invites[0]!.card, { locale: "en", platform: "teams", personal: true, timezone: "Europe/Rome" });
    expect(cardText(dm)).toMatch(/You are asked to answer Feedback on the call, open until/);
    const form = await h.press(BEN, BEN_CHAT, "surveys.answer.open", actionsOf(dm)[0]!.data);
    expect(kinds(form)).toEqual(["form"]);
    expect(texts(await h.submit(BEN, form, ANSWERS))[0]).toMatch(/recorded without your name/);

    // Carol (only "maybe", not there) and Dev are not asked: a polite private no, nothing stored.
    for (const [who, where] of [[SLACK_CAROL, SLACK_CHANNEL], [DEV, CHANNEL]] as const) {
      const refused = await openForm(who, where, id);
      expect(kinds(refused)).toEqual(["reply"]);
      expect(texts(refused)[0]).toBe("Feedback on the call asks only some people, and you are not one of them. Thank you all the same.");
    }
    expect(await progress(id)).toMatch(/1 of 1 answered/);
  });

  /** A survey started for those going or maybe (Ben, Carol): invited, answering and counted, Dev refused. Its id. */
  async function askedGoingOrMaybe(said: string): Promise<string> {
    expect(said).toMatch(/to 2 people/);
    const id = idIn(said);
    expect((await fanouts(`surveys:${communityId}:${id}:invite`)).flatMap((f) => f.audience.people).sort()).toEqual([SLACK_CAROL.personKey, BEN.personKey].sort());
    expect(kinds(await openForm(SLACK_CAROL, SLACK_CHANNEL, id))).toEqual(["form"]);
    expect(texts(await openForm(DEV, CHANNEL, id))[0]).toMatch(/asks only some people/);
    expect(await progress(id)).toMatch(/0 of 2 answered/);
    return id;
  }

  it("asks those who said going or maybe to a date; reminders reach only them", async () => {
    const said = texts(await start({ audience: "rsvp", event: eventId.slice(0, 8), eventDate: "2026-12-03" }))[0]!;
    const id = await askedGoingOrMaybe(said);
    // "Send reminder now" counts only the audience.
    expect(texts(await h.say(ANA, CHANNEL, `remind survey ${id}`))[0]).toMatch(/on its way to 2 members/);
  });

  it("asks one space: members of the other linked space are refused and not counted", async () => {
    const started = await start({ audience: "space" });
    expect(posted(started)).toBeDefined();
    const id = idIn(texts(started)[0]!);
    expect(kinds(await openForm(DEV, CHANNEL, id))).toEqual(["form"]);
    expect(texts(await openForm(SLACK_CAROL, SLACK_CHANNEL, id))[0]).toMatch(/asks only some people/);
    // Ana, Ben and Dev belong to the Teams channel; Carol to the Slack one.
    expect(await progress(id)).toMatch(/0 of 3 answered/);
  });

  it("asks the same audiences from a custom survey: those who said going or maybe, only they answer", async () => {
    const custom = { title: "Our own questions", questions: "Was the pace right? | rating\nAnything else? | text 300 | optional", privacy: "anonymous", visibility: "afterClose", "deadline.date": "2026-12-10", "deadline.time": "17:00", "deadline.zone": "Europe/Rome" };
    const said = texts(await h.submit(ANA, await h.say(ANA, CHANNEL, "custom survey"), { ...custom, audience: "rsvp", event: eventId, eventDate: "2026-12-03" }))[0]!;
    await askedGoingOrMaybe(said);
    // An event date that does not exist is a field error, with the questions kept.
    const wrongDay = await h.submit(ANA, await h.say(ANA, CHANNEL, "custom survey"), { ...custom, audience: "rsvp", event: eventId, eventDate: "2026-12-04" });
    expect(formOf(wrongDay).fields.find((f) => f.name === "eventDate")!.error).toBe("That event has no date on that day.");
    expect(formOf(wrongDay).fields.find((f) => f.name === "questions")!.value).toBe(custom.questions);
  });

  it("refuses a missing or unknown event or date as field errors, keeping what was typed", async () => {
    const none = await start({ audience: "attended", title: "Kept title" });
    expect(formOf(none).fields.find((f) => f.name === "event")!.error).toBe("Type the event ID its card shows.");
    expect(formOf(none).fields.find((f) => f.name === "title")!.value).toBe("Kept title");
    const unknown = await start({ audience: "rsvp", event: "ZZZZZZZZ", eventDate: "2026-12-03" });
    expect(formOf(unknown).fields.find((f) => f.name === "event")!.error).toBe("That event no longer exists.");
    const wrongDay = await start({ audience: "rsvp", event: eventId, eventDate: "2026-12-04" });
    expect(formOf(wrongDay).fields.find((f) => f.name === "eventDate")!.error).toBe("That event has no date on that day.");
    expect(await h.deps.repos.surveys.open(communityId)).toEqual([]);
  });

  it("starts the post-event feedback survey once per date, only for those who attended, when the community asks for it", async () => {
    const confirm = async (present: string[]) => h.submit(ANA, await h.press(ANA, CHANNEL, ATTENDANCE_OPEN, { event: eventId, at: "2026-12-03T14:00:00Z" }), { present: present.map(choiceOf), others: "1" });
    // Off by default: confirming attendance starts nothing.
    expect(texts(await h.say(ANA, CHANNEL, "survey after events"))[0]).toMatch(/do not start by themselves/);
    expect(texts(await confirm([BEN.personKey]))).toHaveLength(1);
    expect(await h.deps.repos.surveys.open(communityId)).toEqual([]);
    expect(texts(await h.say(BEN, CHANNEL, "survey after events on"))[0]).toMatch(/only for|facilitators|steward/i);
    expect(texts(await h.say(ANA, CHANNEL, "survey after events on"))[0]).toMatch(/From now on, when a steward confirms who attended/);

    const saved = texts(await confirm([BEN.personKey, SLACK_CAROL.personKey]));
    expect(saved[0]).toMatch(/Attendance for Monthly call/);
    expect(saved[1]).toMatch(/Feedback: Monthly call \(id F[0-9A-F]{9}\) is sent by direct message to 2 people/);
    const [survey] = await h.deps.repos.surveys.open(communityId);
    expect(survey).toMatchObject({ template: "postEvent", anonymous: true, audience: { kind: "attended", eventId }, closesAt: "2026-12-11T09:00:00.000Z" });
    const invites = await fanouts(`surveys:${communityId}:${survey!.id}:invite`);
    expect(invites.flatMap((f) => f.audience.people).sort()).toEqual([BEN.personKey, SLACK_CAROL.personKey].sort());
    expect(texts(await openForm(DEV, CHANNEL, survey!.id))[0]).toMatch(/asks only some people/);

    // Confirming the same date again starts no second survey and sends nothing more.
    expect(texts(await confirm([BEN.personKey]))).toHaveLength(1);
    expect(await h.deps.repos.surveys.open(communityId)).toHaveLength(1);
    expect(await fanouts(`surveys:${communityId}:${survey!.id}:invite`)).toHaveLength(2);
  });

  it("shows answered / asked per linked space and combined, counted from who answered (never stored with an answer), and keeps them at close", async () => {
    const id = idIn(texts(await start({}))[0]!);
    for (const [who, where] of [[BEN, CHANNEL], [SLACK_CAROL, SLACK_CHANNEL]] as const) expect(kinds(await h.submit(who, await openForm(who, where, id), ANSWERS))).toEqual(["reply"]);
    const rates = /Response rate by space[\s\S]*?All spaces: \d+ \/ \d+/;
    // Ana, Ben and Dev belong to the Teams channel; Carol to the Slack one.
    const open = (await progress(id)).match(rates)![0];
    expect(open).toContain("Data Stewards / General: 1 / 3");
    expect(open).toContain("#data-stewards: 1 / 1");
    expect(open).toContain("All spaces: 2 / 4");
    const closed = await h.say(ANA, CHANNEL, `close survey ${id}`);
    expect(closed.items.some((i) => cardText(i.card).includes("All spaces: 2 / 4"))).toBe(true);
    // After close the ballot key is gone: the counts shown are the ones kept at close.
    expect((await progress(id)).match(rates)![0]).toBe(open);
    for await (const row of h.tables.surveyResponses.listEntities()) for (const trace of [CHANNEL.spaceKey, SLACK_CHANNEL.spaceKey, "General"]) expect(JSON.stringify(row)).not.toContain(trace);
  });
});
