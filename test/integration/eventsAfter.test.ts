import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { choiceOf } from "../../src/core/workflows/events/afterForms.js";
import { ANA, BEN, type Actor, CHANNEL, CHARTER_VALUES, PERSONAL, SLACK_CAROL, SLACK_CHANNEL, cardText, formOf, kernelOnRealStore, kinds, texts, type KernelHarness, listJobs } from "../support/core.js";

const DAN = { personKey: "slack:T1:U4", displayName: "Dan Li", locale: "en" } as const;
const EVE = { personKey: "teams:tenant-1:aad-eve", displayName: "Eve Moreau", locale: "en" } as const;


const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
const fieldErrors = (d: Delivery) => Object.fromEntries(formOf(d).fields.filter((f) => f.error).map((f) => [f.name, f.error]));
const fieldValue = (d: Delivery, name: string) => formOf(d).fields.find((f) => f.name === name)!.value;
const buttons = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));
const rsvpData = (card: Card, answer: string) => buttons(card).find((a) => a.data.answer === answer)!.data;

const FOLLOW_UP = {
  discussed: "How partners write *data management plans*.",
  decisions: "Adopt one template\nMeet again in January",
  actions: "Ana: share the template\nBen Okafor: collect examples",
  resources: "https://example.org/dmp-guide",
  recording: "https://example.org/recording",
  slides: "https://example.org/slides",
  nextSteps: "Try the template on one project.",
};

describe("after an event", () => {
  let h: KernelHarness;
  let eventId: string;
  const occurrence = "2026-12-03T14:00:00Z";
  const runAfter = async () => {
    const [due] = await listJobs(h, "events.after");
    h.setNow(due!.dueAt);
    await h.kernel.runJob(h.kernel.registry.job("events.after")!, due!.payload, { key: due!.key, dueAt: new Date(due!.dueAt), lateMs: 0, signal: new AbortController().signal });
    return due!;
  };
  /** The ask as it reaches a person's 1:1 chat: rendered for them at delivery, with its buttons. */
  const askFor = async (person: string) => {
    const fanout = (await listJobs(h, "fanout")).find((j) => j.key.startsWith("after:") && JSON.stringify(j.payload.audience).includes(person));
    return fanout && h.kernel.presentToAll(fanout.payload.card as { presenter: string; data: unknown }, { locale: "en", platform: "teams", personal: true, timezone: "Europe/Rome" });
  };
  const pressIn1on1 = (card: Card, label: string, who: Actor = ANA) => {
    const action = buttons(card).find((a) => a.label === label)!;
    return h.press(who, PERSONAL, action.verb, action.data);
  };

  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    const code = /link ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(texts(await h.say(ANA, CHANNEL, "link"))[0]!)![1]!;
    await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${code}`);
    const scheduled = await h.say(ANA, CHANNEL, "event Monthly call on 2026-12-03 at 15:00 Europe/Rome for 60m");
    const card = posted(scheduled);
    eventId = String(rsvpData(card, "going").event);
    await h.press(BEN, CHANNEL, "events.rsvp", rsvpData(card, "going"));
    await h.press(DAN, SLACK_CHANNEL, "events.rsvp", rsvpData(card, "going"));
    await h.press(SLACK_CAROL, SLACK_CHANNEL, "events.rsvp", rsvpData(card, "maybe"));
    await h.press(EVE, CHANNEL, "events.rsvp", rsvpData(card, "no"));
  });

  it("asks the steward who scheduled it, in their 1:1 chat, when the occurrence ends", async () => {
    const due = await runAfter();
    expect(due.dueAt).toBe("2026-12-03T15:00:00.000Z");
    const ask = (await askFor(ANA.personKey))!;
    expect(ask.title).toBe("How did Monthly call go?");
    expect(cardText(ask)).toMatch(/Going: 2 · Maybe: 1 · Not going: 1/);
    // Steward-only buttons survive delivery because they are sealed to her.
    expect(buttons(ask).map((b) => b.label)).toEqual(["Confirm attendance", "Write the follow-up"]);
    expect(await askFor(BEN.personKey)).toBeUndefined();
    // Someone else pressing her buttons gets nothing of the community.
    const stranger = await pressIn1on1(ask, "Confirm attendance", BEN);
    expect(kinds(stranger)).toEqual(["reply"]);
    expect(texts(stranger)[0]).toMatch(/Communities live in a channel or group chat/);
  });

  it("pre-fills attendance from the answers, stores it, and replaces it when confirmed again", async () => {
    await runAfter();
    const ask = (await askFor(ANA.personKey))!;
    const form = await pressIn1on1(ask, "Confirm attendance");
    expect(kinds(form)).toEqual(["form"]);
    const present = formOf(form).fields.find((f) => f.name === "present")!;
    expect(present.choices.map((c) => c.label)).toEqual(["Ben Okafor (Going)", "Dan Li (Going)", "Carol (Maybe)", "Eve Moreau (Not going)"]);
    expect(present.value).toEqual([choiceOf(BEN.personKey), choiceOf(DAN.personKey)]);
    // Only the people the form listed can be chosen: anyone else is the field's error, nothing saved.
    const forged = await h.submit(ANA, form, { present: [choiceOf(ANA.personKey)], others: "2" });
    expect(fieldErrors(forged)).toEqual({ present: `Not one of the choices: ${choiceOf(ANA.personKey)}.` });
    expect(formOf(forged).fields.find((f) => f.name === "present")!.choices).toHaveLength(4);
    const saved = await h.submit(ANA, form, { present: [choiceOf(BEN.personKey)], others: "2" });
    expect(texts(saved)[0]).toMatch(/Attendance for Monthly call on .* is saved: 3 people\.\nMarked as there: Ben Okafor\. Others who came: 2\./);
    const again = await pressIn1on1(ask, "Confirm attendance");
    expect(fieldValue(again, "present")).toEqual([choiceOf(BEN.personKey)]);
    expect(fieldValue(again, "others")).toBe("2");
    expect(texts(await h.submit(ANA, again, { present: [choiceOf(BEN.personKey), choiceOf(EVE.personKey)], others: "0" }))[0]).toMatch(/is updated: 2 people/);
    const stored = await h.deps.repos.events.attendance((await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId, eventId, occurrence);
    expect(stored).toMatchObject({ people: [BEN.personKey, EVE.personKey], others: 0 });
  });

  it("refuses bad follow-up input as field errors, keeping what was typed, and stores nothing", async () => {
    await runAfter();
    const form = await pressIn1on1((await askFor(ANA.personKey))!, "Write the follow-up");
    const insecure = await h.submit(ANA, form, { ...FOLLOW_UP, recording: "http://example.org/recording", actions: "share the template" });
    expect(fieldErrors(insecure)).toEqual({ recording: "Enter a web address starting with https://.", actions: "Write each action as owner: action. This line has no owner: share the template" });
    expect(fieldValue(insecure, "discussed")).toBe(FOLLOW_UP.discussed);
    expect(fieldValue(insecure, "recording")).toBe("http://example.org/recording");
    const long = "x".repeat(2001);
    const tooLong = await h.submit(ANA, form, { ...FOLLOW_UP, discussed: long });
    expect(fieldErrors(tooLong)).toEqual({ discussed: expect.stringMatching(/2000/) });
    expect(fieldValue(tooLong, "discussed")).toBe(long);
    expect(texts(await h.say(BEN, CHANNEL, "events past"))[0]).toMatch(new RegExp(`Monthly call \\(${eventId}\\): .*, no follow-up yet`));
  });

  it("posts the follow-up to every space, DMs those who said going or maybe but did not come, and updates it when posted again", async () => {
    await runAfter();
    const ask = (await askFor(ANA.personKey))!;
    await h.submit(ANA, await pressIn1on1(ask, "Confirm attendance"), { present: [choiceOf(BEN.personKey)], others: "0" });
    const done = await h.submit(ANA, await pressIn1on1(ask, "Write the follow-up"), FOLLOW_UP);
    expect(kinds(done)).toEqual(["reply", "post", "reply"]);
    expect(texts(done)[0]).toMatch(/posted in every space of the community, archived on the event and sent to those who missed it/);
    // Its three https links went into the community's library.
    expect(texts(done)[2]).toMatch(/3 links of the follow-up are now in the community's library/);
    // Pressed in her 1:1 chat, the post belongs to the community's space (the adapter puts it there).
    expect(done.space.spaceKey).toBe(CHANNEL.spaceKey);
    const card = texts(done)[1]!;
    expect(card).toMatch(/Follow-up: Monthly call/);
    expect(card).toMatch(/data management plans/);
    expect(card).toMatch(/Ana: share the template/);
    expect(card).toMatch(/Recording: https:\/\/example.org\/recording/);
    const fanouts = await listJobs(h, "fanout");
    // The other linked space gets the same card.
    expect(fanouts.filter((j) => j.key.startsWith("post:") && (j.payload.card as { presenter: string }).presenter === "events.followUp")).toHaveLength(1);
    const dms = fanouts.filter((j) => j.key.startsWith("followup:"));
    expect(dms.map((j) => (j.payload.audience as { people: string[] }).people.sort())).toEqual([[SLACK_CAROL.personKey, DAN.personKey].sort()]);
    const dm = h.kernel.presentToAll(dms[0]!.payload.card as { presenter: string; data: unknown }, { locale: "en", platform: "slack", personal: true });
    expect(cardText(dm)).toMatch(/We missed you at Monthly call/);

    const again = await h.submit(ANA, await pressIn1on1(ask, "Write the follow-up"), { ...FOLLOW_UP, nextSteps: "Bring one plan each." });
    expect(texts(again)[0]).toMatch(/updated in its archive and posted again/);
    expect(texts(again)[1]).toMatch(/Updated by a steward since it was first posted/);
    expect((await listJobs(h, "fanout")).filter((j) => j.key.startsWith("followup:"))).toHaveLength(1);
    expect(texts(await h.say(BEN, CHANNEL, "events past"))[0]).toMatch(new RegExp(`Monthly call \\(${eventId}\\): .*, follow-up posted`));
  });

  it("shows one event with names to a steward and counts to a member", async () => {
    await runAfter();
    const ask = (await askFor(ANA.personKey))!;
    await h.submit(ANA, await pressIn1on1(ask, "Confirm attendance"), { present: [choiceOf(BEN.personKey)], others: "1" });
    const steward = texts(await h.say(ANA, CHANNEL, `event ${eventId}`))[0]!;
    expect(steward).toMatch(/Going \(2\): Ben Okafor and Dan Li/);
    expect(steward).toMatch(/Maybe \(1\): Carol/);
    expect(steward).toMatch(/Attendance: 2 people: Ben Okafor/);
    expect(steward).toMatch(/No follow-up yet/);
    const member = texts(await h.say(BEN, CHANNEL, `event ${eventId}`))[0]!;
    expect(member).toMatch(/Going: 2 · Maybe: 1 · Not going: 1/);
    expect(member).toMatch(/Attendance: 2 people/);
    expect(member).not.toMatch(/Dan Li|Carol/);
    expect(texts(await h.say(BEN, CHANNEL, "event nope-123"))[0]).toMatch(/No event has the id nope-123/);
    expect(texts(await h.say(BEN, CHANNEL, "events"))[0]).toMatch(/Nothing is scheduled yet/);
  });

  it("keeps a long attendance list within what a Slack modal can carry, and those not listed count as others", async () => {
    const card = posted(await h.say(ANA, CHANNEL, "event Big call on 2026-12-10 at 15:00 Europe/Rome for 60m"));
    for (let i = 0; i < 40; i++) {
      const person = { personKey: `slack:T1:UMANY${i}`, displayName: `Zoë Ñandú-Ørsted ${i} 東京大学の研究者`, locale: "en" };
      await h.press(person, SLACK_CHANNEL, "events.rsvp", rsvpData(card, "going"));
    }
    h.setNow("2026-12-10T16:00:00Z");
    const form = await h.press(SLACK_CAROL, SLACK_CHANNEL, "events.attendance.open", { event: String(rsvpData(card, "going").event), at: "2026-12-10T14:00:00Z" });
    const present = formOf(form).fields.find((f) => f.name === "present")!;
    expect(present.choices.length).toBeGreaterThan(5);
    expect(present.choices.length).toBeLessThan(40);
    // Slack's private_metadata holds 3,000 characters: the sealed form fits.
    expect(formOf(form).token.length).toBeLessThanOrEqual(3000);
    expect(formOf(form).fields.find((f) => f.name === "others")!.hint).toMatch(/the list was too long to show everyone/);
  });
});
