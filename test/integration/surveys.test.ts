import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, kernelOnRealStore, kinds, texts, verbsOf, type KernelHarness } from "../support/core.js";

const setUp = async (h: KernelHarness) => h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
const CAROL = { personKey: "teams:tenant-1:aad-carol", displayName: "Carol Ng", locale: "en" } as const;

const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
const optionData = (card: Card, label: string) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.label === label)!.data;

/** Every row of a table, keys and values, as text. */
async function rowsOf(h: KernelHarness, table: "surveyResponses" | "surveyKeys" | "communities"): Promise<string[]> {
  const rows: string[] = [];
  for await (const row of h.tables[table].listEntities()) rows.push(JSON.stringify(row));
  return rows;
}

describe("a quick poll", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
  });

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
    expect(texts(await h.say(ANA, CHANNEL, "help"))[0]).toContain('poll [named] "QUESTION?" OPTION OPTION …');
  });

  it("counts one answer per member, changeable, with a private confirmation and the counts updated for everyone", async () => {
    const card = posted(await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed Thu'));
    const first = await h.press(BEN, CHANNEL, "surveys.vote", optionData(card, "Tue"));
    expect(first.items.map((i) => [i.kind, i.kind === "reply" ? i.secret : i.kind === "replace" ? i.for : ""])).toEqual([
      ["reply", true],
      ["replace", "everyone"],
    ]);
    expect(texts(first)[0]).toMatch(/You answered Tue to Which day suits\?\. Your answer is stored without your name/);
    expect(texts(first)[1]).toMatch(/Tue: 1 \(100%\)\nWed: 0 \(0%\)/);
    expect(texts(first)[1]).toMatch(/1 of 2 answered/);
    await h.press(CAROL, CHANNEL, "surveys.vote", optionData(card, "Wed"));
    // Ben changes his mind: his answer is replaced, not added.
    const changed = await h.press(BEN, CHANNEL, "surveys.vote", optionData(card, "Wed"));
    expect(texts(changed)[1]).toMatch(/Tue: 0 \(0%\)\nWed: 2 \(100%\)\nThu: 0 \(0%\)/);
    expect(texts(changed)[1]).toMatch(/2 of 3 answered/);
  });

  it("stores anonymous answers with no identity, deletes the ballot key at close, then refuses answers and posts the results", async () => {
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

    expect(texts(await h.press(BEN, CHANNEL, "surveys.vote", optionData(card, "Wed")))).toEqual(["Which day suits? is closed, so answers are no longer taken. Thank you all the same."]);
    expect(await rowsOf(h, "surveyResponses")).toHaveLength(3);
    expect(texts(await h.say(ANA, CHANNEL, `close survey ${id}`))[0]).toMatch(/is closed, so answers are no longer taken/);
  });

  it("keeps who answered in a named poll", async () => {
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
