import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, formOf, kernelOnRealStore, kinds, texts, type Actor, type KernelHarness } from "../support/core.js";

const setUp = async (h: KernelHarness) => h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
const CAROL = { personKey: "teams:tenant-1:aad-carol", displayName: "Carol Ng", locale: "en" } as const;
const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
const fieldErrors = (d: Delivery) => Object.fromEntries(d.items.flatMap((i) => (i.kind === "form" ? i.form.fields : [])).filter((f) => f.error).map((f) => [f.name, f.error]));
const valuesShown = (d: Delivery) => Object.fromEntries(formOf(d).fields.map((f) => [f.name, f.value]));

const QUESTIONS = [
  "How useful was the session? | rating",
  "Would you recommend it to a colleague? | nps",
  "Which day suits you? | single | Tue; Wed; *Thu*",
  "Which topics next? | multi 1-2 | Tools; Policy; Cases",
  "Anything else? | text 200 | optional",
].join("\n");
const GOOD = { title: "Our *own* survey", intro: "Five quick questions about the spring series.", questions: QUESTIONS, privacy: "anonymous", visibility: "afterClose", "deadline.date": "2026-11-30", "deadline.time": "17:00", "deadline.zone": "Europe/Rome" };

describe("a custom survey", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
  });

  async function storedSurveys(): Promise<number> {
    let n = 0;
    for await (const row of h.tables.communities.listEntities()) if (JSON.stringify(row).includes("questions")) n += 1;
    return n;
  }

  it.each([
    ["no question", { questions: "" }, "questions", /required/i],
    ["more than 20 questions", { questions: Array.from({ length: 21 }, (_, i) => `Q${i}? | rating`).join("\n") }, "questions", /At most 20 lines/],
    ["an empty option", { questions: "Day? | single | Tue;; Wed" }, "questions", /^Line 1: an option is empty/],
    ["a duplicate option", { questions: "Fine? | rating\nDay? | single | Tue; Wed; tue" }, "questions", /^Line 2: the option tue is there twice\./],
    ["min above max", { questions: "Topics? | multi 3-2 | A; B; C" }, "questions", /^Line 1: choose at least 3 and at most 2/],
    ["an unknown kind", { questions: "Fine? | stars" }, "questions", /^Line 1: stars is not a kind/],
    ["a deadline in the past", { "deadline.date": "2026-11-01" }, "deadline", /already passed/],
  ])("refuses %s with a field error, keeps what was typed, and stores nothing", async (_name, change, field, error) => {
    const shown = await h.say(ANA, CHANNEL, "custom survey");
    expect(formOf(shown).fields.map((f) => f.name)).toEqual(["title", "intro", "questions", "privacy", "visibility", "deadline", "audience", "event", "eventDate"]);
    const refused = await h.submit(ANA, shown, { ...GOOD, ...change });
    const errors = fieldErrors(refused);
    expect(Object.keys(errors)).toEqual([field]);
    expect(errors[field]).toMatch(error);
    const kept = valuesShown(refused);
    expect(kept.title).toBe(GOOD.title);
    expect(kept.intro).toBe(GOOD.intro);
    expect(kept.questions).toBe((change as { questions?: string }).questions ?? GOOD.questions);
    expect(await storedSurveys()).toBe(0);
  });

  it("is not for members", async () => {
    expect(kinds(await h.say(BEN, CHANNEL, "custom survey"))).not.toContain("form");
  });

  async function answer(who: Actor, card: Card, values: Record<string, string | string[]>) {
    const data = card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.verb === "surveys.answer.open")!.data;
    const form = await h.press(who, CHANNEL, "surveys.answer.open", { ...data, here: true });
    expect(kinds(form)).toEqual(["form"]);
    return { form, done: await h.submit(who, form, values) };
  }

  it("is announced like a template survey, answered in a form made of its questions, and tallied at the deadline", async () => {
    const done = await h.submit(ANA, await h.say(ANA, CHANNEL, "custom survey"), GOOD);
    expect(texts(done)[0]).toMatch(/Our \*own\* survey \(id \w+\) is announced in every space of Data Stewards/);
    const card = posted(done);
    expect(texts(done)[1]).toContain("Five quick questions about the spring series.");
    expect(texts(done)[1]).toMatch(/The facilitators ask for your view: 5 questions, open until/);
    expect(await storedSurveys()).toBe(1);

    const { form, done: wrong } = await answer(BEN, card, { q1: "4", q2: "9", q3: "5", q4: [] });
    expect(formOf(form).fields.map((f) => [f.label, f.kind])).toEqual([
      ["How useful was the session?", "choice"],
      ["Would you recommend it to a colleague?", "choice"],
      ["Which day suits you?", "choice"],
      ["Which topics next?", "multiChoice"],
      ["Anything else?", "longText"],
    ]);
    expect(formOf(form).fields[2]!.choices.map((c) => c.label)).toEqual(["Tue", "Wed", "*Thu*"]);
    // Answers that do not fit are refused with the reason, and nothing is stored.
    expect(Object.keys(fieldErrors(wrong))).toEqual(["q3", "q4"]);
    expect(fieldErrors(wrong).q4).toBe("Choose at least one.");
    expect(fieldErrors((await answer(BEN, card, { q1: "4", q2: "10", q3: "2", q4: ["0", "1", "2"] })).done)).toEqual({ q4: expect.stringMatching(/2/) });
    expect(texts((await answer(BEN, card, { q1: "4", q2: "10", q3: "2", q4: ["0", "2"], q5: "More =HYPERLINK cases" })).done)).toEqual([
      "Thank you: your answers to Our *own* survey are recorded without your name. You can change them until it closes.",
    ]);
    await answer(CAROL, card, { q1: "2", q2: "3", q3: "0", q4: ["2"] });

    const id = String(card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []))[0]!.data.survey);
    h.setNow("2026-11-30T16:00:00Z");
    await h.kernel.runJob(h.kernel.registry.job("surveys.close")!, { communityId: "community-1", surveyId: id }, { key: "k", dueAt: new Date(), lateMs: 0, signal: new AbortController().signal });
    const results = texts(await h.say(BEN, CHANNEL, `results ${id}`))[0]!;
    expect(results).toMatch(/2 of 3 answered/);
    expect(results).toMatch(/Average 3 out of 5/);
    expect(results).toMatch(/Net promoter score 0/);
    expect(results).toMatch(/Tue: 1 \(50%\)\nWed: 0 \(0%\)\n\*Thu\*: 1 \(50%\)/);
    expect(results).toMatch(/Tools: 1 \(50%\)\nPolicy: 0 \(0%\)\nCases: 2 \(100%\)/);
    expect(results).toContain("More =HYPERLINK cases");
  });
});
