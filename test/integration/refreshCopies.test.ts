import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import { COPIES_REFRESH_JOB } from "../../src/core/kernel/copies.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import type { DeliveryTarget, Messenger } from "../../src/core/ports.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, SLACK_CAROL, SLACK_CHANNEL, cardText, kernelOnRealStore, texts, type KernelHarness } from "../support/core.js";
import { FAST } from "../support/scheduling.js";

/**
 * The copies of an announcement in a community linked across Teams and Slack, refreshed in place by the
 * kernel's `refreshCopies`: presses within one window make one update per copy, read after the last press.
 */
const SLACK_DAN = { personKey: "slack:T1:U4", displayName: "Dan", locale: "en" } as const;
const codeFrom = (text: string) => /link ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(text)![1]!;
const postedCard = (d: Delivery) => d.items.find((i) => i.kind === "post")!;
const rsvpInput = (card: Card, answer: string) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.data.answer === answer)!.data;

/** A platform that answers every delivery with a message id and records every update, as a user would see it. */
function recordingMessenger(prefix: string) {
  let n = 0;
  const delivered: Array<{ target: DeliveryTarget; messageId: string; text: string }> = [];
  const updates: Array<{ target: DeliveryTarget; messageId: string; text: string }> = [];
  const messenger: Messenger = {
    async deliver(target, card) {
      const messageId = `${prefix}-${++n}`;
      delivered.push({ target, messageId, text: cardText(card) });
      return { status: "sent", messageId };
    },
    async update(target, messageId, card) {
      updates.push({ target, messageId, text: cardText(card) });
      return { status: "updated" };
    },
  };
  return { messenger, delivered, updates };
}

interface StoredJob {
  kind: string;
  key: string;
  dueAt: string;
}
async function refreshJobs(h: KernelHarness): Promise<StoredJob[]> {
  const rows: StoredJob[] = [];
  for await (const row of h.scheduling.storage.tables.jobs.listEntities<{ json?: string }>()) {
    const parsed = row.json ? (JSON.parse(row.json) as StoredJob) : undefined;
    if (parsed?.kind === COPIES_REFRESH_JOB) rows.push(parsed);
  }
  return rows;
}

describe("refreshing the copies of an announcement", () => {
  let h: KernelHarness;
  const teams = recordingMessenger("teams");
  const slack = recordingMessenger("slack");
  beforeEach(async () => {
    h = await kernelOnRealStore({ ...FAST, messengers: { teams: teams.messenger, slack: slack.messenger } });
    h.setNow("2026-11-23T10:00:00.200Z");
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${codeFrom(texts(await h.say(ANA, CHANNEL, "link"))[0]!)}`);
    h.scheduling.start({});
  });
  afterEach(async () => {
    await h.scheduling.stop();
  });

  it("coalesces a burst of RSVPs from both platforms into one update per copy, with the counts after the burst", async () => {
    const announced = await h.say(ANA, CHANNEL, "event Monthly call on 2027-01-14 at 15:00 Europe/Rome for 60m every month");
    const post = postedCard(announced);
    expect(post.kind === "post" && post.copies).toBeTruthy();
    // What the Teams adapter does with the post it sends in the channel: records the message it became.
    if (post.kind === "post" && post.copies) await h.deps.copies.posted(post.copies, { kind: "message", spaceKey: CHANNEL.spaceKey, messageId: "teams-direct", locale: "en" });
    // The Slack copy went out through the scheduler's fan-out.
    const slackCopy = () => slack.delivered.find((d) => d.target.kind === "space" && d.target.spaceKey === SLACK_CHANNEL.spaceKey && d.text.includes("Monthly call"));
    await expect.poll(slackCopy, { timeout: 10_000 }).toBeTruthy();

    // Four people answer within the same second, on both platforms.
    const going = rsvpInput(post.card, "going");
    const maybe = rsvpInput(post.card, "maybe");
    await Promise.all([
      h.press(ANA, CHANNEL, "events.rsvp", going),
      h.press(BEN, CHANNEL, "events.rsvp", going),
      h.press(SLACK_CAROL, SLACK_CHANNEL, "events.rsvp", maybe),
      h.press(SLACK_DAN, SLACK_CHANNEL, "events.rsvp", maybe),
    ]);
    const jobs = await refreshJobs(h);
    expect(jobs).toHaveLength(1);
    expect(Date.parse(jobs[0]!.dueAt)).toBeGreaterThan(Date.parse("2026-11-23T10:00:01Z"));
    expect(teams.updates).toEqual([]);

    // Ben changes his mind before the refresh runs: the refresh reads the state when it runs.
    await h.press(BEN, CHANNEL, "events.rsvp", rsvpInput(post.card, "no"));
    expect(await refreshJobs(h)).toHaveLength(1);
    h.setNow("2026-11-23T10:00:03Z");
    const final = "Going: 1 · Maybe: 2 · Not going: 1";
    await expect.poll(() => teams.updates.map((u) => u.messageId), { timeout: 10_000 }).toEqual(["teams-direct"]);
    await expect.poll(() => slack.updates.map((u) => u.messageId), { timeout: 10_000 }).toEqual([slackCopy()!.messageId]);
    expect(teams.updates[0]!.text).toContain(final);
    expect(slack.updates[0]!.text).toContain(final);

    // A later answer, in a later window, refreshes both copies again.
    await h.press(SLACK_DAN, SLACK_CHANNEL, "events.rsvp", going);
    h.setNow("2026-11-23T10:00:06Z");
    await expect.poll(() => [teams.updates.at(-1)?.text ?? "", slack.updates.at(-1)?.text ?? ""].map((t) => /Going: \d+ · Maybe: \d+/.exec(t)?.[0]), { timeout: 10_000 }).toEqual(["Going: 2 · Maybe: 1", "Going: 2 · Maybe: 1"]);
    expect(teams.updates).toHaveLength(2);
    expect(slack.updates).toHaveLength(2);
  }, 30_000);
});
