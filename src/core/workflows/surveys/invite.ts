import { createHash } from "node:crypto";
import { z } from "zod";
import { decodeKey, type Member, type SpaceRef } from "../../domain.js";
import type { Block, Card } from "../../kernel/card.js";
import { ORIGIN } from "../../kernel/origin.js";
import type { Effect } from "../../kernel/outcome.js";
import { presenter } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import type { Survey } from "./model.js";
import { ANSWER_OPEN_VERB } from "./presenters.js";

export const INVITE_PRESENTER = "surveys.invite";
/** How long the Answer button of a direct invitation stays tied to the community. */
const ORIGIN_DAYS = 30;
const MOST_PEOPLE = 1000;

/**
 * A direct message to each person a survey asks, with an Answer button that runs in a space of the community on
 * their own platform (sealed to them), as reminders' buttons do. Keyed per person: sent at most once each.
 */
export async function invitations(deps: CoreDeps, survey: Survey, people: readonly Member[], presenter: string, key: string): Promise<Effect[]> {
  const spaces = await deps.repos.spaces.listForCommunity(survey.communityId);
  const exp = deps.clock.now().getTime() + ORIGIN_DAYS * 86_400_000;
  const sends: Effect[] = [];
  for (const { personKey: person, spaceKey: home } of [...people].sort((a, b) => a.personKey.localeCompare(b.personKey)).slice(0, MOST_PEOPLE)) {
    const { platform } = decodeKey(person);
    const space = spaces.find((s) => s.spaceKey === home && s.platform === platform) ?? spaces.find((s) => s.platform === platform);
    const ref: SpaceRef | undefined = space && { spaceKey: space.spaceKey, platform: space.platform, displayName: space.displayName, personal: false };
    const origin = ref ? await deps.sealer.seal({ form: ORIGIN, space: ref, by: person, args: {}, exp }) : undefined;
    const data = { surveyId: survey.id, title: survey.title, style: survey.style, closesAt: survey.closesAt, origin };
    sends.push({ kind: "fanout", fanoutId: `${key}:${personTag(person)}`.slice(0, 200), audience: { kind: "people", people: [person] }, card: { presenter, data } });
  }
  return sends;
}

const personTag = (personKey: string) => createHash("sha256").update(personKey).digest("base64url").slice(0, 12);

/** The invitation in a person's own chat: which survey, until when, and the Answer button. */
export const invitePresenter = presenter({
  name: INVITE_PRESENTER,
  schema: z.object({ surveyId: z.string(), title: z.string(), style: z.enum(["poll", "survey"]), closesAt: z.string().optional(), origin: z.string().optional() }),
  render(d, words): Card {
    const text = d.closesAt ? words.t("surveys.invite.until", { title: d.title, when: words.when(d.closesAt) }) : words.t("surveys.invite.open", { title: d.title });
    const blocks: Block[] = [{ type: "text", text, style: "default" }];
    if (d.origin) blocks.push({ type: "actions", actions: [{ label: words.plain("surveys.answer"), verb: ANSWER_OPEN_VERB, data: { survey: d.surveyId, here: true, [ORIGIN]: d.origin }, style: "primary", opensForm: true }] });
    return { title: words.plain("surveys.invite.title", { title: d.title }), summary: text, blocks };
  },
});
