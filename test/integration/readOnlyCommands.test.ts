/**
 * Commands declared read-only answer the asker and change nothing: on that promise their Slack replays are
 * checked in this instance's memory, not in storage. Every one of them, run by a steward, a member and a Slack
 * member of a linked community with an event and answers, leaves every stored row as it was; and the kernel
 * refuses a read-only command that answers with more than a private reply, before anything of it is done.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Kernel } from "../../src/core/kernel/kernel.js";
import { outcome, post } from "../../src/core/kernel/outcome.js";
import { Registry } from "../../src/core/kernel/registry.js";
import { command, type Workflow } from "../../src/core/kernel/workflow.js";
import { shortId } from "../../src/core/workflows/events/occurrences.js";
import { ANA, BEN, CHANNEL, kernelOnRealStore, PEOPLE, SLACK_CAROL, SLACK_CHANNEL, texts, type KernelHarness } from "../support/core.js";
import { linkedWithRsvps } from "../support/rsvpWorld.js";

/** Every row of every table the store has, without what storage stamps on a write (its time and ETag). */
async function storedRows(h: KernelHarness): Promise<Map<string, unknown>> {
  const rows = new Map<string, unknown>();
  for (const [name, table] of Object.entries(h.tables)) {
    for await (const entity of table.listEntities()) {
      const { etag: _etag, timestamp: _timestamp, ...value } = entity as Record<string, unknown>;
      rows.set(`${name} ${entity.partitionKey} ${entity.rowKey}`, value);
    }
  }
  return rows;
}

describe("read-only commands", () => {
  it("leave every stored row as it was, whoever runs them and from which platform", async () => {
    const h = await kernelOnRealStore();
    const { eventId } = await linkedWithRsvps(h);
    const readOnly = h.kernel.registry.commands().filter((def) => def.readOnly);
    expect(readOnly.map((def) => def.verb)).toEqual(expect.arrayContaining(["help", "community.charter.show", "events.list", "events.show", "surveys.list"]));
    const inputs: Record<string, Record<string, unknown>> = { "events.show": { event: shortId(eventId) } };

    const before = await storedRows(h);
    const answers: string[] = [];
    for (const def of readOnly) {
      for (const [who, where] of [[ANA, CHANNEL], [BEN, CHANNEL], [SLACK_CAROL, SLACK_CHANNEL]] as const) {
        const delivery = await h.press(who, where, def.verb, inputs[def.verb] ?? {});
        expect(delivery.items.map((item) => item.kind), def.verb).toEqual(["reply"]);
        answers.push(`${def.verb}: ${texts(delivery).join(" ")}`);
      }
    }
    expect(await storedRows(h)).toEqual(before);
    // They were answered, not refused: the event is found, the charter shown.
    expect(answers.filter((a) => a.startsWith("events.show:") && a.includes("Monthly call"))).toHaveLength(3);
    expect(answers.filter((a) => a.startsWith("community.charter.show:") && a.includes("Data Stewards"))).toHaveLength(3);
  });

  it("refuses a command declared read-only that answers with a post, and posts nothing", async () => {
    const h = await kernelOnRealStore();
    const announce = command({
      verb: "test.announce", permission: "anyone", where: "anywhere", readOnly: true, input: z.object({}),
      handle: async () => outcome(post("space", "notice", { key: "notice.tryAgain", tone: "info" })),
    });
    const wrong: Workflow = { name: "wrong", commands: [announce], presenters: [] };
    const kernel = new Kernel(new Registry([wrong]), h.deps);
    await expect(kernel.handle({ actor: ANA, space: CHANNEL, ask: { kind: "action", verb: "test.announce", input: {} } }, PEOPLE)).rejects.toThrow("test.announce is declared read-only but answered with a post");
  });
});
