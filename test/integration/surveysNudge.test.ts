import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, cardText, kernelOnRealStore, kinds, listJobs, texts, verbsOf, type Actor, type KernelHarness, type StoredJob } from "../support/core.js";

/** Nudges: reminders by direct message to those who have not answered a survey, and muting them. */
const CAROL = { personKey: "teams:tenant-1:aad-carol", displayName: "Carol Ng", locale: "en" } as const;
const DEV = { personKey: "teams:tenant-1:aad-dev", displayName: "Dev Rao", locale: "en" } as const;
const CAROL_CHAT = { spaceKey: "teams:tenant-1:a:1on1-carol", platform: "teams", displayName: "", personal: true } as const;

const FEEDBACK = { template: "postEvent", title: "Feedback on the March webinar", privacy: "anonymous", visibility: "afterClose", "deadline.date": "2026-11-30", "deadline.time": "17:00", "deadline.zone": "Europe/Rome" };
const ANSWERS = { q1: "4", q2: "1", q3: ["0"], q4: "9", q5: "" };

const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
const actionsOf = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));
type Fanout = { audience: { kind: string; people?: string[] }; card: { presenter: string; data: Record<string, unknown> } };

describe("survey reminders (nudges)", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    // Everyone joins the roster by speaking in the channel.
    for (const who of [BEN, CAROL, DEV]) await h.say(who, CHANNEL, "surveys");
  });

  async function start(values: Record<string, string> = {}): Promise<{ card: Card; id: string }> {
    const card = posted(await h.submit(ANA, await h.say(ANA, CHANNEL, "survey"), { ...FEEDBACK, ...values }));
    return { card, id: String(actionsOf(card)[0]!.data.survey) };
  }
  /** Answers from the channel, as in Teams: the prompt in the person's chat, then the form. */
  async function answer(who: Actor, id: string) {
    const prompt = await h.press(who, CHANNEL, "surveys.answer.open", { survey: id });
    const form = await h.press(who, CHANNEL, "surveys.answer.open", actionsOf(prompt.items[0]!.card)[0]!.data);
    return h.submit(who, form, ANSWERS);
  }
  const runNudge = async (job: StoredJob) =>
    h.kernel.runJob(h.kernel.registry.job("surveys.nudge")!, job.payload, { key: job.key, dueAt: new Date(job.dueAt), lateMs: 0, signal: new AbortController().signal });
  const nudgeFanouts = async (prefix: string) => (await listJobs(h, "fanout")).filter((j) => j.key.startsWith(prefix)).map((j) => j.payload as unknown as Fanout);
  const reached = (fanouts: Fanout[]) => fanouts.flatMap((f) => f.audience.people ?? []).sort();

  it("reaches, a day before the deadline, exactly the members who have not answered an anonymous survey and have not muted reminders", async () => {
    const { id } = await start();
    const [job] = await listJobs(h, "surveys.nudge");
    // 17:00 in Rome on 30 November is 16:00 UTC: the reminder is due a day before.
    expect(job).toMatchObject({ dueAt: "2026-11-29T16:00:00.000Z", payload: { communityId: "community-1", surveyId: id } });

    await answer(BEN, id);
    expect(texts(await h.say(DEV, CHANNEL, "mute survey reminders"))).toEqual([
      "You will get no survey reminders from Data Stewards any more; its channels still show the surveys. Type @CoP Companion unmute survey reminders to get them again.",
    ]);
    h.setNow("2026-11-29T16:00:00Z");
    await runNudge(job!);
    const sent = await nudgeFanouts("nudge:");
    // Ana (who started it) and Carol have not answered; Ben has, Dev muted them.
    expect(reached(sent)).toEqual([ANA.personKey, CAROL.personKey].sort());
    expect(sent.every((f) => f.audience.kind === "people" && f.card.presenter === "surveys.nudge")).toBe(true);
    // Running it again (another instance, a retry) sends nothing more.
    await runNudge(job!);
    expect(await nudgeFanouts("nudge:")).toHaveLength(2);

    // Anonymous: who answered was found by keyed hash; the answers still hold no identity, and nothing lists who answered.
    for await (const row of h.tables.surveyResponses.listEntities()) for (const trace of [BEN.personKey, "aad-ben", BEN.displayName]) expect(JSON.stringify(row)).not.toContain(trace);
    for await (const row of h.tables.communities.listEntities()) if (JSON.stringify(row).includes(id)) expect(JSON.stringify(row)).not.toContain("aad-ben");

    // Carol's DM: which survey, the deadline in her zone, and an Answer button that works from her own chat.
    const toCarol = sent.find((f) => f.audience.people?.includes(CAROL.personKey))!;
    const dm = h.kernel.presentToAll(toCarol.card, { locale: "en", platform: "teams", personal: true, timezone: "America/New_York" });
    expect(cardText(dm)).toMatch(/Reminder: Feedback on the March webinar\nYou have not answered Feedback on the March webinar yet\. It closes .*Nov.*11:00/);
    expect(cardText(dm)).toMatch(/type mute survey reminders in its channel/);
    expect(verbsOf(dm)).toEqual(["surveys.answer.open"]);
    const form = await h.press(CAROL, CAROL_CHAT, "surveys.answer.open", actionsOf(dm)[0]!.data);
    expect(kinds(form)).toEqual(["form"]);
    expect(texts(await h.submit(CAROL, form, ANSWERS))[0]).toMatch(/your answers to Feedback on the March webinar are recorded without your name/);

    // "Send reminder now": now only Ana is left (Dev still muted); once Dev unmutes, Dev too.
    h.setNow("2026-11-29T18:00:00Z");
    expect(texts(await h.say(ANA, CHANNEL, `remind survey ${id}`))).toEqual(["A reminder about Feedback on the March webinar is on its way to 1 member who has not answered yet."]);
    expect(reached(await nudgeFanouts("nudge-now:"))).toEqual([ANA.personKey]);
    expect(texts(await h.say(DEV, CHANNEL, "unmute survey reminders"))).toEqual(["You will get survey reminders from Data Stewards again."]);
    h.setNow("2026-11-29T18:05:00Z");
    await h.say(ANA, CHANNEL, `remind survey ${id}`);
    expect(reached(await nudgeFanouts("nudge-now:"))).toEqual([ANA.personKey, ANA.personKey, DEV.personKey].sort());
    // Only stewards send reminders.
    expect(texts(await h.say(BEN, CHANNEL, `remind survey ${id}`))[0]).toMatch(/Only the facilitators/);
  });

  it("offers stewards a Send reminder now button on their view of the results, and works the same for a named survey", async () => {
    const { id } = await start({ privacy: "named" });
    await answer(CAROL, id);
    const results = (await h.say(ANA, CHANNEL, `results ${id}`)).items[0]!.card;
    const button = actionsOf(results).find((a) => a.verb === "surveys.remind")!;
    expect(button.label).toBe("Send reminder now");
    expect(texts(await h.press(ANA, CHANNEL, "surveys.remind", button.data))).toEqual(["A reminder about Feedback on the March webinar is on its way to 3 members who have not answered yet."]);
    expect(reached(await nudgeFanouts("nudge-now:"))).toEqual([ANA.personKey, BEN.personKey, DEV.personKey].sort());
    expect(actionsOf((await h.say(BEN, CHANNEL, `results ${id}`)).items[0]!.card).map((a) => a.verb)).not.toContain("surveys.remind");
  });

  it("reminds about a poll by pointing to its card in the channel", async () => {
    const card = posted(await h.say(ANA, CHANNEL, 'poll "Lunch where?" Pizza Salad'));
    const id = String(actionsOf(card)[0]!.data.survey);
    await h.press(BEN, CHANNEL, "surveys.vote", actionsOf(card)[0]!.data);
    expect(texts(await h.say(ANA, CHANNEL, `remind poll ${id}`))).toEqual(["A reminder about Lunch where? is on its way to 3 members who have not answered yet."]);
    const sent = await nudgeFanouts("nudge-now:");
    expect(reached(sent)).toEqual([ANA.personKey, CAROL.personKey, DEV.personKey].sort());
    const dm = h.kernel.presentToAll(sent[0]!.card, { locale: "en", platform: "teams", personal: true, timezone: "Europe/Rome" });
    expect(cardText(dm)).toMatch(/You have not answered Lunch where\? yet\.\nAnswer it on its card in your community's channel\./);
    expect(verbsOf(dm)).toEqual([]);
  });

  it("sends nothing for a closed survey, refuses a reminder now politely, and schedules none when the deadline is within a day", async () => {
    const { id } = await start();
    const [job] = await listJobs(h, "surveys.nudge");
    await h.say(ANA, CHANNEL, `close survey ${id}`);
    h.setNow("2026-11-29T16:00:00Z");
    await runNudge(job!);
    expect(await nudgeFanouts("nudge")).toEqual([]);
    expect(texts(await h.say(ANA, CHANNEL, `remind survey ${id}`))).toEqual(["Feedback on the March webinar is closed, so no reminder is sent."]);
    expect(await nudgeFanouts("nudge")).toEqual([]);

    await start({ title: "Soon", "deadline.date": "2026-11-30", "deadline.time": "08:00", "deadline.zone": "UTC" });
    expect((await listJobs(h, "surveys.nudge")).map((j) => j.payload.surveyId)).toEqual([id]);
  });
});
