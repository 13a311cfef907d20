import { z } from "zod";
import type { Card } from "../../kernel/card.js";
import { outcome, reply } from "../../kernel/outcome.js";
import { md, type Words } from "../../kernel/words.js";
import { command, presenter, type Context } from "../../kernel/workflow.js";
import { Answer, EventKind } from "./model.js";
import { nextLive } from "./occurrences.js";

/** How many of a person's next events their home and `my events` show. */
export const MINE_SHOWN = 8;
/** How many of their communities are looked at (the home must open fast). */
const COMMUNITIES_READ = 20;

const MineData = z.object({
  events: z.array(z.object({ title: z.string(), kind: EventKind, community: z.string(), at: z.string(), answer: Answer.optional() })),
  omitted: z.number().int().nonnegative().default(0),
  /** Shown as its own card (`my events`) rather than as a part of the home. */
  standalone: z.boolean().default(false),
});
type MineData = z.infer<typeof MineData>;

/** "Your next events": the soonest occurrences across a person's communities, each with what they answered. */
export const minePresenter = presenter({
  name: "events.mine",
  schema: MineData,
  render({ events, omitted, standalone }, words: Words): Card {
    const items = events.map((e) =>
      words.t("events.mine.item", {
        title: e.title,
        kind: md(words.t(`events.kind.${e.kind}`)),
        community: e.community,
        when: words.when(e.at),
        answer: md(words.t(e.answer ? `events.mine.answer.${e.answer}` : "events.mine.answer.none")),
      }),
    );
    const heading = words.plain("events.mine.title");
    return {
      title: standalone ? heading : "",
      summary: heading,
      blocks: [
        { type: "list", heading: standalone ? "" : heading, items, omitted, empty: words.t("events.mine.empty") },
        ...(events.some((e) => !e.answer) ? [{ type: "context" as const, texts: [words.t("events.mine.hint")] }] : []),
      ],
    };
  },
});

/** The person's next events in every community they belong to, soonest first. */
async function mine(ctx: Context): Promise<Omit<MineData, "standalone">> {
  const { deps, request } = ctx;
  const person = request.actor.personKey;
  const now = deps.clock.now();
  const ids = (await deps.repos.members.communitiesOf(person)).slice(0, COMMUNITIES_READ);
  const perCommunity = await Promise.all(
    ids.map(async (id) => {
      const [community, events] = await Promise.all([deps.repos.communities.get(id), deps.repos.events.upcoming(id, now)]);
      if (!community || community.value.status === "closed") return [];
      return events.flatMap((e) => {
        const next = nextLive(e, now);
        return next ? [{ e, at: next.at, id: next.id, title: next.title, community: community.value.charter.name }] : [];
      });
    }),
  );
  const soonest = perCommunity.flat().sort((a, b) => a.at.localeCompare(b.at));
  const shown = await Promise.all(
    soonest.slice(0, MINE_SHOWN).map(async ({ e, at, id, title, community }) => ({
      title,
      kind: e.kind,
      community,
      at,
      answer: await deps.repos.events.answerOf(e.communityId, e.id, id, person),
    })),
  );
  return { events: shown, omitted: Math.max(0, soonest.length - MINE_SHOWN) };
}

/** The home's part: shown only when the person has something coming up. */
export async function mineHome(ctx: Context): Promise<Card | undefined> {
  const data = await mine(ctx);
  return data.events.length === 0 ? undefined : minePresenter.render(MineData.parse(data), ctx.words);
}

/** `my events`: the same list anywhere, including a Teams personal chat (which has no home tab). */
export const myEvents = command({
  verb: "events.mine",
  permission: "anyone",
  where: "anywhere",
  readOnly: true,
  personal: true,
  input: z.object({}).passthrough(),
  text: { words: ["my events", "my next events"] },
  help: { usage: "help.usage.myEvents", describe: "help.cmd.myEvents" },
  handle: async (ctx) => outcome(reply("events.mine", { ...(await mine(ctx)), standalone: true })),
});

