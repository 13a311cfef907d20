import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { memberFor } from "../../src/core/kernel/members.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, PEOPLE, SLACK_CAROL, SLACK_CHANNEL, cardText, kernelOnRealStore, kinds, listJobs, texts, type KernelHarness, type StoredJob } from "../support/core.js";

/** Recognition: kudos between members, and milestones celebrated once each, in every linked space. */
type Fanout = { fanoutId: string; audience: { kind: string; people?: string[]; communityId?: string; except?: string[] }; card: { presenter: string; data: Record<string, unknown> } };

const DEV = { personKey: "teams:tenant-1:aad-dev", displayName: "Dev Rao", locale: "en" } as const;
const TEAMS_READER = { locale: "en", platform: "teams", personal: false } as const;
const SLACK_READER = { locale: "en", platform: "slack", personal: false } as const;
const codeFrom = (text: string) => /link ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(text)![1]!;
const posted = (d: Delivery): Card => d.items.find((i) => i.kind === "post")!.card;
const fanouts = async (h: KernelHarness, prefix: string) =>
  (await listJobs(h, "fanout")).filter((j) => j.key.startsWith(prefix)).map((j) => ({ ...(j.payload as unknown as Fanout), fanoutId: j.key }));

describe("kudos", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${codeFrom(texts(await h.say(ANA, CHANNEL, "link"))[0]!)}`);
    await h.say(BEN, CHANNEL, "charter");
  });

  it("posts a celebration in every linked space, naming both people and the reason, and sends the receiver a direct message", async () => {
    const given = await h.say(ANA, CHANNEL, "kudos @1 for the *checklist* template", [{ id: "29:ben", name: "Ben Okafor" }]);
    expect(kinds(given)).toContain("post");
    expect(cardText(posted(given))).toBe("Kudos!\n🎉 Ana Duarte gives kudos to Ben Okafor for: the *checklist* template\nThank someone yourself with @CoP Companion kudos @PERSON for WHAT.");
    // What was typed stays literal: the stars are escaped, not bold.
    expect(JSON.stringify(posted(given).blocks)).toContain("the \\\\*checklist\\\\* template");

    // The other spaces (the linked Slack channel) get it through a fan-out, the receiver privately.
    const toSpaces = (await fanouts(h, "post:")).filter((f) => f.card.presenter === "recognition.kudos");
    expect(toSpaces).toHaveLength(1);
    expect(toSpaces[0]!.audience).toMatchObject({ kind: "spaces", except: [CHANNEL.spaceKey] });
    const inSlack = h.kernel.presentToAll(toSpaces[0]!.card, SLACK_READER);
    expect(cardText(inSlack)).toMatch(/Ana Duarte \(on Microsoft Teams\) gives kudos to Ben Okafor \(on Microsoft Teams\) for: the \*checklist\* template/);
    const dm = (await fanouts(h, "kudos:")).find((f) => f.fanoutId.endsWith(":dm"))!;
    expect(dm.audience).toEqual({ kind: "people", people: [BEN.personKey] });
    expect(cardText(h.kernel.presentToAll(dm.card, { ...TEAMS_READER, personal: true }))).toBe("You got kudos\n🎉 Ana Duarte thanked you in Data Stewards for: the *checklist* template");
  });

  it("from Slack to a Slack person: Slack readers see a mention, Teams readers the name and platform", async () => {
    await h.say(BEN, CHANNEL, "kudos @1 for the intro", [{ id: "U3", name: "Carol" }]);
    const card = (await fanouts(h, "post:")).find((f) => f.card.presenter === "recognition.kudos")!.card;
    expect(JSON.stringify(h.kernel.presentToAll(card, SLACK_READER))).toContain("<person:slack:T1:U3|Carol>");
    expect(cardText(h.kernel.presentToAll(card, SLACK_READER))).toMatch(/gives kudos to Carol for: the intro/);
    expect(cardText(h.kernel.presentToAll(card, TEAMS_READER))).toMatch(/Ben Okafor gives kudos to Carol \(on Slack\) for: the intro/);
  });

  it("refuses kindly: someone not in the community, oneself, nobody picked, no reason, a reason too long", async () => {
    const outsider = { async resolve(id: string) { return id === "29:zoe" ? { personKey: "teams:tenant-1:aad-zoe", displayName: "Zoe" } : PEOPLE.resolve(id); } };
    const refused = await h.say(ANA, CHANNEL, "kudos @1 for helping", [{ id: "29:zoe", name: "Zoe" }], outsider);
    expect(texts(refused)).toEqual(["Zoe isn't in Data Stewards yet. Once they join one of its spaces, you can give them kudos."]);
    expect(refused.items[0]!.kind).toBe("reply");
    expect(texts(await h.say(ANA, CHANNEL, "kudos @1 for being me", [{ id: "29:ana", name: "Ana Duarte" }]))[0]).toMatch(/^Kind of you to think of yourself!/);
    expect(texts(await h.say(ANA, CHANNEL, "kudos @1 and @2 for the notes", [{ id: "29:ben", name: "Ben Okafor" }, { id: "U3", name: "Carol" }]))).toEqual([
      "Kudos go to one person at a time: type @CoP Companion kudos @PERSON for WHAT for each of them.",
    ]);
    expect(texts(await h.say(ANA, CHANNEL, "kudos @Ben for the notes"))[0]).toBe("I could not tell who @Ben is. Pick them from the list that opens as you type @, then try again.");
    expect(texts(await h.say(ANA, CHANNEL, "kudos @1", [{ id: "29:ben", name: "Ben Okafor" }]))[0]).toBe(
      "To give kudos, type @CoP Companion kudos @PERSON for WHAT, e.g. @CoP Companion kudos @Ana for the checklist template: pick the person from the list that opens as you type @, then say what you thank them for.",
    );
    expect(texts(await h.say(ANA, CHANNEL, `kudos @1 for ${"x".repeat(301)}`, [{ id: "29:ben", name: "Ben Okafor" }]))[0]).toBe(
      "A kudos can say at most 300 characters; yours has 301. Please shorten it and send it again.",
    );
    // Nothing was stored or sent.
    expect(texts(await h.say(BEN, CHANNEL, "kudos"))[0]).toMatch(/No kudos yet/);
    expect(await fanouts(h, "kudos:")).toEqual([]);
  });

  it("lists the community's kudos newest first, ten at a time, with a button for older ones", async () => {
    for (let i = 1; i <= 12; i++) {
      h.setNow(`2026-11-23T10:${String(i).padStart(2, "0")}:00Z`);
      await h.say(i % 2 ? ANA : BEN, CHANNEL, `kudos @1 for thing ${i}`, [{ id: i % 2 ? "29:ben" : "29:ana", name: "x" }]);
    }
    const first = (await h.say(SLACK_CAROL, SLACK_CHANNEL, "kudos")).items[0]!;
    expect(first.kind).toBe("reply");
    const list = first.card.blocks.find((b) => b.type === "list")!;
    expect(list.type === "list" && list.items.map((t) => /thing (\d+)/.exec(t)![1])).toEqual(["12", "11", "10", "9", "8", "7", "6", "5", "4", "3"]);
    const older = first.card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []))[0]!;
    expect(older.label).toBe("Show older kudos");
    const second = (await h.press(SLACK_CAROL, SLACK_CHANNEL, older.verb, older.data)).items[0]!.card;
    const rest = second.blocks.find((b) => b.type === "list")!;
    expect(rest.type === "list" && rest.items.map((t) => /thing (\d+)/.exec(t)![1])).toEqual(["2", "1"]);
    expect(second.blocks.some((b) => b.type === "actions")).toBe(false);
  });
});

describe("milestones", () => {
  let h: KernelHarness;
  const runDaily = async (job: StoredJob) =>
    h.kernel.runJob(h.kernel.registry.job("recognition.milestones.daily")!, job.payload, { key: job.key, dueAt: new Date(job.dueAt), lateMs: 0, signal: new AbortController().signal });
  const dailyJob = async () => (await listJobs(h, "recognition.milestones.daily")).at(-1)!;
  const milestonePosts = async (kind?: string) =>
    (await fanouts(h, "milestone:")).filter((f) => f.fanoutId.endsWith(":spaces") && (!kind || f.card.data.kind === kind));
  const join = (people: Array<{ personKey: string; displayName: string }>) =>
    h.kernel.onEvent({ kind: "joined", people }, { actor: ANA, space: CHANNEL }, PEOPLE);

  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${codeFrom(texts(await h.say(ANA, CHANNEL, "link"))[0]!)}`);
    await h.say(BEN, CHANNEL, "charter");
  });

  it("celebrates a member's first kudos once, in every space and to them privately", async () => {
    await h.say(BEN, CHANNEL, "kudos @1 for the agenda", [{ id: "29:ana", name: "Ana" }]);
    await h.say(BEN, CHANNEL, "kudos @1 for the minutes", [{ id: "29:ana", name: "Ana" }]);
    const posts = await milestonePosts("firstContribution");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.audience).toEqual({ kind: "spaces", communityId: "community-1", except: [] });
    expect(cardText(h.kernel.presentToAll(posts[0]!.card, TEAMS_READER))).toMatch(/Ben Okafor made their first contribution to Data Stewards: their first kudos to someone/);
    const dms = (await fanouts(h, "milestone:")).filter((f) => f.fanoutId.endsWith(":dm"));
    expect(dms.map((f) => f.audience.people)).toEqual([[BEN.personKey]]);
  });

  it("celebrates a first RSVP once, even when the daily run runs twice or is retried", async () => {
    const event = posted(await h.say(ANA, CHANNEL, "event Monthly call on 2027-01-14 at 15:00 Europe/Rome for 60m"));
    const going = event.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.data.answer === "going")!;
    await h.press(DEV, CHANNEL, going.verb, going.data);
    await h.say(ANA, CHANNEL, "kudos");
    const job = await dailyJob();
    expect(job).toMatchObject({ dueAt: "2026-11-24T08:00:00.000Z", payload: { communityId: "community-1" } });
    h.setNow("2026-11-24T08:00:00Z");
    await runDaily(job);
    await runDaily(job);
    const posts = await milestonePosts("firstContribution");
    expect(posts.map((p) => (p.card.data.person as { personKey: string }).personKey)).toEqual([DEV.personKey]);
    expect(cardText(h.kernel.presentToAll(posts[0]!.card, SLACK_READER))).toMatch(/Dev Rao \(on Microsoft Teams\) made their first contribution to Data Stewards: they answered an event invitation/);
    // The series goes on: the next day's run is scheduled once.
    expect((await listJobs(h, "recognition.milestones.daily")).map((j) => j.dueAt)).toEqual(["2026-11-24T08:00:00.000Z", "2026-11-25T08:00:00.000Z"]);
  });

  it("celebrates a one-year anniversary on the day, once, and not a year late", async () => {
    await h.say(ANA, CHANNEL, "kudos");
    const job = await dailyJob();
    // Ana set it up, Ben spoke and Carol linked Slack at 09:00 on 23 November 2026: the day before, nothing is due.
    h.setNow("2027-11-22T12:00:00Z");
    await runDaily(job);
    expect(await milestonePosts()).toEqual([]);
    h.setNow("2027-11-23T12:00:00Z");
    await runDaily(job);
    await runDaily(job);
    const posts = await milestonePosts("anniversary");
    expect(posts.map((p) => (p.card.data.person as { personKey: string }).personKey).sort()).toEqual([ANA.personKey, BEN.personKey, SLACK_CAROL.personKey].sort());
    expect(cardText(h.kernel.presentToAll(posts[0]!.card, TEAMS_READER))).toMatch(/joined Data Stewards one year ago/);
    const dms = (await fanouts(h, "milestone:")).filter((f) => f.fanoutId.endsWith(":dm"));
    expect(dms).toHaveLength(3);
    expect(cardText(h.kernel.presentToAll(dms[0]!.card, { ...TEAMS_READER, personal: true }))).toMatch(/Happy anniversary! You joined Data Stewards one year ago/);
    // A month later, nothing more.
    h.setNow("2027-12-24T08:00:00Z");
    await runDaily(job);
    expect(await milestonePosts("anniversary")).toHaveLength(3);
  });

  it("celebrates the 100th member the moment they join, once", async () => {
    const people = Array.from({ length: 96 }, (_, i) => ({ personKey: `teams:tenant-1:aad-p${i}`, displayName: `Person ${i}` }));
    await join(people);
    expect(await milestonePosts("hundredthMember")).toEqual([]);
    // Ana, Ben, Carol and 96 more: 99. The next one makes 100.
    await join([{ personKey: "teams:tenant-1:aad-hundred", displayName: "Hana" }]);
    await join([{ personKey: "teams:tenant-1:aad-more", displayName: "Moe" }]);
    await runDaily(await dailyJob());
    const posts = await milestonePosts("hundredthMember");
    expect(posts).toHaveLength(1);
    expect(cardText(h.kernel.presentToAll(posts[0]!.card, SLACK_READER))).toMatch(/Data Stewards has 100 members!/);
  });

  it("celebrates the 10th event once, and nothing while stewards have turned milestone posts off", async () => {
    expect(texts(await h.say(BEN, CHANNEL, "milestones off"))[0]).toMatch(/Only the facilitators/);
    expect(texts(await h.say(ANA, CHANNEL, "milestones off"))).toEqual(["Milestones of Data Stewards are no longer celebrated automatically. Turn them on again with @CoP Companion milestones on."]);
    for (let i = 1; i <= 10; i++) await h.say(ANA, CHANNEL, `event Call ${i} on 2027-01-${String(i + 10).padStart(2, "0")} at 15:00 Europe/Rome for 60m`);
    await h.say(DEV, CHANNEL, "kudos @1 for a first", [{ id: "29:ana", name: "Ana" }]);
    const job = await dailyJob();
    h.setNow(job.dueAt);
    await runDaily(job);
    expect(await milestonePosts()).toEqual([]);
    // Turned on again: what passed while off stays passed (no backlog); a new milestone is celebrated.
    expect(texts(await h.say(SLACK_CAROL, SLACK_CHANNEL, "milestones"))[0]).toMatch(/Milestone posts are off for Data Stewards/);
    await h.say(ANA, CHANNEL, "milestones on");
    await runDaily(job);
    expect(await milestonePosts()).toEqual([]);
    await h.say(BEN, CHANNEL, "kudos @1 for the notes", [{ id: "29:ana", name: "Ana" }]);
    expect((await milestonePosts()).map((p) => p.card.data.kind)).toEqual(["firstContribution"]);
  });

  it("passes over history from before it ran: old first RSVPs, a 10th event and a 100th member long past", async () => {
    const event = posted(await h.say(ANA, CHANNEL, "event Monthly call on 2027-01-14 at 15:00 Europe/Rome for 60m"));
    const going = event.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.data.answer === "going")!;
    await h.press(DEV, CHANNEL, going.verb, going.data);
    for (let i = 2; i <= 10; i++) await h.say(ANA, CHANNEL, `event Call ${i} on 2027-01-${String(i + 10).padStart(2, "0")} at 15:00 Europe/Rome for 60m`);
    const id = (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
    const joinedAt = h.deps.clock.now().toISOString();
    for (let i = 0; i < 97; i++) {
      const person = { personKey: `teams:tenant-1:aad-old${i}`, displayName: `Old ${i}` };
      await h.deps.repos.members.add(memberFor(person, { communityId: id, spaceKey: CHANNEL.spaceKey, role: "member", now: joinedAt }), { optedOut: false });
    }
    // Three weeks later the daily look runs for the first time; Ben answers now.
    h.setNow("2026-12-14T08:00:00Z");
    await h.press(BEN, CHANNEL, going.verb, going.data);
    await h.say(ANA, CHANNEL, "kudos");
    const job = await dailyJob();
    await runDaily(job);
    await runDaily(job);
    expect((await milestonePosts()).map((p) => [p.card.data.kind, (p.card.data.person as { personKey: string } | undefined)?.personKey])).toEqual([["firstContribution", BEN.personKey]]);
    // Passed over for good: the next join neither counts the roster again nor celebrates.
    await join([{ personKey: "teams:tenant-1:aad-late", displayName: "Late" }]);
    expect(await milestonePosts("hundredthMember")).toEqual([]);
  });

  it("celebrates the 10th event when posts are on, once however often the run is retried", async () => {
    for (let i = 1; i <= 10; i++) await h.say(ANA, CHANNEL, `event Call ${i} on 2027-01-${String(i + 10).padStart(2, "0")} at 15:00 Europe/Rome for 60m`);
    await h.say(ANA, CHANNEL, "kudos");
    const job = await dailyJob();
    await Promise.all([runDaily(job), runDaily(job)]);
    await runDaily(job);
    const posts = await milestonePosts("tenthEvent");
    expect(posts).toHaveLength(1);
    expect(cardText(h.kernel.presentToAll(posts[0]!.card, TEAMS_READER))).toMatch(/Data Stewards has scheduled its 10th event/);
  });
});
