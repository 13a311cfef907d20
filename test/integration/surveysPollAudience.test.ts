import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, SLACK_CAROL, SLACK_CHANNEL, cardText, kernelOnRealStore, listJobs, texts, type KernelHarness } from "../support/core.js";
import { DEV, linkedWithRsvps } from "../support/rsvpWorld.js";

/** A quick poll's audience, typed on its line: this space only, or an event date's RSVPs or attendees. */
const actionsOf = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));
const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")?.card;
const vote = (card: Card, label: string) => actionsOf(card).find((a) => a.label === label)!.data;

describe("a quick poll's audience", () => {
  let h: KernelHarness;
  let eventId: string;
  let communityId: string;
  const postFanouts = async () => (await listJobs(h, "fanout")).filter((j) => j.key.startsWith("post:")).length;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    ({ eventId, communityId } = await linkedWithRsvps(h));
    await h.say(SLACK_CAROL, SLACK_CHANNEL, "surveys");
  });

  it("`poll here` is posted in this space only, counts only its members, and takes answers only from them", async () => {
    const before = await postFanouts();
    const done = await h.say(ANA, CHANNEL, 'poll here "Lunch?" Pizza Salad');
    expect(texts(done)[0]).toMatch(/Your anonymous poll \w+ is posted in this space only: it asks its 3 members\./);
    expect(await postFanouts()).toBe(before);
    const card = posted(done)!;
    expect(cardText(card)).toMatch(/0 of 3 answered/);
    expect(cardText(card)).toContain("Asks the members of this space only.");
    expect(texts(await h.press(BEN, CHANNEL, "surveys.vote", vote(card, "Pizza")))[1]).toMatch(/1 of 3 answered/);
    // Carol meets in the linked Slack channel: the poll does not ask her, and her press counts for nothing.
    expect(texts(await h.press(SLACK_CAROL, SLACK_CHANNEL, "surveys.vote", vote(card, "Salad")))).toEqual(["Lunch? asks only some people, and you are not one of them. Thank you all the same."]);
    const id = String(vote(card, "Pizza").survey);
    const closed = await h.say(ANA, CHANNEL, `close survey ${id}`);
    expect(texts(closed)[0]).toBe("Lunch? is closed. The results are posted in the space it asked.");
    expect(texts(closed)[1]).toMatch(/1 of 3 answered[\s\S]*Pizza: 1 \(100%\)\nSalad: 0 \(0%\)/);
    expect(await postFanouts()).toBe(before);
  });

  it("`poll for going EVENT DATE` lets only those going or maybe answer, across both platforms, and counts only them", async () => {
    const done = await h.say(ANA, CHANNEL, `poll for going ${eventId} 2026-12-03 "Coming by train?" Yes No`);
    expect(texts(done)[0]).toMatch(/is posted in every space of Data Stewards, and only the 2 people going \(or maybe\) to Monthly call on .*3 December 2026.* can answer/);
    const card = posted(done)!;
    expect(cardText(card)).toMatch(/0 of 2 answered/);
    expect(cardText(card)).toMatch(/Asks only those going \(or maybe\) to Monthly call/);
    expect(texts(await h.press(DEV, CHANNEL, "surveys.vote", vote(card, "Yes")))[0]).toMatch(/asks only some people, and you are not one of them/);
    expect(texts(await h.press(BEN, CHANNEL, "surveys.vote", vote(card, "Yes")))[1]).toMatch(/1 of 2 answered/);
    expect(texts(await h.press(SLACK_CAROL, SLACK_CHANNEL, "surveys.vote", vote(card, "No")))[1]).toMatch(/Yes: 1 \(50%\)\nNo: 1 \(50%\)[\s\S]*2 of 2 answered/);
    const stored = (await h.deps.repos.surveys.get(communityId, String(vote(card, "Yes").survey)))!.value;
    expect(stored.audience).toMatchObject({ kind: "rsvp", eventId, occurrence: "2026-12-03T14:00:00Z" });
  });

  it("without a date asks about the next date still to come (going) or the last one begun (attended)", async () => {
    const going = await h.say(ANA, CHANNEL, `named poll for going ${eventId} "Coming?" Yes No`.replace("named poll ", "poll named "));
    expect(texts(going)[0]).toMatch(/Your named poll .* only the 2 people going/);
    expect(texts(await h.say(ANA, CHANNEL, `poll for attended ${eventId} "Useful?" Yes No`))[0]).toMatch(/has no date to ask about that way: add the date as YYYY-MM-DD after its ID/);
    h.setNow("2026-12-04T09:00:00Z");
    await h.deps.repos.events.confirmAttendance(communityId, { eventId, occurrence: "2026-12-03T14:00:00Z", people: [DEV.personKey], others: 0, by: ANA.personKey, at: "2026-12-03T16:00:00Z" });
    const attended = await h.say(ANA, CHANNEL, `poll for attended ${eventId} "Useful?" Yes No`);
    expect(texts(attended)[0]).toMatch(/only the 1 person who attended Monthly call/);
    const card = posted(attended)!;
    expect(texts(await h.press(BEN, CHANNEL, "surveys.vote", vote(card, "Yes")))[0]).toMatch(/not one of them/);
    expect(texts(await h.press(DEV, CHANNEL, "surveys.vote", vote(card, "Yes")))[1]).toMatch(/1 of 1 answered/);
  });

  it("refuses a bad audience with the reason and the line as typed, and posts nothing", async () => {
    const cases: Array<[string, RegExp]> = [
      ['for going ZZZZ9999 "Coming?" Yes No', /No event of this community has the ID ZZZZ9999/],
      [`for going ${eventId} 2026-12-04 "Coming?" Yes No`, /takes place on no such date: type one of its dates as YYYY-MM-DD/],
      ['for going "Coming?" Yes No', /Say which event, by the ID its card shows/],
      [`for attended ${eventId} Useful? Yes No`, /With an audience, put the question in quotes/],
    ];
    for (const [line, reason] of cases) {
      const said = await h.say(ANA, CHANNEL, `poll ${line}`);
      expect(said.items.map((i) => [i.kind, i.kind === "reply" && i.secret])).toEqual([["reply", true]]);
      expect(texts(said)[0]).toMatch(reason);
      expect(texts(said)[0]).toContain(`Your poll was not posted: poll ${line}`);
    }
    expect(texts(await h.say(ANA, CHANNEL, "surveys"))[0]).toMatch(/No survey or poll is open/);
  });
});
