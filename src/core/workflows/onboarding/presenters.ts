import { z } from "zod";
import { decodeKey, Guidelines, PersonKey, Platform, Profile, Purpose, Role } from "../../domain.js";
import type { Block, Card } from "../../kernel/card.js";
import { ORIGIN } from "../../kernel/origin.js";
import { typed } from "../../kernel/reader.js";
import { esc, person } from "../../kernel/text.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";

export const PROFILE_OPEN = "onboarding.profile.open";
export const MEMBERS_VERB = "onboarding.members";

/** A command as typed in the community's channel, even when read in a 1:1 chat (where it would not run). */
const inChannel = (words: Words, usage: string) => md(typed({ platform: words.reader.platform, personal: false }, usage));

/** How to reach a person from where the reader is: a Slack mention for Slack people, else their name and platform. */
export const reach = (words: Words, personKey: string, name: string) =>
  words.t(decodeKey(personKey).platform === "slack" ? "onboarding.reach.slack" : "onboarding.reach.teams", { who: md(someone(words, personKey, name)) });

/** A person as neutral markdown (a mention on Slack), named even when the platform gave no name. */
const someone = (words: Words, personKey: string, name: string) => person(personKey, name || words.plain("onboarding.person.nameless"));

export const WelcomeData = z.object({
  name: z.string(),
  domain: z.string(),
  audience: z.string(),
  purposes: z.array(Purpose),
  guidelines: Guidelines,
  facilitators: z.array(z.string()).max(10),
  events: z.array(z.object({ title: z.string(), at: z.string() })).max(5),
  /** The stewards' own words, as typed. */
  text: z.string().default(""),
  /** The profile button's sealed origin (the space joined), for a welcome sent by direct message. */
  origin: z.string().optional(),
  /** Posted in the space because no direct message could reach them: the newcomer. */
  inSpaceFor: z.object({ personKey: PersonKey, name: z.string() }).optional(),
});
export type WelcomeData = z.infer<typeof WelcomeData>;

/** The one direct message a newcomer gets: purpose, guidelines, who facilitates, what is next, how to take part. */
export const welcomePresenter = presenter({
  name: "onboarding.welcome",
  schema: WelcomeData,
  render(d, words): Card {
    const title = words.plain("onboarding.welcome.title", { name: d.name });
    const guidelines = (
      [
        ["participation", "onboarding.welcome.participation"],
        ["contribution", "onboarding.welcome.contribution"],
        ["conflictResolution", "onboarding.welcome.conflict"],
      ] as const
    )
      .filter(([g]) => d.guidelines[g].trim() !== "")
      .map(([g, label]) => ({ label: words.plain(label), value: esc(d.guidelines[g]) }));
    const blocks: Block[] = [];
    if (d.inSpaceFor) blocks.push({ type: "text", text: words.t("onboarding.welcome.unreachable", { who: md(someone(words, d.inSpaceFor.personKey, d.inSpaceFor.name)) }), style: "default" });
    if (d.text.trim()) blocks.push({ type: "text", text: esc(d.text), style: "default" });
    blocks.push({ type: "text", text: words.t("onboarding.welcome.about", { name: d.name, domain: d.domain, audience: d.audience }), style: "default" });
    if (d.purposes.length) blocks.push({ type: "text", text: words.t("onboarding.welcome.purposes", { purposes: md(words.and(d.purposes.map((p) => words.t(`purpose.${p}`)))) }), style: "default" });
    if (guidelines.length) blocks.push({ type: "text", text: `**${words.t("onboarding.welcome.guidelines")}**`, style: "default" }, { type: "facts", facts: guidelines });
    blocks.push({
      type: "text",
      text: d.facilitators.length ? words.t("onboarding.welcome.facilitators", { names: md(words.and(d.facilitators.map(esc))) }) : words.t("onboarding.welcome.noFacilitators"),
      style: "default",
    });
    blocks.push({
      type: "list",
      heading: words.plain("onboarding.welcome.events"),
      items: d.events.map((e) => words.t("onboarding.welcome.event", { title: e.title, when: words.when(e.at) })),
      omitted: 0,
      empty: words.t("onboarding.welcome.noEvents"),
    });
    const takePart = words.t("onboarding.welcome.takePart", {
      profile: inChannel(words, "profile"),
      events: inChannel(words, "events"),
      whoKnows: inChannel(words, "who knows TOPIC"),
      members: inChannel(words, "members"),
      help: inChannel(words, "help"),
    });
    blocks.push({ type: "text", text: takePart, style: "default" }, { type: "text", text: words.t("onboarding.welcome.profile"), style: "default" });
    blocks.push({
      type: "actions",
      // Sent by direct message: the form opens right there (`here`), for the community the origin names.
      actions: [{ label: words.plain("onboarding.action.profile"), verb: PROFILE_OPEN, data: d.origin ? { here: true, [ORIGIN]: d.origin } : {}, style: "primary", opensForm: true }],
    });
    return { title, summary: words.t("onboarding.welcome.summary", { name: d.name, domain: d.domain }), blocks };
  },
});

/** In a Teams channel: the profile form goes to the person's own chat, behind this button. */
export const profilePromptPresenter = presenter({
  name: "onboarding.profilePrompt",
  schema: z.object({}),
  render(_d, words): Card {
    const text = words.t("onboarding.profilePrompt.text");
    return { title: "", summary: text, blocks: [{ type: "text", text, style: "default" }, { type: "actions", actions: [{ label: words.plain("onboarding.profilePrompt.open"), verb: PROFILE_OPEN, data: { here: true }, style: "primary", opensForm: true }] }] };
  },
});

/** A profile's fields as facts: only those written. */
function profileFacts(words: Words, p: Profile): Array<{ label: string; value: string }> {
  const facts: Array<[Parameters<Words["plain"]>[0], string]> = [
    ["onboarding.field.organisation", esc(p.organisation)],
    ["onboarding.field.role", esc(p.role)],
    ["onboarding.field.expertise", p.expertise.map(esc).join(", ")],
    ["onboarding.field.interests", p.interests.map(esc).join(", ")],
    ["onboarding.field.offers", esc(p.offers)],
    ["onboarding.field.wantsToLearn", esc(p.wantsToLearn)],
    ["onboarding.field.timezone", esc(p.timezone)],
  ];
  return facts.filter(([, value]) => value.trim() !== "").map(([label, value]) => ({ label: words.plain(label), value }));
}

export const ProfileData = z.object({
  community: z.string(),
  personKey: PersonKey,
  displayName: z.string(),
  role: Role,
  /** Present only when they share it, or it is the reader's own: what is not shared never reaches a card. */
  profile: Profile.optional(),
  self: z.boolean().default(false),
});

/** Someone's intro profile as the reader may see it, and how to reach them. */
export const profilePresenter = presenter({
  name: "onboarding.profile",
  schema: ProfileData,
  render(d, words): Card {
    const name = d.displayName || words.plain("onboarding.person.nameless");
    const blocks: Block[] = [];
    if (d.profile) {
      const facts = profileFacts(words, d.profile);
      blocks.push(facts.length ? { type: "facts", facts: [{ label: words.plain("onboarding.profile.fact.role"), value: words.t(`role.${d.role}`) }, ...facts] } : { type: "text", text: words.t("onboarding.profile.empty"), style: "subtle" });
    } else blocks.push({ type: "text", text: words.t("onboarding.profile.hidden", { name }), style: "default" });
    blocks.push({ type: "text", text: words.t("onboarding.profile.reach", { reach: md(reach(words, d.personKey, name)) }), style: "default" });
    if (d.self) blocks.push({ type: "context", texts: [words.t(d.profile?.visible ? "onboarding.profile.yours" : "onboarding.profile.yoursHidden", { profile: words.typed("profile") })] });
    return { title: words.plain("onboarding.profile.title", { name }), summary: words.t("onboarding.profile.summary", { name, role: md(words.t(`role.${d.role}`)), community: d.community }), blocks };
  },
});

export const IntroData = z.object({ community: z.string(), personKey: PersonKey, displayName: z.string(), profile: Profile });

/** An introduction posted in every space of the community. */
export const introPresenter = presenter({
  name: "onboarding.intro",
  schema: IntroData,
  render(d, words): Card {
    const facts = profileFacts(words, d.profile);
    const blocks: Block[] = [
      facts.length ? { type: "facts", facts } : { type: "text", text: words.t("onboarding.profile.empty"), style: "subtle" },
      { type: "text", text: words.t("onboarding.profile.reach", { reach: md(reach(words, d.personKey, d.displayName)) }), style: "default" },
      { type: "context", texts: [words.t("onboarding.intro.hint", { profileOf: words.typed("profile @person") })] },
    ];
    return { title: words.plain("onboarding.intro.title", { name: d.displayName }), summary: words.t("onboarding.intro.summary", { name: d.displayName, community: d.community }), blocks };
  },
});

export const MembersData = z.object({
  community: z.string(),
  page: z.number().int().min(1),
  pages: z.number().int().min(1),
  total: z.number().int().nonnegative(),
  people: z.array(z.object({ personKey: PersonKey, displayName: z.string(), role: Role, platform: Platform, organisation: z.string().default("") })),
});

/** One page of the roster, every linked space together, with buttons to the pages around it. */
export const membersPresenter = presenter({
  name: "onboarding.members",
  schema: MembersData,
  render(d, words): Card {
    const items = d.people.map((p) => {
      const params = { who: md(someone(words, p.personKey, p.displayName)), role: md(words.t(`role.${p.role}`)), platform: md(words.t(`platform.${p.platform}`)) };
      return p.organisation ? words.t("onboarding.members.itemOrg", { ...params, organisation: p.organisation }) : words.t("onboarding.members.item", params);
    });
    const blocks: Block[] = [
      { type: "list", heading: "", items, omitted: 0, empty: words.t("onboarding.members.empty") },
      { type: "context", texts: [words.t("onboarding.members.page", { page: d.page, pages: d.pages, profileOf: words.typed("profile @person") })] },
    ];
    const actions = [
      ...(d.page > 1 ? [{ label: words.plain("onboarding.action.previous"), verb: MEMBERS_VERB, data: { page: d.page - 1 }, opensForm: false }] : []),
      ...(d.page < d.pages ? [{ label: words.plain("onboarding.action.next"), verb: MEMBERS_VERB, data: { page: d.page + 1 }, opensForm: false }] : []),
    ];
    if (actions.length) blocks.push({ type: "actions", actions });
    return { title: words.plain("onboarding.members.title", { community: d.community }), summary: words.t("onboarding.members.summary", { count: d.total, community: d.community, page: d.page, pages: d.pages }), blocks };
  },
});

export const WhoKnowsData = z.object({
  topic: z.string(),
  matches: z.array(z.object({ personKey: PersonKey, displayName: z.string(), expertise: z.array(z.string()), interests: z.array(z.string()) })),
  omitted: z.number().int().nonnegative().default(0),
});

/** Members whose shared expertise or interests match a topic, best first, each with how to reach them. */
export const whoKnowsPresenter = presenter({
  name: "onboarding.whoKnows",
  schema: WhoKnowsData,
  render(d, words): Card {
    const items = d.matches.map((m) => {
      const matched = [
        ...(m.expertise.length ? [words.t("onboarding.whoKnows.expertise", { items: md(words.and(m.expertise.map(esc))) })] : []),
        ...(m.interests.length ? [words.t("onboarding.whoKnows.interests", { items: md(words.and(m.interests.map(esc))) })] : []),
      ];
      return words.t("onboarding.whoKnows.item", { who: md(reach(words, m.personKey, m.displayName)), matched: md(matched.join("; ")) });
    });
    const total = d.matches.length + d.omitted;
    const blocks: Block[] = [
      { type: "list", heading: "", items, omitted: d.omitted, empty: words.t("onboarding.whoKnows.none", { topic: d.topic }) },
      { type: "context", texts: [words.t("onboarding.whoKnows.hint", { profile: words.typed("profile") })] },
    ];
    return { title: words.plain("onboarding.whoKnows.title", { topic: d.topic }), summary: words.t("onboarding.whoKnows.summary", { count: total, topic: d.topic }), blocks };
  },
});
