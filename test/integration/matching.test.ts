import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, cardText, formOf, kernelOnRealStore, listJobs, PEOPLE, texts, type KernelHarness, type StoredJob } from "../support/core.js";

/** Peer matching on the real store: a round, its direct messages, the check-in and the met-rate stewards see. */
const person = (id: string, name: string) => ({ personKey: `teams:tenant-1:aad-${id}`, displayName: name, locale: "en" }) as const;
const CAROL = person("carol", "Carol Ng");
const DEV = person("dev", "Dev Rao");
const EVE = person("eve", "Eve Moss");
const FAY = person("fay", "Fay Lind");
const GUS = person("gus", "Gus Berg");
const HAL = person("hal", "Hal Ito");
const chatOf = (who: { personKey: string }) => ({ spaceKey: `teams:tenant-1:a:1on1-${who.personKey.split("-").pop()}`, platform: "teams", displayName: "", personal: true }) as const;

type Fanout = { audience: { kind: string; people?: string[] }; card: { presenter: string; data: Record<string, unknown> } };
const actionsOf = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));

describe("peer matching", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
  });

  const run = async (kind: string, job: StoredJob) =>
    h.kernel.runJob(h.kernel.registry.job(kind)!, job.payload, { key: job.key, dueAt: new Date(job.dueAt), lateMs: 0, signal: new AbortController().signal });
  const fanouts = async (prefix: string) => (await listJobs(h, "fanout")).filter((j) => j.key.startsWith(prefix)).map((j) => j.payload as unknown as Fanout);
  const reached = (sent: Fanout[]) => sent.flatMap((f) => f.audience.people ?? []).sort();
  const dmTo = (sent: Fanout[], who: { personKey: string }) => h.kernel.presentToAll(sent.find((f) => f.audience.people?.includes(who.personKey))!.card, { locale: "en", platform: "teams", personal: true, timezone: "Europe/Rome" });

  it("runs a round once: one direct message per eligible member, then asks who met and shows stewards the met-rate", async () => {
    for (const who of [ANA, BEN, CAROL, EVE, FAY, GUS, HAL]) await h.say(who, CHANNEL, "matching opt in");
    await h.say(DEV, CHANNEL, "charter"); // on the roster, never opted in
    expect(texts(await h.say(EVE, CHANNEL, "matching snooze until 2026-12-20"))).toEqual([
      "You are left out of peer-matching rounds in Data Stewards until 2026-12-20. Type @CoP Companion matching opt in to take part again sooner.",
    ]);
    await h.say(FAY, CHANNEL, "leave");

    expect(texts(await h.say(ANA, CHANNEL, "matching on weekly size 2"))[0]).toMatch(/^Peer matching is on in Data Stewards: every week, groups of 2\. The next round is on .*; only members who opt in are matched/);
    const [round] = await listJobs(h, "matching.round");
    expect(round).toMatchObject({ dueAt: "2026-11-23T09:00:00.000Z", payload: { communityId: "community-1" } });

    await run("matching.round", round!);
    const intros = await fanouts("matching:community-1:intro:");
    // Ana, Ben, Carol, Gus and Hal: Dev never opted in, Eve is snoozed, Fay left. Five make a pair and a trio.
    expect(reached(intros)).toEqual([ANA, BEN, CAROL, GUS, HAL].map((p) => p.personKey).sort());
    expect(intros.every((f) => f.audience.people?.length === 1 && f.card.presenter === "matching.intro")).toBe(true);
    expect(intros.map((f) => (f.card.data.others as unknown[]).length).sort()).toEqual([1, 1, 2, 2, 2]);
    const toBen = cardText(dmTo(intros, BEN));
    expect(toBen).toMatch(/^Meet your peer(?: group)? in Data Stewards\nThis round of peer matching in Data Stewards puts you together with /);
    expect(toBen).toMatch(/send them a direct message on Microsoft Teams\./);
    expect(toBen).toMatch(/Around .* I will ask whether you met\./);

    // Another instance running the same round (or a retry) forms nothing new and sends nothing more.
    await run("matching.round", round!);
    expect(await fanouts("matching:community-1:intro:")).toHaveLength(5);
    // The next round a week on, and the check-in two days before it.
    expect((await listJobs(h, "matching.round")).map((j) => j.dueAt)).toEqual(["2026-11-23T09:00:00.000Z", "2026-11-30T09:00:00.000Z"]);
    const [checkIn] = await listJobs(h, "matching.checkIn");
    expect(checkIn!.dueAt).toBe("2026-11-28T09:00:00.000Z");

    // Hal leaves during the round, and Gus opts out of matching: neither is asked anything more.
    await h.say(HAL, CHANNEL, "leave");
    await h.say(GUS, CHANNEL, "matching opt out");
    h.setNow("2026-11-28T09:00:00Z");
    await run("matching.checkIn", checkIn!);
    const asks = await fanouts("matching:community-1:checkIn:");
    expect(reached(asks)).toEqual([ANA, BEN, CAROL].map((p) => p.personKey).sort());
    const askBen = dmTo(asks, BEN);
    expect(cardText(askBen)).toMatch(/^Did you meet\?\nDid you meet .* from this round of peer matching in Data Stewards\?/);
    const [yes] = actionsOf(askBen);
    expect(yes!.label).toBe("Yes, we met");
    // Pressed in Ben's own chat: it counts in the community; only Ben's card changes.
    const answered = await h.press(BEN, chatOf(BEN), yes!.verb, yes!.data);
    expect(answered.items.map((i) => [i.kind, cardText(i.card)])).toEqual([["replace", "Thanks! Noted that you met."]]);
    const no = actionsOf(dmTo(asks, ANA))[1]!;
    await h.press(ANA, chatOf(ANA), no.verb, no.data);
    // Someone outside the round cannot answer for it.
    expect(texts(await h.press(DEV, CHANNEL, yes!.verb, { round: String(yes!.data.round), met: "yes" }))).toEqual(["That round of peer matching does not include you, so there is nothing to answer."]);

    const status = cardText((await h.say(ANA, CHANNEL, "matching")).items[0]!.card);
    expect(status).toMatch(/Rounds run every week, in groups of 2\./);
    // Fay and Hal left: their choice is kept, but they are not counted (nor matched); Gus opted out.
    expect(status).toMatch(/Members taking part\n4/);
    // Ben said yes and Ana no: Ben's group met, the other did not (Ana's no does not undo Ben's yes if they are together).
    expect(status).toMatch(/1 of 2 groups met \(50%\); 2 of 5 people answered/);
    // Members see the settings and their own state, not the met-rate.
    const forEve = cardText((await h.say(EVE, CHANNEL, "matching")).items[0]!.card);
    expect(forEve).toMatch(/You\nPaused until 2026-12-20/);
    expect(forEve).not.toMatch(/groups met/);

    // Off: the next round (already scheduled) does nothing.
    await h.say(ANA, CHANNEL, "matching off");
    h.setNow("2026-11-30T09:00:00Z");
    await run("matching.round", (await listJobs(h, "matching.round"))[1]!);
    expect(await fanouts("matching:community-1:intro:")).toHaveLength(5);
  });

  it("keeps the round already due when a steward changes the cadence or size, and runs only the new series", async () => {
    for (const who of [ANA, BEN, CAROL, DEV]) await h.say(who, CHANNEL, "matching opt in");
    await h.say(ANA, CHANNEL, "matching on weekly");
    // Changed a minute later, before the first round ran: that round still happens now, in groups of 4.
    h.setNow("2026-11-23T09:01:00Z");
    expect(texts(await h.say(ANA, CHANNEL, "matching on every 4 weeks size 4"))[0]).toMatch(/every 4 weeks, groups of 4\. The next round is on Monday, 23 November 2026 at 09:00 UTC;/);
    // Still the one round job: it reads the settings when it runs.
    const due = await listJobs(h, "matching.round");
    expect(due.map((j) => j.dueAt)).toEqual(["2026-11-23T09:00:00.000Z"]);
    await run("matching.round", due[0]!);
    // One group of four.
    const intros = await fanouts("matching:community-1:intro:");
    expect(intros).toHaveLength(4);
    expect(intros.every((f) => (f.card.data.others as unknown[]).length === 3)).toBe(true);
    expect((await listJobs(h, "matching.round")).map((j) => j.dueAt).at(-1)).toBe("2026-12-21T09:00:00.000Z");
    // After the round, the next one is four weeks on.
    expect(cardText((await h.say(ANA, CHANNEL, "matching")).items[0]!.card)).toMatch(/Next round\nMonday, 21 December 2026 at 09:00 UTC/);
    // Changed again after that round: the next round keeps its date, in pairs now; the old series' job does nothing.
    h.setNow("2026-11-24T09:00:00Z");
    expect(texts(await h.say(ANA, CHANNEL, "matching on size 2"))[0]).toMatch(/every 4 weeks, groups of 2\. The next round is on Monday, 21 December 2026 at 09:00 UTC;/);
    const ahead = (await listJobs(h, "matching.round")).filter((j) => j.dueAt === "2026-12-21T09:00:00.000Z");
    expect(ahead).toHaveLength(2);
    h.setNow("2026-12-21T09:00:00Z");
    for (const job of ahead) await run("matching.round", job);
    const second = (await fanouts("matching:community-1:intro:")).filter((f) => f.card.data.checkInAt !== intros[0]!.card.data.checkInAt);
    expect(second).toHaveLength(4);
    expect(second.every((f) => (f.card.data.others as unknown[]).length === 1)).toBe(true);
  });

  it("takes the settings from a form too, refusing a stale one without losing the steward's choices", async () => {
    const shown = await h.say(ANA, CHANNEL, "matching settings");
    const form = formOf(shown);
    expect(Object.fromEntries(form.fields.map((f) => [f.name, f.value]))).toEqual({ on: "off", cadence: "2", size: "2", crossOrganisation: "on", crossPlatform: "on", buddies: "off" });
    // Out of range: the field says why; nothing is saved.
    const refused = await h.submit(ANA, shown, { on: "on", size: "9" });
    expect(formOf(refused).fields.find((f) => f.name === "size")!.error).not.toBe("");
    expect(await h.deps.repos.matching.settings("community-1")).toBeUndefined();

    const saved = await h.submit(ANA, shown, { on: "on", cadence: "4", size: "3", buddies: "on" });
    expect(texts(saved)).toEqual(["Peer matching settings for Data Stewards are saved."]);
    expect((await h.deps.repos.matching.settings("community-1"))!.value).toMatchObject({ on: true, cadenceWeeks: 4, size: 3, buddies: true, crossOrganisation: true });
    expect((await listJobs(h, "matching.round")).map((j) => j.dueAt)).toEqual(["2026-11-23T09:00:00.000Z"]);

    // A form opened before someone else's change is refused, with what this steward chose still in it.
    const older = await h.say(ANA, CHANNEL, "matching settings");
    await h.say(ANA, CHANNEL, "matching across platforms off");
    const stale = await h.submit(ANA, older, { size: "5" });
    expect(texts(stale).join(" ")).toMatch(/Someone changed the peer matching settings of Data Stewards after you opened this form, so nothing was saved/);
    expect(formOf(stale).fields.find((f) => f.name === "size")!.value).toBe("5");
    expect((await h.deps.repos.matching.settings("community-1"))!.value).toMatchObject({ size: 3, crossPlatform: false });
    // Only stewards open it.
    expect(texts(await h.say(BEN, CHANNEL, "matching settings"))[0]).toMatch(/Only the facilitators/);
  });

  it("stores and introduces a round of 250 people (more than one table property holds)", async () => {
    const now = "2026-11-23T09:00:00.000Z";
    const many = Array.from({ length: 250 }, (_, i) => ({
      communityId: "community-1",
      personKey: `teams:tenant-1:aad-person-${String(i).padStart(3, "0")}`,
      displayName: `Person ${i} with a rather long display name`,
      role: "member" as const,
      profile: { visible: true, organisation: `Organisation number ${i % 9}`, role: "", expertise: ["research data management"], interests: [`topic ${i % 4}`], offers: "", wantsToLearn: "", timezone: "" },
      joinedAt: now,
      lastActiveAt: now,
    }));
    await h.deps.repos.members.saveMany(many);
    for (const m of many) await h.deps.repos.matching.savePref("community-1", { personKey: m.personKey, optedIn: true, at: now });
    await h.say(ANA, CHANNEL, "matching on weekly size 3");
    await run("matching.round", (await listJobs(h, "matching.round"))[0]!);
    expect(await fanouts("matching:community-1:intro:")).toHaveLength(250);
    const [round] = await h.deps.repos.matching.recentRounds("community-1", 1);
    expect(round!.groups.flatMap((g) => g.people).length).toBe(250);
    // As one JSON property this would pass the 64 KiB (32 K UTF-16 characters) a table property may hold.
    expect(JSON.stringify(round!.groups).length).toBeGreaterThan(32 * 1024);
  }, 60_000);

  it("answers bad input privately and changes nothing", async () => {
    expect(texts(await h.say(ANA, CHANNEL, "matching on every 3 weeks"))).toEqual([
      "I could not read that. Type @CoP Companion matching on [weekly|every 2 weeks|every 4 weeks] [size 2-5], e.g. @CoP Companion matching on every 2 weeks size 3.",
    ]);
    expect(texts(await h.say(ANA, CHANNEL, "matching on size 9"))[0]).toMatch(/^I could not read that/);
    expect(texts(await h.say(ANA, CHANNEL, "matching on daily"))[0]).toMatch(/^I could not read that/);
    expect(await listJobs(h, "matching.round")).toEqual([]);
    expect(texts(await h.say(BEN, CHANNEL, "matching on"))[0]).toMatch(/Only the facilitators/);
    expect(texts(await h.say(BEN, CHANNEL, "matching snooze until 2026-12-01"))[0]).toMatch(/do not take part in peer matching in Data Stewards yet/);
    await h.say(BEN, CHANNEL, "matching opt in");
    for (const bad of ["matching snooze until 2020-01-01", "matching snooze until 2026-13-40", "matching snooze", "matching snooze until next week"]) {
      expect(texts(await h.say(BEN, CHANNEL, bad))[0]).toMatch(/^Type @CoP Companion matching snooze until YYYY-MM-DD with a day after today, e\.g\. @CoP Companion matching snooze until 2026-12-21\.$/);
    }
    expect(texts(await h.say(ANA, CHANNEL, "matching buddies maybe"))).toEqual(["Type @CoP Companion matching buddies on|off."]);
    expect(cardText((await h.say(BEN, CHANNEL, "matching")).items[0]!.card)).toMatch(/Rounds are not running\.[\s\S]*Buddies for newcomers\nOff[\s\S]*You\nTaking part/);
  });

  /** Buddies on, Ben and Carol opted in: Carol works elsewhere than the newcomer, Ben at the same place. */
  async function buddiesOn(): Promise<void> {
    await h.say(ANA, CHANNEL, "matching buddies on");
    for (const who of [BEN, CAROL]) await h.say(who, CHANNEL, "matching opt in");
    for (const [who, org] of [[BEN, "Uni A"], [CAROL, "Agency C"]] as const) {
      const m = (await h.deps.repos.members.get("community-1", who.personKey))!;
      await h.deps.repos.members.save({ ...m, profile: { ...m.profile, organisation: org } });
    }
  }

  it("gives a newcomer one buddy from another organisation when buddies are on, even if the join arrives twice", async () => {
    await buddiesOn();
    const IVY = person("ivy", "Ivy Park");
    for (let i = 0; i < 2; i++) await h.kernel.onEvent({ kind: "joined", people: [{ personKey: IVY.personKey, displayName: IVY.displayName }] }, { actor: ANA, space: CHANNEL }, PEOPLE);
    const sent = await fanouts("matching:community-1:buddy:");
    expect(reached(sent)).toEqual([CAROL.personKey, IVY.personKey].sort());
    expect(cardText(dmTo(sent, IVY))).toMatch(/^Your buddy in Data Stewards\nWelcome to Data Stewards! Carol Ng is your buddy/);
    expect(cardText(dmTo(sent, CAROL))).toMatch(/^A newcomer in Data Stewards\nIvy Park just joined Data Stewards, and you are their buddy/);
  });

  it("passes over the best buddy when the app cannot reach them, and asks the next", async () => {
    await buddiesOn();
    // Carol blocked the app: the best match by organisation cannot be told.
    await h.deps.repos.conversationRefs.save({ key: CAROL.personKey, platform: "teams", reference: {}, unreachable: true, updatedAt: "2026-11-23T09:00:00Z" });
    const IVY = person("ivy", "Ivy Park");
    await h.kernel.onEvent({ kind: "joined", people: [{ personKey: IVY.personKey, displayName: IVY.displayName }] }, { actor: ANA, space: CHANNEL }, PEOPLE);
    const sent = await fanouts("matching:community-1:buddy:");
    expect(reached(sent)).toEqual([BEN.personKey, IVY.personKey].sort());
  });
});
