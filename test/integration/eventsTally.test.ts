import { beforeAll, describe, expect, it } from "vitest";
import type { Answer } from "../../src/core/workflows/events/model.js";
import { createLogger } from "../../src/log.js";
import { openStore, type Store } from "../../src/store/index.js";
import { testConnectionString, uniquePrefix } from "../support/storage.js";

/**
 * The counts on an event's card come from counters kept as answers are stored, not from reading every
 * answer again on each press: they must equal a recount of the answer rows however the presses interleave.
 */
describe("answer counts", () => {
  let store: Store;
  beforeAll(async () => {
    const opened = openStore({ connectionString: testConnectionString(), tablePrefix: uniquePrefix() }, createLogger("silent"));
    await opened.prepare();
    store = opened;
  });

  const at = "2030-01-10T14:00:00Z";
  const press = (person: number, answer: Answer) => store.repos.events.answer("c-count", { eventId: "e1", occurrence: at, personKey: `slack:T1:U${person}`, answer, at: new Date().toISOString() });

  it("equal a recount after 120 presses at once, people changing their minds and pressing twice", async () => {
    const presses = Array.from({ length: 80 }, (_, i) => press(i, (["going", "maybe", "no"] as const)[i % 3]!));
    // Twenty of them change their answer while the first presses are still being stored, and ten press the same twice.
    presses.push(...Array.from({ length: 20 }, (_, i) => press(i, "going")));
    presses.push(...Array.from({ length: 10 }, (_, i) => press(40 + i, "maybe")), ...Array.from({ length: 10 }, (_, i) => press(40 + i, "maybe")));
    await Promise.all(presses);

    const counted = await store.repos.events.tally("c-count", "e1", at);
    expect(counted).toEqual(await store.repos.events.recount("c-count", "e1", at));
    expect(counted.going + counted.maybe + counted.no).toBe(80);
    // Then ten people all say no: the counts move by exactly what their answers were.
    const before = await Promise.all(Array.from({ length: 10 }, (_, i) => store.repos.events.answerOf("c-count", "e1", at, `slack:T1:U${i}`)));
    await Promise.all(Array.from({ length: 10 }, (_, i) => press(i, "no")));
    const after = await store.repos.events.tally("c-count", "e1", at);
    expect(after).toEqual(await store.repos.events.recount("c-count", "e1", at));
    expect(after.no - counted.no).toBe(before.filter((a) => a !== "no").length);
  });

  it("start at nothing for a date nobody answered", async () => {
    expect(await store.repos.events.tally("c-count", "e1", "2030-01-17T14:00:00Z")).toEqual({ going: 0, maybe: 0, no: 0 });
  });
});
