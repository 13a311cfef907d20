import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, SLACK_CAROL, SLACK_CHANNEL, texts, type KernelHarness } from "./core.js";

/** A third person on the Teams side, who says no to the call. */
export const DEV = { personKey: "teams:tenant-1:aad-dev", displayName: "Dev Rao", locale: "en" } as const;

const actionsOf = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));
const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")?.card;

/**
 * A community set up in Teams by Ana and linked to Carol's Slack channel, Ben and Dev taking part, and a
 * monthly call on 3 December 2026 that Ben is going to, Carol may come to and Dev is not: what audience
 * tests (surveys and polls for those going or who attended) start from.
 */
export async function linkedWithRsvps(h: KernelHarness): Promise<{ eventId: string; communityId: string }> {
  await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
  const code = /link ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(texts(await h.say(ANA, CHANNEL, "link"))[0]!)![1]!;
  await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${code}`);
  for (const who of [BEN, DEV]) await h.say(who, CHANNEL, "surveys");
  const card = posted(await h.say(ANA, CHANNEL, "event Monthly call on 2026-12-03 at 15:00 Europe/Rome for 60m"))!;
  const going = actionsOf(card).find((a) => a.data.answer === "going")!.data;
  await h.press(BEN, CHANNEL, "events.rsvp", going);
  await h.press(SLACK_CAROL, SLACK_CHANNEL, "events.rsvp", { ...going, answer: "maybe" });
  await h.press(DEV, CHANNEL, "events.rsvp", { ...going, answer: "no" });
  return { eventId: String(going.event), communityId: (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId };
}
