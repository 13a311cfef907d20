import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { resultFromCounts } from "../../src/core/workflows/surveys/counts.js";
import { recountedState, surveyState } from "../../src/core/workflows/surveys/tally.js";
import { createLogger } from "../../src/log.js";
import { memberFor } from "../../src/core/kernel/members.js";
import { TableSurveyBook } from "../../src/store/surveys/index.js";
import { ANA, CHANNEL, CHARTER_VALUES, kernelOnRealStore, numbered, texts, type KernelHarness } from "../support/core.js";

/** Votes are counted as they come (counter rows beside the answers), and the counts always equal a recount of the rows. */
const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
const optionData = (card: Card, label: string) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.label === label)!.data;
const person = (n: number) => numbered("Voter", n);

/** A poll posted through this instance, and another instance of the app: its own store objects (its own commits), the same storage. */
async function pollOnTwoInstances(h: KernelHarness, command: string, option: string) {
  const card = posted(await h.say(ANA, CHANNEL, command));
  const id = String(optionData(card, option).survey);
  const survey = (await h.deps.repos.surveys.get("community-1", id))!.value;
  const t = h.tables;
  return { survey, here: h.deps.repos.surveys, other: new TableSurveyBook(t.communities, t.surveyResponses, t.surveyKeys, createLogger("silent")) };
}

describe("counted votes", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
  });

  it("equal a recount of the rows after 100 concurrent votes, some of them people changing their answer at the same time", async () => {
    const card = posted(await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed Thu'));
    const id = String(optionData(card, "Tue").survey);
    const labels = ["Tue", "Wed", "Thu"];
    // 70 people vote; 30 of them vote again at the same moment with another choice (100 presses in all).
    // They are members already (an answer enrols no one: see surveys.test.ts).
    await Promise.all(Array.from({ length: 70 }, (_, n) => h.deps.repos.members.add(memberFor(person(n), { communityId: "community-1", spaceKey: CHANNEL.spaceKey, role: "member", now: "2026-11-23T08:00:00Z" }), { optedOut: false })));
    const presses = [...Array.from({ length: 70 }, (_, n) => [n, labels[n % 3]!] as const), ...Array.from({ length: 30 }, (_, n) => [n, labels[(n + 1) % 3]!] as const)];
    const delivered = await Promise.all(presses.map(([n, label]) => h.press(person(n), CHANNEL, "surveys.vote", optionData(card, label))));
    expect(delivered.every((d) => /^You answered/.test(texts(d)[0]!))).toBe(true);

    const survey = (await h.deps.repos.surveys.get("community-1", id))!.value;
    expect(survey.counted).toBe(true);
    const counted = await surveyState(h.deps, survey);
    const recounted = await recountedState(h.deps, survey);
    expect(counted.answered).toBe(70);
    expect(recounted.answered).toBe(70);
    expect(counted.questions).toEqual(recounted.questions);
    expect(counted.questions[0]!.counts.reduce((a, b) => a + b, 0)).toBe(70);
    // The poll's card shows the counted numbers, the same as the recount.
    expect(texts(await h.say(ANA, CHANNEL, `results ${id}`))[0]).toMatch(new RegExp(`Tue: ${recounted.questions[0]!.counts[0]} .*\\nWed: ${recounted.questions[0]!.counts[1]} .*\\nThu: ${recounted.questions[0]!.counts[2]} `));
  }, 60_000);

  it("keeps scores, averages and NPS equal to a recount for a survey's rating and choice questions", async () => {
    const values = { template: "quarterlyPulse", title: "Pulse", privacy: "named", visibility: "live", "deadline.date": "2026-12-20", "deadline.time": "12:00", "deadline.zone": "UTC" };
    const done = await h.submit(ANA, await h.say(ANA, CHANNEL, "survey"), values);
    const id = String(posted(done).blocks.flatMap((b) => (b.type === "actions" ? b.actions : []))[0]!.data.survey);
    const survey = (await h.deps.repos.surveys.get("community-1", id))!.value;
    await Promise.all(Array.from({ length: 40 }, (_, n) => h.deps.repos.surveys.respond(survey, person(n % 25).personKey, { q1: 1 + (n % 5), q2: 1 + ((n * 3) % 5), q3: n % 11 })));
    const counts = await h.deps.repos.surveys.counts(survey);
    const recounted = await recountedState(h.deps, survey);
    expect(counts?.responses).toBe(25);
    // A survey with a free-text question lists its texts from rows; its counted questions still equal the recount.
    expect(survey.questions.filter((q) => q.kind !== "text").map((q) => resultFromCounts(q, counts!))).toEqual(recounted.questions.filter((q) => q.kind !== "text"));
  }, 60_000);

  it("equal a recount when two instances of the app take votes on the same poll at once", async () => {
    const { survey, here, other } = await pollOnTwoInstances(h, 'poll "Which room?" North South', "North");
    const books = [here, other];
    // 60 people answer, half through each instance; 20 of them change their answer through the other one at the same time.
    const votes = [...Array.from({ length: 60 }, (_, n) => [n, n % 2, n % 2] as const), ...Array.from({ length: 20 }, (_, n) => [n, (n + 1) % 2, 1 - (n % 2)] as const)];
    await Promise.all(votes.map(([n, book, option]) => books[book]!.respond(survey, person(n).personKey, { q1: option })));

    const counted = await surveyState(h.deps, survey);
    const recounted = await recountedState(h.deps, survey);
    expect(counted.answered).toBe(60);
    expect(recounted.answered).toBe(60);
    expect(counted.questions).toEqual(recounted.questions);
  }, 60_000);

  it("count once a changed answer that reaches an instance started after it was first given, among first answers at the same moment", async () => {
    const { survey, here, other } = await pollOnTwoInstances(h, 'poll "Which city?" Oslo Rome', "Oslo");
    // 30 people answer through this instance; then an instance that kept nothing (just started) takes 30 first
    // answers and those 30 people changing theirs, all at once.
    await Promise.all(Array.from({ length: 30 }, (_, n) => here.respond(survey, person(n).personKey, { q1: 0 })));
    const later = [...Array.from({ length: 30 }, (_, n) => [30 + n, 0] as const), ...Array.from({ length: 30 }, (_, n) => [n, 1] as const)];
    await Promise.all(later.map(([n, option]) => other.respond(survey, person(n).personKey, { q1: option })));

    const recounted = await recountedState(h.deps, survey);
    expect(recounted.questions[0]!.counts).toEqual([30, 30]);
    const counted = await surveyState(h.deps, survey);
    expect(counted.answered).toBe(60);
    expect(counted.questions).toEqual(recounted.questions);
  }, 60_000);

  it("refuse a vote through an instance that still holds the poll as open once another instance closed it, however recently it committed", async () => {
    const { survey, here, other } = await pollOnTwoInstances(h, 'poll "Which lunch?" Soup Salad', "Soup");
    // This instance has committed to the poll (it keeps the counters as it left them).
    expect((await here.respond(survey, person(0).personKey, { q1: 0 })).recorded).toBe(true);
    expect((await other.respond(survey, person(1).personKey, { q1: 0 })).recorded).toBe(true);
    const stored = (await other.get("community-1", survey.id))!;
    await other.close({ ...stored.value, status: "closed" }, stored.etag);
    // `survey` is still the open one this instance read: only storage can tell it the poll closed.
    expect((await here.respond(survey, person(0).personKey, { q1: 1 })).recorded).toBe(false);
    expect((await here.respond(survey, person(2).personKey, { q1: 1 })).recorded).toBe(false);
    expect((await other.respond(survey, person(3).personKey, { q1: 1 })).recorded).toBe(false);
    const recounted = await recountedState(h.deps, survey);
    expect(recounted.questions[0]!.counts).toEqual([2, 0]);
    expect((await surveyState(h.deps, survey)).questions).toEqual(recounted.questions);
  }, 60_000);

  it("refuse a vote on a poll closed before anyone answered it, through an instance that still holds it as open", async () => {
    const { survey, here, other } = await pollOnTwoInstances(h, 'poll named "Which tea?" Green Black', "Green");
    const stored = (await other.get("community-1", survey.id))!;
    await other.close({ ...stored.value, status: "closed" }, stored.etag);
    expect((await here.respond(survey, person(0).personKey, { q1: 0 })).recorded).toBe(false);
    expect((await recountedState(h.deps, survey)).answered).toBe(0);
    expect((await surveyState(h.deps, survey)).answered).toBe(0);
  }, 60_000);

  it("stay equal to a recount when another instance counted votes since this one last committed (what it kept is out of date)", async () => {
    const { survey, here, other } = await pollOnTwoInstances(h, 'poll "Which floor?" Ground First', "Ground");
    // This instance counts one vote and keeps what it wrote; then the other counts 100 more, one after the
    // other (all but surely moving the counter this one's voter counts on), and this one changes its voter's
    // answer; then each changes another voter's answer in turn.
    await here.respond(survey, person(0).personKey, { q1: 0 });
    for (let n = 1; n <= 100; n++) await other.respond(survey, person(n).personKey, { q1: 1 });
    await here.respond(survey, person(0).personKey, { q1: 1 });
    await here.respond(survey, person(1).personKey, { q1: 0 });
    await other.respond(survey, person(1).personKey, { q1: 1 });
    await here.respond(survey, person(2).personKey, { q1: 0 });

    const counted = await surveyState(h.deps, survey);
    const recounted = await recountedState(h.deps, survey);
    expect(recounted.answered).toBe(101);
    expect(recounted.questions[0]!.counts).toEqual([1, 100]);
    expect(counted.answered).toBe(101);
    expect(counted.questions).toEqual(recounted.questions);
  }, 60_000);
});
