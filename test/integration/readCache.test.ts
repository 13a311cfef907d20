import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import { Kernel, type Delivery } from "../../src/core/kernel/kernel.js";
import { ORIGIN } from "../../src/core/kernel/origin.js";
import { recountedState } from "../../src/core/workflows/surveys/tally.js";
import { createLogger } from "../../src/log.js";
import { openStore } from "../../src/store/index.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, PEOPLE, kernelOnRealStore, kinds, numbered, texts, type Actor, type KernelHarness } from "../support/core.js";

/**
 * Each instance keeps the rows read on every request (a space's community, the community row) for a short while.
 * What a person changes must still apply: at once on the instance that made the change, a role at once everywhere,
 * and a community changed through another instance never overwritten from a stale copy.
 */
describe("rows cached per instance", () => {
  let h: KernelHarness;
  /** A second instance of the app: its own store objects (its own caches), the same storage. */
  let other: Kernel;
  const sayOn = (kernel: Kernel, actor: Actor, text: string, mentions: Array<{ id: string; name: string }> = []) =>
    kernel.handle({ actor, space: CHANNEL, ask: { kind: "text", text, mentions } }, PEOPLE);

  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    other = new Kernel(h.kernel.registry, { ...h.deps, repos: openStore(h.account, createLogger("silent")).repos });
  });

  it("applies a role given through one instance at once on another that has the community cached", async () => {
    expect(texts(await sayOn(other, BEN, "status"))[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
    expect(kinds(await h.say(ANA, CHANNEL, "assign co-facilitator @1", [{ id: "29:ben", name: "Ben" }]))).toEqual(["post"]);
    expect(texts(await sayOn(other, BEN, "status"))[0]).toMatch(/Data Stewards is at the Pilot stage/);
    // Giving the role moved the community's version: a change from the cached copy is refused cleanly, once.
    expect(texts(await sayOn(other, BEN, "status launched"))).toEqual(["Someone else changed this at the same moment. Please try again."]);
    expect(texts(await sayOn(other, BEN, "status launched"))[0]).toMatch(/now at the Launched stage/);
  });

  it("never writes over a change made through another instance: a stale cached community asks to try again, and the retry sees the change", async () => {
    expect(texts(await sayOn(other, ANA, "status"))[0]).toMatch(/at the Pilot stage/);
    expect(kinds(await h.say(ANA, CHANNEL, "status launched"))).toEqual(["post"]);
    // The other instance still holds the Pilot row: its change is refused rather than announced twice.
    const stale = await sayOn(other, ANA, "status launched");
    expect(texts(stale)).toEqual(["Someone else changed this at the same moment. Please try again."]);
    expect(texts(await sayOn(other, ANA, "status launched"))[0]).toMatch(/already at the Launched stage: nothing changed/);
  });

  it("shows this instance's own changes at once, including a role saved at the community's version", async () => {
    expect(kinds(await h.say(ANA, CHANNEL, "status launched"))).toEqual(["post"]);
    expect(texts(await h.say(ANA, CHANNEL, "status"))[0]).toMatch(/at the Launched stage/);
    // Giving a role moves the community's version: the next change made here must not be refused as a race.
    expect(kinds(await h.say(ANA, CHANNEL, "assign co-facilitator @1", [{ id: "29:ben", name: "Ben" }]))).toEqual(["post"]);
    const closing = await h.press(ANA, CHANNEL, "community.status.set", { status: "closed", confirm: true });
    expect(texts(closing)[0]).toMatch(/now at the Closed stage/);
  });

  it("never counts a vote on a poll closed through another instance, though that instance read it open a moment before", async () => {
    const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
    const option = (card: Card, label: string) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.label === label)!.data;
    const card = posted(await h.say(ANA, CHANNEL, 'poll "Which room?" North South'));
    const id = String(option(card, "North").survey);
    const voter = (n: number) => numbered("Voter", n);
    const pressOn = (kernel: Kernel, actor: Actor, label: string) => kernel.handle({ actor, space: CHANNEL, ask: { kind: "action", verb: "surveys.vote", input: option(card, label) } }, PEOPLE);
    // The voters take part first (an answer enrols no one).
    for (const n of [1, 2, 3]) await h.say(voter(n), CHANNEL, "charter");
    expect(texts(await pressOn(other, voter(1), "North"))[0]).toMatch(/^You answered/);
    expect(texts(await h.say(ANA, CHANNEL, `close survey ${id}`)).join("\n")).toMatch(/closed/i);
    // The other instance still holds the poll as open: the vote is refused when it is written, and nothing counts it.
    const late = await Promise.all([1, 2, 3].map((n) => pressOn(other, voter(n), "South")));
    for (const d of late) expect(texts(d)[0]).toMatch(/is closed/);
    const survey = (await h.deps.repos.surveys.get("community-1", id))!.value;
    expect((await recountedState(h.deps, survey)).questions[0]!.counts).toEqual([1, 0]);
  });
  it("shows a card asked for again as before, with its buttons sealed to each person who asked", async () => {
    // The kernel keeps a presented card (help here) for whoever asks with the same data; what each person gets
    // must still carry their own seal, never the first asker's.
    const origins = async (actor: Actor) => {
      const delivery = await h.say(actor, CHANNEL, "help");
      const tokens = delivery.items.flatMap((i) => i.card.blocks.flatMap((b) => (b.type === "actions" ? b.actions.map((a) => String(a.data[ORIGIN])) : [])));
      const opened = await Promise.all(tokens.map((token) => h.deps.sealer.open(token, new Date())));
      return { text: texts(delivery).join("\n"), by: opened.map((o) => (o.ok ? o.seal.by : o.why)) };
    };
    const first = await origins(ANA);
    const again = await origins(ANA);
    const ben = await origins(BEN);
    expect(first.by.length).toBeGreaterThan(0);
    expect(again.text).toBe(first.text);
    expect(new Set([...first.by, ...again.by])).toEqual(new Set([ANA.personKey]));
    expect(new Set(ben.by)).toEqual(new Set([BEN.personKey]));
  });
});
