import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import { liveOccurrences } from "../../src/core/workflows/events/occurrences.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, cardText, formOf, kernelOnRealStore, listJobs, texts, type KernelHarness, type StoredJob } from "../support/core.js";

/** The digest and success stories on the real store: what a week of activity posts, and what it never does. */
const CAROL = { personKey: "teams:tenant-1:aad-carol", displayName: "Carol Ng", locale: "en" } as const;
const chatOf = (who: { personKey: string }) => ({ spaceKey: `teams:tenant-1:a:1on1-${who.personKey.split("-").pop()}`, platform: "teams", displayName: "", personal: true }) as const;
const WEBINAR = { title: "Data management plans", kind: "webinar", agenda: "Templates", "start.date": "2026-12-03", "start.time": "15:00", "start.zone": "Europe/Rome", minutes: "90", joinUrl: "https://meet.example.org/dmp", recurrence: "none" };
type Fanout = { audience: { kind: string; people?: string[]; communityId?: string }; card: { presenter: string; data: Record<string, unknown> } };
const actionsOf = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));

describe("the digest", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
  });

  const run = async (job: StoredJob) =>
    h.kernel.runJob(h.kernel.registry.job(job.kind)!, job.payload, { key: job.key, dueAt: new Date(job.dueAt), lateMs: 0, signal: new AbortController().signal });
  const digests = async () => (await listJobs(h, "fanout")).filter((j) => j.key.startsWith("summaries:community-1:digest:"));
  const digestJobs = async () => (await listJobs(h, "summaries.digest")).map((j) => j.dueAt);
  const fanouts = async (prefix: string) => (await listJobs(h, "fanout")).filter((j) => j.key.startsWith(prefix)).map((j) => j.payload as unknown as Fanout);
  const asRead = (f: Fanout, platform: "teams" | "slack", personal = false) => cardText(h.kernel.presentToAll(f.card, { locale: "en", platform, personal, timezone: "Europe/Rome" }));

  /** Ben shares a story from the form; it comes back as stored. */
  const shareStory = async (who: typeof BEN, title: string) => {
    const form = await h.say(who, CHANNEL, "story");
    expect(formOf(form).fields.map((f) => f.name)).toEqual(["kind", "title", "body", "link", "share"]);
    return h.submit(who, form, { kind: "success", title, body: "We adopted the *shared* checklist in three labs.", link: "https://example.org/checklist", share: "yes" });
  };

  it("posts one digest of the week's activity to the community's spaces, once however often it runs, and schedules the next", async () => {
    expect(texts(await h.say(ANA, CHANNEL, "digest weekly on monday at 10:00 Europe/Rome"))[0]).toMatch(/^The digest of Data Stewards is on, every week\. The first one goes out Monday, 30 November 2026 at 09:00 UTC \(only if something happened\)/);
    expect(await digestJobs()).toEqual(["2026-11-30T09:00:00.000Z"]);

    h.setNow("2026-11-24T10:00:00Z");
    await h.say(BEN, CHANNEL, "share https://example.org/fair FAIR data guide #fair");
    await h.say(ANA, CHANNEL, "kudos @1 for the checklist template", [{ id: "29:ben", name: "Ben Okafor" }]);
    await h.submit(ANA, await h.say(ANA, CHANNEL, "event"), WEBINAR);
    await h.submit(ANA, await h.say(ANA, CHANNEL, "event"), { ...WEBINAR, title: "Kick-off", "start.date": "2026-11-25" });
    await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed');
    const lunch = texts(await h.say(ANA, CHANNEL, 'poll "Lunch?" Pizza Salad'))[0]!;
    await h.say(ANA, CHANNEL, `close survey ${/poll (\w+) is posted/.exec(lunch)![1]}`);
    await shareStory(BEN, "Checklist adopted");
    h.setNow("2026-11-26T10:00:00Z");
    const [kickOff] = (await h.deps.repos.events.all("community-1")).filter((e) => e.title === "Kick-off");
    // The follow-up as the events workflow archives it (its own tests drive its form).
    await h.deps.repos.events.archiveFollowUp("community-1", { eventId: kickOff!.id, occurrence: liveOccurrences(kickOff!)[0]!.id, discussed: "Plans", decisions: [], actions: [], resources: [], nextSteps: "", by: ANA.personKey, at: "2026-11-26T10:00:00Z" });
    const [review] = await fanouts("summaries:community-1:review:");
    const approve = actionsOf(h.kernel.presentToAll(review!.card, { locale: "en", platform: "teams", personal: true }))[0]!;
    await h.press(ANA, chatOf(ANA), approve.verb, approve.data);

    h.setNow("2026-11-30T09:00:05Z");
    const [due] = await listJobs(h, "summaries.digest");
    await run(due!);
    // Another instance, or a retry, running the same occurrence posts nothing more.
    await run(due!);
    const sent = await digests();
    expect(sent).toHaveLength(1);
    const digest = sent[0]!.payload as unknown as Fanout;
    expect(digest.audience).toEqual({ kind: "spaces", communityId: "community-1", except: [] });
    const text = asRead(digest, "teams");
    expect(text).toMatch(/^What's new in Data Stewards\nWhat happened in Data Stewards since .*Monday, November 23, 2026/);
    expect(text).toContain("2 new members\nAna Duarte\nBen Okafor");
    expect(text).toMatch(/Coming up in the next two weeks\nData management plans, .*Thursday, December 3, 2026/);
    expect(text).toContain("Open surveys\nWhich day suits?");
    expect(text).toContain("Survey results\nLunch?: 0 of 2 answered");
    expect(text).toContain("New in the library\nFAIR data guide, shared by Ben Okafor");
    expect(text).toMatch(/Follow-ups posted\nKick-off of .*Wednesday, November 25, 2026/);
    expect(text).toContain("Kudos\nAna Duarte to Ben Okafor: the checklist template");
    expect(text).toContain("Success stories and reflections\nSuccess story Checklist adopted by Ben Okafor: We adopted the *shared* checklist in three labs.");
    expect(await digestJobs()).toEqual(["2026-11-30T09:00:00.000Z", "2026-12-07T09:00:00.000Z"]);

    // The next week has nothing new: nothing is posted, and the week after is still scheduled.
    h.setNow("2026-12-07T09:00:05Z");
    await run((await listJobs(h, "summaries.digest"))[1]!);
    expect(await digests()).toHaveLength(1);
    expect(await digestJobs()).toEqual(["2026-11-30T09:00:00.000Z", "2026-12-07T09:00:00.000Z", "2026-12-14T09:00:00.000Z"]);
  });

  it("skips a digest that fell due days before the app came back, covering its week in the next; one due earlier the same day still goes", async () => {
    await h.say(ANA, CHANNEL, "digest weekly on monday at 10:00 Europe/Rome");
    h.setNow("2026-11-24T10:00:00Z");
    await h.say(BEN, CHANNEL, "share https://example.org/fair FAIR data guide #fair");
    h.setNow("2026-12-02T09:00:00Z");
    await run((await listJobs(h, "summaries.digest"))[0]!);
    expect(await digests()).toHaveLength(0);
    // The next is a week after the missed one's, and never in the past.
    expect(await digestJobs()).toEqual(["2026-11-30T09:00:00.000Z", "2026-12-07T09:00:00.000Z"]);

    h.setNow("2026-12-07T21:00:00Z");
    await run((await listJobs(h, "summaries.digest"))[1]!);
    const [late] = await digests();
    expect(late!.key).toBe("summaries:community-1:digest:2026-12-07T09:00:00.000Z");
    expect(asRead(late!.payload as unknown as Fanout, "slack")).toContain("New in the library\nFAIR data guide, shared by Ben Okafor");
  });

  it("shows the schedule and a preview; only stewards change it, a bad line changes nothing, off stops the scheduled run", async () => {
    await h.say(BEN, CHANNEL, "charter");
    expect(texts(await h.say(BEN, CHANNEL, "digest weekly on friday at 16:00"))[0]).toMatch(/only .*facilitators/i);
    expect(texts(await h.say(ANA, CHANNEL, "digest weekly on funday at 16:00"))[0]).toMatch(/^I could not read that schedule\. Type @CoP Companion digest weekly\|every 2 weeks\|every 4 weeks on DAY at HH:MM \[ZONE\]/);
    expect(texts(await h.say(ANA, CHANNEL, "digest every 2 weeks on fri at 16:30 Mars/Olympus"))[0]).toMatch(/^I don't know the time zone Mars\/Olympus/);
    expect(await digestJobs()).toEqual([]);
    expect(texts(await h.say(ANA, CHANNEL, "digest every 2 weeks on fri at 16:30 Europe/Rome"))[0]).toMatch(/every 2 weeks\. The first one goes out Friday, 27 November 2026 at 15:30 UTC/);
    const shown = texts(await h.say(BEN, CHANNEL, "digest"))[0]!;
    expect(shown).toMatch(/^Digest of Data Stewards\nThe digest goes out every 2 weeks on Friday at 16:30 \(Europe\/Rome\)\. The next one: .*November 27, 2026/);
    expect(shown).toContain("2 new members\nAna Duarte\nBen Okafor");
    await h.say(ANA, CHANNEL, "digest off");
    expect(texts(await h.say(ANA, CHANNEL, "digest"))[0]).toContain("The digest is off.");
    h.setNow("2026-11-27T15:30:00Z");
    await run((await listJobs(h, "summaries.digest"))[0]!);
    expect(await digests()).toHaveLength(0);
    expect(await digestJobs()).toHaveLength(1);
  });
});

describe("success stories", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    await h.say(CAROL, CHANNEL, "charter");
    await h.say(ANA, CHANNEL, "assign co-facilitator @1", [{ id: "29:ben", name: "Ben" }]);
  });
  const fanouts = async (prefix: string) => (await listJobs(h, "fanout")).filter((j) => j.key.startsWith(prefix)).map((j) => j.payload as unknown as Fanout);

  it("go to every steward, are decided once (a stale or a member's press changes nothing), and the author is told", async () => {
    const form = await h.say(CAROL, CHANNEL, "story");
    // A bad link is refused beside its field; what Carol typed stays.
    const refused = await h.submit(CAROL, form, { kind: "reflection", title: "Less email", body: "We moved questions to the channel.", link: "not a link", share: "no" });
    const kept = formOf(refused).fields;
    expect(kept.find((f) => f.name === "link")!.error).not.toBe("");
    expect(kept.find((f) => f.name === "body")!.value).toBe("We moved questions to the channel.");
    expect(texts(await h.submit(CAROL, refused, { link: "" }))).toEqual(["Thank you! Your story went to the stewards of Data Stewards; I will tell you when they have read it."]);

    const reviews = await fanouts("summaries:community-1:review:");
    expect(reviews.flatMap((r) => r.audience.people).sort()).toEqual([ANA.personKey, BEN.personKey].sort());
    const toAna = h.kernel.presentToAll(reviews.find((r) => r.audience.people![0] === ANA.personKey)!.card, { locale: "en", platform: "teams", personal: true });
    expect(cardText(toAna)).toMatch(/^A story to approve\nCarol Ng shared a story in Data Stewards: Less email\./);
    expect(cardText(toAna)).toContain("The author wants it kept within the community (not in the sponsor report).");
    const [approve] = actionsOf(toAna);
    const toBen = h.kernel.presentToAll(reviews.find((r) => r.audience.people![0] === BEN.personKey)!.card, { locale: "en", platform: "teams", personal: true });
    const decline = actionsOf(toBen)[1]!;

    // A member cannot decide, even with a steward's button data.
    expect(texts(await h.press(CAROL, CHANNEL, approve!.verb, { story: approve!.data.story, version: approve!.data.version, decision: "approve" }))[0]).toMatch(/only .*facilitators/i);
    const listed = (await h.say(BEN, CHANNEL, "stories")).items[0]!.card;
    expect(cardText(listed)).toMatch(/One story is waiting for approval in Data Stewards\./);

    const done = await h.press(ANA, chatOf(ANA), approve!.verb, approve!.data);
    expect(done.items.map((i) => [i.kind, cardText(i.card)])).toEqual([["replace", "You approved Less email: it appears in the next digest."]]);
    // Ben pressed Decline on the card he got before: refused, saying who decided.
    expect(texts(await h.press(BEN, chatOf(BEN), decline.verb, decline.data))).toEqual(["Ana Duarte approved Less email already: nothing changed."]);
    const [told] = await fanouts("summaries:community-1:outcome:");
    expect(told!.audience.people).toEqual([CAROL.personKey]);
    expect(cardText(h.kernel.presentToAll(told!.card, { locale: "en", platform: "teams", personal: true }))).toMatch(/^About your story\nAna Duarte approved your story Less email in Data Stewards/);

    // The sponsor report reads approved stories through the port; Carol did not agree to share hers with the sponsor.
    const from = new Date("2026-11-01T00:00:00Z");
    const to = new Date("2026-12-01T00:00:00Z");
    expect((await h.deps.repos.summaries.approvedStories("community-1", from, to)).map((s) => s.title)).toEqual(["Less email"]);
    expect(await h.deps.repos.summaries.approvedStories("community-1", from, to, { sponsorOnly: true })).toEqual([]);
    expect(cardText((await h.say(BEN, CHANNEL, "stories")).items[0]!.card)).toMatch(/No story is waiting for approval in Data Stewards\. One was approved lately\.[\s\S]*Approved lately\nReflection Less email by Carol Ng: approved/);
  });
});
