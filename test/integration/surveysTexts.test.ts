import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { memberFor } from "../../src/core/kernel/members.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, cardText, kernelOnRealStore, numbered, texts, type Actor, type KernelHarness } from "../support/core.js";

/** Free-text answers are kept in rows of their own: results list a few of them and say how many more, without reading every response. */
const SURVEY = { title: "Spring series", intro: "", questions: "Was the pace right? | rating\nAnything else? | text 300 | optional", visibility: "live", "deadline.date": "2026-12-20", "deadline.time": "17:00", "deadline.zone": "Europe/Rome" };
const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
const person = (n: number) => numbered("Writer", n);

describe("free-text answers", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    await h.say(BEN, CHANNEL, "surveys");
  });

  const start = async (privacy: "anonymous" | "named") => {
    const card = posted(await h.submit(ANA, await h.say(ANA, CHANNEL, "custom survey"), { ...SURVEY, privacy }));
    const data = card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.verb === "surveys.answer.open")!.data;
    return { card, id: String(data.survey), data };
  };
  const answer = async (who: Actor, data: Record<string, unknown>, values: Record<string, string>) => h.submit(who, await h.press(who, CHANNEL, "surveys.answer.open", { ...data, here: true }), values);
  /** The rows that keep the texts (after the counters in the survey's response partition). */
  async function textRows(): Promise<string[]> {
    const rows: string[] = [];
    for await (const row of h.tables.surveyResponses.listEntities()) if (row.rowKey?.startsWith("~x:")) rows.push(JSON.stringify(row));
    return rows;
  }
  const resultsCard = async (id: string): Promise<Card> => (await h.say(ANA, CHANNEL, `results ${id}`)).items[0]!.card;
  const resultsText = async (id: string) => cardText(await resultsCard(id));

  it("lists 20 of 60 and says how many more, reading no response row; anonymous texts carry no identity", async () => {
    const { id } = await start("anonymous");
    const survey = (await h.deps.repos.surveys.get("community-1", id))!.value;
    // 60 members answer at once (through the store's group commits, as a burst of presses would).
    await Promise.all(Array.from({ length: 60 }, (_, n) => h.deps.repos.members.add(memberFor(person(n), { communityId: "community-1", spaceKey: CHANNEL.spaceKey, role: "member", now: "2026-11-23T08:00:00Z" }), { optedOut: false })));
    await Promise.all(Array.from({ length: 60 }, (_, n) => h.deps.repos.surveys.respond(survey, person(n).personKey, { q1: 3, q2: `Idea number ${n} from the floor` })));
    const rows = await textRows();
    expect(rows).toHaveLength(60);
    for (const row of rows) for (const trace of ["aad-writer", "Writer ", "teams:tenant-1"]) expect(row).not.toContain(trace);

    const everyResponse = vi.spyOn(h.deps.repos.surveys, "responses");
    const card = await resultsCard(id);
    const shown = cardText(card);
    expect(everyResponse).not.toHaveBeenCalled();
    expect(shown.match(/Idea number \d+ from the floor/g)).toHaveLength(20);
    // The list says "…and 40 more".
    expect(card.blocks.find((b) => b.type === "list" && b.items.some((i) => i.includes("Idea number")))).toMatchObject({ omitted: 40 });
    expect(shown).toContain("All 60 written answers are in the CSV export, which a facilitator can ask for.");
    expect(shown).toMatch(/60 of 62 answered/);
  });

  it("replaces a changed text and removes an emptied one, in the same write as the answer", async () => {
    const { id, data } = await start("named");
    await answer(BEN, data, { q1: "4", q2: "Too fast" });
    expect(await textRows()).toEqual([expect.stringContaining("Too fast")]);
    // A named survey's text row says who wrote it, as its response does.
    expect((await textRows())[0]).toContain(BEN.personKey);
    await answer(BEN, data, { q1: "4", q2: "Just right, on reflection" });
    const changed = await textRows();
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain("Just right, on reflection");
    expect(changed[0]).not.toContain("Too fast");
    expect(await resultsText(id)).toMatch(/Just right, on reflection/);
    expect(texts(await answer(BEN, data, { q1: "4", q2: "" }))[0]).toMatch(/recorded/);
    expect(await textRows()).toEqual([]);
    const results = await resultsText(id);
    expect(results).toContain("No written answers.");
    expect(results).not.toContain("Just right");
  });
});
