import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, SLACK_CAROL, SLACK_CHANNEL, formOf, kernelOnRealStore, kinds, texts, verbsOf, type Actor, type KernelHarness } from "../support/core.js";

const setUp = async (h: KernelHarness) => h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
const CAROL = { personKey: "teams:tenant-1:aad-carol", displayName: "Carol Ng", locale: "en" } as const;

const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
const optionData = (card: Card, label: string) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.label === label)!.data;

/** Every row of a table, keys and values, as text (responses: the responses alone, without the counter rows and the free-text rows, see surveysTexts.test.ts). */
async function rowsOf(h: KernelHarness, table: "surveyResponses" | "surveyKeys" | "communities"): Promise<string[]> {
  const rows: string[] = [];
  for await (const row of h.tables[table].listEntities()) if (table !== "surveyResponses" || !row.rowKey?.startsWith("~")) rows.push(JSON.stringify(row));
  return rows;
}

/** Every row of every table of the store and the scheduler, by table and keys, as text (its ETag with it). */
async function everyRow(h: KernelHarness): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  const tables = [...Object.entries(h.tables), ...Object.entries(h.scheduling.storage.tables)];
  for (const [name, table] of tables) for await (const row of table.listEntities()) rows.set(`${name}|${row.partitionKey}|${row.rowKey}`, `${name} ${JSON.stringify(row)}`);
  return rows;
}
/** The rows written (new or changed) between two snapshots. */
const writtenSince = (before: Map<string, string>, after: Map<string, string>) => [...after].filter(([key, row]) => before.get(key) !== row).map(([, row]) => row);

describe("a quick poll", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
  });
  /** People take part by acting in the channel (an answer alone enrols no one). */
  const join = async (...people: Actor[]) => {
    for (const who of people) await h.say(who, CHANNEL, "surveys");
  };

  it("is posted to the community with a button per option, anonymous by default, and the grammar is in the help", async () => {
    const done = await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed "Thu am"');
    expect(kinds(done)).toEqual(["reply", "post"]);
    expect(texts(done)[0]).toMatch(/Your anonymous poll \w+ is posted in every space of Data Stewards\. Close it with .*close survey \w+/);
    const card = posted(done);
    expect(card.title).toBe("Which day suits?");
    expect(verbsOf(card)).toEqual(["surveys.vote", "surveys.vote", "surveys.vote"]);
    const text = texts(done)[1]!;
    expect(text).toMatch(/Tue: 0 \(0%\)\nWed: 0 \(0%\)\nThu am: 0 \(0%\)/);
    expect(text).toMatch(/0 of 1 answered/);
    expect(text).toMatch(/Anonymous: no one, not even the facilitators, can see who answered what/);
    // The question may also run up to its question mark, without quotes.
    expect(posted(await h.say(ANA, CHANNEL, "poll named Lunch where? Pizza Salad")).title).toBe("Lunch where?");
    expect(texts(await h.say(ANA, CHANNEL, "help"))[0]).toContain('poll [named] [here | for going EVENT [DATE] | for attended EVENT [DATE]] "QUESTION?" OPTION OPTION …');
  });

  it("counts one answer per member, changeable, with a private confirmation and the counts updated for everyone", async () => {
    await join(BEN, CAROL);
    const card = posted(await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed Thu'));
    const first = await h.press(BEN, CHANNEL, "surveys.vote", optionData(card, "Tue"));
    expect(first.items.map((i) => [i.kind, i.kind === "reply" ? i.secret : i.kind === "replace" ? i.for : ""])).toEqual([
      ["reply", true],
      ["replace", "everyone"],
    ]);
    expect(texts(first)[0]).toMatch(/You answered Tue to Which day suits\?\. Your answer is stored without your name/);
    expect(texts(first)[1]).toMatch(/Tue: 1 \(100%\)\nWed: 0 \(0%\)/);
    expect(texts(first)[1]).toMatch(/1 of 3 answered/);
    await h.press(CAROL, CHANNEL, "surveys.vote", optionData(card, "Wed"));
    // Ben changes his mind: his answer is replaced, not added.
    const changed = await h.press(BEN, CHANNEL, "surveys.vote", optionData(card, "Wed"));
    expect(texts(changed)[1]).toMatch(/Tue: 0 \(0%\)\nWed: 2 \(100%\)\nThu: 0 \(0%\)/);
    expect(texts(changed)[1]).toMatch(/2 of 3 answered/);
  });

  it("stores anonymous answers with no identity, deletes the ballot key at close, then refuses answers and posts the results", async () => {
    await join(BEN, CAROL);
    const card = posted(await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed Thu'));
    const id = String(optionData(card, "Tue").survey);
    await h.press(BEN, CHANNEL, "surveys.vote", optionData(card, "Tue"));
    await h.press(CAROL, CHANNEL, "surveys.vote", optionData(card, "Thu"));
    await h.press(ANA, CHANNEL, "surveys.vote", optionData(card, "Thu"));
    const answers = await rowsOf(h, "surveyResponses");
    expect(answers).toHaveLength(3);
    for (const row of answers) for (const who of [BEN, CAROL, ANA]) for (const trace of [who.personKey, who.personKey.split(":").at(-1)!, who.displayName]) expect(row).not.toContain(trace);
    expect(await rowsOf(h, "surveyKeys")).toHaveLength(1);

    expect(texts(await h.say(BEN, CHANNEL, `close survey ${id}`))[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
    const closed = await h.say(ANA, CHANNEL, `close survey ${id.toLowerCase()}`);
    expect(texts(closed)[0]).toBe("Which day suits? is closed. The results are posted in every space.");
    const results = texts(closed)[1]!;
    expect(results).toMatch(/^Results: Which day suits\?/);
    expect(results).toMatch(/Tue: 1 \(33%\)\nWed: 0 \(0%\)\nThu: 2 \(67%\)/);
    expect(results).toMatch(/3 of 3 answered/);
    const chart = posted(closed).blocks.find((b) => b.type === "chart");
    expect(chart).toMatchObject({ kind: "horizontalBar", categories: ["Tue", "Wed", "Thu"], series: [{ values: [1, 0, 2] }] });
    expect(await rowsOf(h, "surveyKeys")).toEqual([]);

    const late = await h.press(BEN, CHANNEL, "surveys.vote", optionData(card, "Wed"));
    expect(texts(late)[0]).toBe("Which day suits? is closed, so answers are no longer taken. Thank you all the same.");
    // The card pressed late shows everyone that the poll is closed, with its final counts and no buttons.
    expect(late.items[1]).toMatchObject({ kind: "replace", for: "everyone" });
    expect(texts(late)[1]).toMatch(/Thu: 2 \(67%\)[\s\S]*This poll is closed\./);
    expect(verbsOf(late.items[1]!.card)).toEqual([]);
    expect(await rowsOf(h, "surveyResponses")).toHaveLength(3);
    expect(texts(await h.say(ANA, CHANNEL, `close survey ${id}`))[0]).toMatch(/is closed, so answers are no longer taken/);
  });

  it("writes nothing about who answers anonymously: a non-member is told how to join, a member's first answer of the month marks no activity", async () => {
    await join(BEN);
    const card = posted(await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed Thu'));
    // Carol never took part here: her press is refused with how to join, and nothing is written.
    const before = await everyRow(h);
    const refused = await h.press(CAROL, CHANNEL, "surveys.vote", optionData(card, "Tue"));
    expect(texts(refused)).toEqual(["Only members of Data Stewards can answer, and answering never makes you one, so that an anonymous answer cannot be tied to you. Type @CoP Companion join to take part, then answer again."]);
    expect(writtenSince(before, await everyRow(h))).toEqual([]);

    // Ben's first answer in December: the answer, its counts and the card's refresh are written, and none names him.
    h.setNow("2026-12-01T09:00:00Z");
    const snapshot = await everyRow(h);
    expect(texts(await h.press(BEN, CHANNEL, "surveys.vote", optionData(card, "Wed")))[0]).toMatch(/You answered Wed/);
    const written = writtenSince(snapshot, await everyRow(h));
    expect(written.filter((row) => row.startsWith("surveyResponses ") && !row.includes('"rowKey":"~t:'))).toHaveLength(1);
    for (const row of written) for (const trace of [BEN.personKey, "aad-ben", BEN.displayName]) expect(row).not.toContain(trace);
    // What the answer left out: anything else Ben does in December marks him active, with his name on the row.
    await h.say(BEN, CHANNEL, "surveys");
    expect(writtenSince(snapshot, await everyRow(h)).filter((row) => row.includes("aad-ben") && row.includes('"partitionKey":"a:'))).not.toEqual([]);
  });

  it("refuses an answer to another community's poll", async () => {
    const card = posted(await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed'));
    await h.submit(SLACK_CAROL, await h.say(SLACK_CAROL, SLACK_CHANNEL, "setup"), { ...CHARTER_VALUES, name: "Other CoP" });
    expect(texts(await h.press(SLACK_CAROL, SLACK_CHANNEL, "surveys.vote", optionData(card, "Tue")))).toEqual(["That survey does not exist in this community."]);
    expect(await rowsOf(h, "surveyResponses")).toEqual([]);
  });

  it("keeps who answered in a named poll", async () => {
    await join(BEN);
    const card = posted(await h.say(ANA, CHANNEL, 'poll named "Lunch?" Pizza Salad'));
    expect(texts(await h.press(BEN, CHANNEL, "surveys.vote", optionData(card, "Salad")))[0]).toMatch(/You answered Salad to Lunch\?\. You can change it/);
    const [row] = await rowsOf(h, "surveyResponses");
    expect(row).toContain(BEN.personKey);
  });

  it("refuses polls that do not read, options that do not exist and other communities' surveys, storing nothing", async () => {
    expect(texts(await h.say(BEN, CHANNEL, 'poll "Q?" A B'))[0]).toMatch(/Only the facilitators/);
    expect(texts(await h.say(ANA, CHANNEL, "poll Which day suits Tue Wed"))[0]).toMatch(/I could not read that poll. Type it as/);
    expect(texts(await h.say(ANA, CHANNEL, 'poll "Which day?" Tue'))[0]).toMatch(/A poll needs 2 to 10 options/);
    expect(texts(await h.say(ANA, CHANNEL, `poll "Which day?" ${"abcdefghijk".split("").join(" ")}`))[0]).toMatch(/A poll needs 2 to 10 options/);
    expect(texts(await h.say(ANA, CHANNEL, 'poll "Which day?" Tue tue'))[0]).toMatch(/Two options are the same/);
    expect(texts(await h.say(ANA, CHANNEL, `poll "${"x".repeat(201)}?" A B`))[0]).toMatch(/at most 200 characters/);
    expect(texts(await h.say(ANA, CHANNEL, "surveys"))[0]).toMatch(/No survey or poll is open/);
    const card = posted(await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed'));
    const data = optionData(card, "Tue");
    expect(texts(await h.press(BEN, CHANNEL, "surveys.vote", { ...data, option: 5 }))).toEqual(["That is not one of this poll's options."]);
    expect(texts(await h.press(BEN, CHANNEL, "surveys.vote", { ...data, survey: "NOPE42" }))).toEqual(["That survey does not exist in this community."]);
    expect(texts(await h.press(BEN, CHANNEL, "surveys.vote", { ...data, option: "x" }))[0]).toMatch(/option/);
    expect(await rowsOf(h, "surveyResponses")).toEqual([]);
    expect(texts(await h.say(BEN, CHANNEL, "surveys"))[0]).toMatch(/Which day suits\? \(id \w+\)/);
  });
});

describe("a survey from a template", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
  });

  const FEEDBACK = { template: "postEvent", title: "Feedback on the March webinar", privacy: "anonymous", visibility: "afterClose", "deadline.date": "2026-11-30", "deadline.time": "17:00", "deadline.zone": "Europe/Rome" };
  const fieldErrors = (d: Delivery) => Object.fromEntries(d.items.flatMap((i) => (i.kind === "form" ? i.form.fields : [])).filter((f) => f.error).map((f) => [f.name, f.error]));

  /** A member opens the answer form from the announcement (in Teams, through the button in their own chat) and submits it. */
  async function answer(who: Actor, card: Card, values: Record<string, string | string[]>) {
    const data = card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.verb === "surveys.answer.open")!.data;
    const prompt = await h.press(who, CHANNEL, "surveys.answer.open", data);
    expect(texts(prompt)[0]).toMatch(/go in a form only you see/);
    const again = prompt.items[0]!.card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []))[0]!.data;
    const form = await h.press(who, CHANNEL, "surveys.answer.open", again);
    expect(kinds(form)).toEqual(["form"]);
    return h.submit(who, form, values);
  }

  it("is announced with an Answer button; answers are checked, changeable, and tallied with averages, NPS and texts at the deadline", async () => {
    const shown = await h.say(ANA, CHANNEL, "survey");
    expect(formOf(shown).fields.map((f) => f.name)).toEqual(["template", "title", "privacy", "visibility", "deadline", "audience", "event", "eventDate"]);
    expect(fieldErrors(await h.submit(ANA, shown, { ...FEEDBACK, "deadline.date": "2026-11-01" }))).toEqual({ deadline: "The deadline has already passed. Choose a time in the future." });
    const done = await h.submit(ANA, shown, FEEDBACK);
    expect(texts(done)[0]).toMatch(/Feedback on the March webinar \(id \w+\) is announced in every space of Data Stewards/);
    const card = posted(done);
    expect(texts(done)[1]).toMatch(/The facilitators ask for your view: 5 questions, open until/);
    expect(texts(done)[1]).toMatch(/The results go to every space when it closes\./);
    expect(JSON.stringify(card.blocks)).toContain("<time:2026-11-30T16:00:00Z|");
    expect(verbsOf(card)).toEqual(["surveys.answer.open"]);

    // The form is generated from the template: scores as choices, options, a multiple choice with min/max, free text.
    const wrong = await answer(BEN, card, { q1: "4", q2: "1", q3: [], q4: "10", q5: "x".repeat(1001) });
    expect(fieldErrors(wrong)).toEqual({ q3: "Choose at least one.", q5: "Too long: 1001 characters, at most 1000." });
    expect(await rowsOf(h, "surveyResponses")).toEqual([]);
    const answered = await answer(BEN, card, { q1: "4", q2: "1", q3: ["0", "2"], q4: "10", q5: "More *examples*" });
    expect(texts(answered)).toEqual(["Thank you: your answers to Feedback on the March webinar are recorded without your name. You can change them until it closes."]);
    await answer(CAROL, card, { q1: "2", q2: "2", q3: ["2"], q4: "3", q5: "" });
    // Ben changes his answers: the form starts from them, and the new ones replace the old.
    await answer(BEN, card, { q1: "5" });
    await answer(ANA, card, { q1: "3", q2: "1", q3: ["1"], q4: "8" });
    expect(await rowsOf(h, "surveyResponses")).toHaveLength(3);

    const id = String(card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []))[0]!.data.survey);
    expect(texts(await h.say(BEN, CHANNEL, `results ${id}`))).toEqual(["The results of Feedback on the March webinar are shown once it closes."]);

    // At the deadline: late answers are refused, and the close job sends the results to every space.
    h.setNow("2026-11-30T16:00:00Z");
    expect(texts(await h.press(CAROL, CHANNEL, "surveys.answer.open", { survey: id }))).toEqual(["Feedback on the March webinar is closed, so answers are no longer taken. Thank you all the same."]);
    await h.kernel.runJob(h.kernel.registry.job("surveys.close")!, { communityId: "community-1", surveyId: id }, { key: "k", dueAt: new Date(), lateMs: 0, signal: new AbortController().signal });
    expect(await rowsOf(h, "surveyKeys")).toEqual([]);
    // The results go to every space of the community through a fan-out.
    const fanouts: Array<{ key: string; payload: { audience: unknown; card: { presenter: string } } }> = [];
    for await (const row of h.scheduling.storage.tables.jobs.listEntities<{ json?: string }>()) if (row.json?.includes('"kind":"fanout"')) fanouts.push(JSON.parse(row.json));
    expect(fanouts.filter((f) => f.key.endsWith(":results")).map((f) => [f.payload.audience, f.payload.card.presenter])).toEqual([[{ kind: "spaces", communityId: "community-1", except: [] }, "surveys.results"]]);
    const results = texts(await h.say(BEN, CHANNEL, `results ${id}`))[0]!;
    expect(results).toMatch(/^Results: Feedback on the March webinar/);
    expect(results).toMatch(/3 of 3 answered/);
    expect(results).toMatch(/1: 0 \(0%\)\n2: 1 \(33%\)\n3: 1 \(33%\)\n4: 0 \(0%\)\n5: 1 \(33%\)/);
    expect(results).toMatch(/Average 3\.3 out of 5/);
    expect(results).toMatch(/Too short: 0 \(0%\)\nAbout right: 2 \(67%\)\nToo long: 1 \(33%\)/);
    expect(results).toMatch(/The talks: 1 \(33%\)\nDiscussion: 1 \(33%\)\nExamples from practice: 2 \(67%\)/);
    // NPS: one promoter (10), one passive (8), one detractor (3): 0.
    expect(results).toMatch(/Net promoter score 0/);
    expect(results).toContain("More *examples*");
    expect(results).not.toMatch(/Ben|Carol|Ana/);
  });

  it("keeps results to the stewards when asked", async () => {
    const done = await h.submit(ANA, await h.say(ANA, CHANNEL, "survey"), { ...FEEDBACK, template: "checkIn", visibility: "stewards", privacy: "named" });
    const id = String(posted(done).blocks.flatMap((b) => (b.type === "actions" ? b.actions : []))[0]!.data.survey);
    expect(texts(done)[1]).toMatch(/Named: the facilitators can see who answered what/);
    expect(texts(await h.say(BEN, CHANNEL, `results ${id}`))).toEqual(["Only the facilitators see the results of Feedback on the March webinar."]);
    await answer(BEN, posted(done), { q1: "4", q2: "2", q3: "Tried the *new* checklist" });
    const forSteward = texts(await h.say(ANA, CHANNEL, `results ${id}`))[0]!;
    expect(forSteward).toMatch(/^Results so far: Feedback on the March webinar/);
    // Named: the stewards see who answered what.
    expect(forSteward).toMatch(/Who answered what[\s\S]*Person\nQ1\nQ2\nQ3\nBen Okafor\n4\nClearly\nTried the \*new\* checklist/);
    const closed = await h.say(ANA, CHANNEL, `close survey ${id}`);
    expect(closed.items.map((i) => [i.kind, i.kind === "reply" ? i.secret : ""])).toEqual([
      ["reply", true],
      ["reply", true],
    ]);
  });
});
