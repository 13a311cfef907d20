import { z } from "zod";
import { decodeKey } from "../../domain.js";
import type { Block, Card } from "../../kernel/card.js";
import { esc, person as personMarkup } from "../../kernel/text.js";
import { md, type Md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import { Kudos, MilestoneKind, Contribution, Named, RECOGNITION_LIMITS } from "./model.js";

export const KUDOS_PRESENTER = "recognition.kudos";
export const KUDOS_DM_PRESENTER = "recognition.kudos.dm";
export const KUDOS_LIST_PRESENTER = "recognition.kudos.list";
export const MILESTONE_PRESENTER = "recognition.milestone";
export const MILESTONE_DM_PRESENTER = "recognition.milestone.dm";
export const KUDOS_LIST_VERB = "recognition.kudos.list";

/**
 * A person as this reader can best reach them: a Slack mention for a Slack reader of a Slack person; their
 * name otherwise, with their platform when it is not the reader's.
 */
export function personFor(words: Words, person: Named): Md {
  const { platform } = decodeKey(person.personKey);
  const name = person.name || words.plain("recognition.person.someone");
  if (platform === "slack" && words.reader.platform === "slack") return md(personMarkup(person.personKey, name));
  if (platform === words.reader.platform) return md(esc(name));
  return md(words.t("recognition.person.elsewhere", { name, platform: words.plain(`platform.${platform}`) }));
}

const KudosCard = Kudos.pick({ from: true, to: true, reason: true, at: true }).extend({ communityName: z.string() });

/** The celebration posted in every space of the community. */
export const kudosPresenter = presenter({
  name: KUDOS_PRESENTER,
  schema: KudosCard,
  render(data, words): Card {
    const text = words.t("recognition.kudos.text", { from: personFor(words, data.from), to: personFor(words, data.to), reason: data.reason });
    return {
      title: words.plain("recognition.kudos.title"),
      summary: text,
      tone: "success",
      blocks: [
        { type: "text", text, style: "default" },
        { type: "context", texts: [words.t("recognition.kudos.hint", { usage: words.typed("kudos @PERSON for WHAT") })] },
      ],
    };
  },
});

/** The direct message to the person thanked. */
export const kudosDmPresenter = presenter({
  name: KUDOS_DM_PRESENTER,
  schema: KudosCard,
  render(data, words): Card {
    const text = words.t("recognition.kudos.dm.text", { from: personFor(words, data.from), name: data.communityName, reason: data.reason });
    return { title: words.plain("recognition.kudos.dm.title"), summary: text, tone: "success", blocks: [{ type: "text", text, style: "default" }] };
  },
});

const ListData = z.object({
  communityName: z.string(),
  kudos: z.array(KudosCard).max(RECOGNITION_LIMITS.page),
  /** The cursor of the next (older) page, if any. */
  older: z.string().max(300).optional(),
  /** This page is not the first. */
  continued: z.boolean().default(false),
});

/** Recent kudos, newest first, with a button for older ones. */
export const kudosListPresenter = presenter({
  name: KUDOS_LIST_PRESENTER,
  schema: ListData,
  render(data, words): Card {
    const items = data.kudos.map((k) => words.t("recognition.list.item", { when: words.when(k.at), from: personFor(words, k.from), to: personFor(words, k.to), reason: k.reason }));
    const blocks: Block[] = [{ type: "list", heading: "", items, omitted: 0, empty: words.t("recognition.list.empty", { usage: words.typed("kudos @PERSON for WHAT") }) }];
    if (data.older) blocks.push({ type: "actions", actions: [{ label: words.plain("recognition.list.older"), verb: KUDOS_LIST_VERB, data: { after: data.older }, opensForm: false }] });
    const summary = data.continued ? words.t("recognition.list.olderSummary", { name: data.communityName }) : words.t("recognition.list.summary", { name: data.communityName, count: data.kudos.length });
    return { title: words.plain("recognition.list.title", { name: data.communityName }), summary, blocks };
  },
});

export const MilestoneCard = z.object({
  communityName: z.string(),
  kind: MilestoneKind,
  person: Named.optional(),
  contribution: Contribution.optional(),
  count: z.number().int().nonnegative().optional(),
});
export type MilestoneCard = z.infer<typeof MilestoneCard>;

function milestoneText(data: MilestoneCard, words: Words): string {
  const name = data.communityName;
  const person = data.person ? personFor(words, data.person) : md(words.plain("recognition.person.someone"));
  switch (data.kind) {
    case "firstContribution":
      return words.t(data.contribution === "rsvp" ? "recognition.milestone.firstContribution.rsvp" : "recognition.milestone.firstContribution.kudos", { person, name });
    case "anniversary":
      return words.t("recognition.milestone.anniversary", { person, name });
    case "tenthEvent":
      return words.t("recognition.milestone.tenthEvent", { name, count: data.count ?? 10 });
    case "hundredthMember":
      return words.t("recognition.milestone.hundredthMember", { name, count: data.count ?? 100 });
  }
}

/** A milestone, celebrated in every space of the community. */
export const milestonePresenter = presenter({
  name: MILESTONE_PRESENTER,
  schema: MilestoneCard,
  render(data, words): Card {
    const text = milestoneText(data, words);
    return {
      title: words.plain("recognition.milestone.title"),
      summary: text,
      tone: "success",
      blocks: [
        { type: "text", text, style: "default" },
        { type: "context", texts: [words.t("recognition.milestone.hint", { usage: words.typed("milestones off") })] },
      ],
    };
  },
});

/** The member celebrated hears it privately too. */
export const milestoneDmPresenter = presenter({
  name: MILESTONE_DM_PRESENTER,
  schema: MilestoneCard,
  render(data, words): Card {
    const text = words.t(data.kind === "anniversary" ? "recognition.milestone.dm.anniversary" : "recognition.milestone.dm.firstContribution", { name: data.communityName });
    return { title: words.plain("recognition.milestone.dm.title"), summary: text, tone: "success", blocks: [{ type: "text", text, style: "default" }] };
  },
});
