import { z } from "zod";
import { decodeKey, PersonKey } from "../../domain.js";
import type { Block, Card } from "../../kernel/card.js";
import { ORIGIN } from "../../kernel/origin.js";
import { typed } from "../../kernel/reader.js";
import { person as personMarkup } from "../../kernel/text.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";
import { Matched, Topic } from "./model.js";

export const STATUS_PRESENTER = "matching.status";
export const INTRO_PRESENTER = "matching.intro";
export const CHECK_IN_PRESENTER = "matching.checkIn";
export const MET_VERB = "matching.met";

const MetRateData = z.object({ at: z.string(), groups: z.number(), groupsMet: z.number(), answers: z.number(), people: z.number() });

const StatusData = z.object({
  name: z.string(),
  on: z.boolean(),
  cadenceWeeks: z.number(),
  size: z.number(),
  crossOrganisation: z.boolean(),
  crossPlatform: z.boolean(),
  buddies: z.boolean(),
  nextRoundAt: z.string().optional(),
  optedIn: z.number(),
  you: z.object({ state: z.enum(["in", "out", "snoozed"]), until: z.string().optional() }),
  /** Only for stewards. */
  last: MetRateData.optional(),
});
export type StatusData = z.input<typeof StatusData>;

/** Settings, who takes part, and (for stewards) how the last round went. */
export const statusPresenter = presenter({
  name: STATUS_PRESENTER,
  schema: StatusData,
  render(d, words): Card {
    const state = d.on ? words.t("matching.status.on", { cadence: d.cadenceWeeks, size: d.size }) : words.t("matching.status.off");
    const pref = (on: boolean) => words.plain(on ? "matching.status.yes" : "matching.status.no");
    const you = d.you.state === "snoozed" ? words.plain("matching.status.you.snoozed", { day: d.you.until ?? "" }) : words.plain(d.you.state === "in" ? "matching.status.you.in" : "matching.status.you.out");
    const facts = [
      ...(d.on ? [{ label: words.plain("matching.status.next"), value: d.nextRoundAt ? words.t("matching.status.nextAt", { when: words.when(d.nextRoundAt) }) : words.plain("matching.status.soon") }] : []),
      { label: words.plain("matching.status.crossOrganisation"), value: pref(d.crossOrganisation) },
      { label: words.plain("matching.status.crossPlatform"), value: pref(d.crossPlatform) },
      { label: words.plain("matching.status.buddies"), value: words.plain(d.buddies ? "matching.status.buddiesOn" : "matching.status.buddiesOff") },
      { label: words.plain("matching.status.optedIn"), value: words.count(d.optedIn) },
      { label: words.plain("matching.status.you"), value: you },
    ];
    if (d.last) {
      const rate = d.last.groups ? d.last.groupsMet / d.last.groups : 0;
      facts.push({ label: words.plain("matching.status.lastRound", { when: words.when(d.last.at) }), value: words.t("matching.status.metRate", { met: d.last.groupsMet, groups: d.last.groups, rate, answers: d.last.answers, people: d.last.people }) });
    }
    const how = words.t("matching.status.how", {
      optIn: words.typed("matching opt in"),
      optOut: words.typed("matching opt out"),
      snooze: words.typed("matching snooze until YYYY-MM-DD"),
      on: words.typed("matching on every 2 weeks size 2"),
      off: words.typed("matching off"),
    });
    return {
      title: words.plain("matching.status.title", { name: d.name }),
      summary: state,
      blocks: [{ type: "text", text: state, style: "default" }, { type: "facts", facts }, { type: "context", texts: [how] }],
    };
  },
});

const IntroData = z.object({
  name: z.string(),
  kind: z.enum(["round", "newcomer", "buddy"]),
  /** Everyone else in the group (never the reader). */
  others: z.array(Matched).min(1).max(6),
  topic: Topic.optional(),
  checkInAt: z.string().optional(),
});
export type IntroData = z.input<typeof IntroData>;

/** How the reader reaches one of the others: directly on the same platform (a mention on Slack), else by meeting halfway. */
function reach(other: Matched, words: Words): string {
  const platform = decodeKey(other.personKey).platform;
  const params = {
    person: md(personMarkup(other.personKey, other.name)),
    organisation: other.organisation ? md(words.t("matching.reach.organisation", { organisation: other.organisation })) : "",
    platform: md(words.t(platform === "slack" ? "platform.slack" : "platform.teams")),
  };
  return words.t(platform === words.reader.platform ? "matching.reach.same" : "matching.reach.other", params);
}

function topicLine(topic: Topic, words: Words): string {
  if (topic.kind === "shared") return words.t("matching.topic.shared", { topic: topic.topic });
  if (topic.kind === "expertise") return words.t("matching.topic.expertise", { name: topic.name, topic: topic.topic });
  return words.t("matching.topic.open");
}

/** The direct message introducing a round's group, or a newcomer and their buddy, to one of them. */
export const introPresenter = presenter({
  name: INTRO_PRESENTER,
  schema: IntroData,
  render(d, words): Card {
    const names = words.and(d.others.map((o) => md(personMarkup(o.personKey, o.name)).text));
    const person = md(personMarkup(d.others[0]!.personKey, d.others[0]!.name));
    const [title, text] =
      d.kind === "round"
        ? [words.plain(d.others.length === 1 ? "matching.intro.titlePair" : "matching.intro.title", { name: d.name }), words.t("matching.intro.text", { name: d.name, people: md(names) })]
        : d.kind === "newcomer"
          ? [words.plain("matching.buddy.newcomer.title", { name: d.name }), words.t("matching.buddy.newcomer.text", { name: d.name, person })]
          : [words.plain("matching.buddy.member.title", { name: d.name }), words.t("matching.buddy.member.text", { name: d.name, person })];
    const blocks: Block[] = [
      { type: "text", text, style: "default" },
      { type: "list", heading: words.plain("matching.reach.heading"), items: d.others.map((o) => reach(o, words)), omitted: 0, empty: "" },
    ];
    if (d.topic) blocks.push({ type: "text", text: topicLine(d.topic, words), style: "default" });
    if (d.checkInAt) blocks.push({ type: "text", text: words.t("matching.intro.checkIn", { when: words.when(d.checkInAt) }), style: "subtle" });
    const why = d.kind === "round" ? "matching.intro.why" : "matching.buddy.why";
    // Typed in the community's channel (these commands do not run in a 1:1 chat), whatever the reader reads this in.
    const inChannel = (usage: string) => md(typed({ platform: words.reader.platform, personal: false }, usage));
    blocks.push({ type: "context", texts: [words.t(why, { name: d.name, optOut: inChannel("matching opt out"), snooze: inChannel("matching snooze until YYYY-MM-DD") })] });
    return { title, summary: text, blocks };
  },
});

const CheckInData = z.object({
  name: z.string(),
  roundId: z.string(),
  others: z.array(z.object({ personKey: PersonKey, name: z.string() })).min(1).max(6),
  /** Seals the buttons to the reader and the community's space (pressed from their own chat). */
  origin: z.string().optional(),
});
export type CheckInData = z.input<typeof CheckInData>;

/** "Did you meet?" near the end of a round, with Yes and No. */
export const checkInPresenter = presenter({
  name: CHECK_IN_PRESENTER,
  schema: CheckInData,
  render(d, words): Card {
    const text = words.t("matching.checkIn.text", { name: d.name, people: md(words.and(d.others.map((o) => personMarkup(o.personKey, o.name)))) });
    const sealed: Record<string, string> = d.origin ? { [ORIGIN]: d.origin } : {};
    return {
      title: words.plain("matching.checkIn.title"),
      summary: text,
      blocks: [
        { type: "text", text, style: "default" },
        {
          type: "actions",
          actions: [
            { label: words.plain("matching.checkIn.yes"), verb: MET_VERB, data: { round: d.roundId, met: "yes", ...sealed }, style: "primary", opensForm: false },
            { label: words.plain("matching.checkIn.no"), verb: MET_VERB, data: { round: d.roundId, met: "no", ...sealed }, opensForm: false },
          ],
        },
      ],
    };
  },
});
