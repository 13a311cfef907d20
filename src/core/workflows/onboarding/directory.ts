import { z } from "zod";
import { decodeKey } from "../../domain.js";
import { byName, firstMembers, membersWhere } from "../../kernel/members.js";
import { tell, typedParam } from "../../kernel/notice.js";
import { outcome, replace, reply } from "../../kernel/outcome.js";
import { command } from "../../kernel/workflow.js";
import { findExperts } from "./finder.js";
import { MEMBERS_VERB } from "./presenters.js";

export const PAGE_SIZE = 20;
/** How many members one "who knows" answer lists. */
const MATCHES_SHOWN = 15;

export const listMembers = command({
  verb: MEMBERS_VERB,
  permission: "member",
  where: "community",
  /** A page number as typed or pressed; anything else is answered with the usage, never a parse error. */
  input: z.object({ page: z.union([z.string().max(20), z.number()]).optional() }),
  text: { words: ["members", "roster"], parse: (rest) => (rest.trim() ? { page: rest.trim().slice(0, 20) } : {}) },
  help: { usage: "help.usage.members", describe: "help.cmd.members" },
  async handle(ctx, input) {
    const { deps, community } = ctx;
    const page = input.page === undefined ? 1 : Number(input.page);
    if (!Number.isInteger(page) || page < 1) return outcome(tell("onboarding.members.usage", { example: typedParam("members 2") }, "warning"));
    // Every linked space's members in one list, by name in the reader's alphabet; the roster is read page by
    // page from storage, keeping only the people up to this page.
    const { first, total } = await firstMembers(deps, community.id, byName(ctx.reader.locale), page * PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (page > pages) return outcome(tell("onboarding.members.noPage", { page, pages }, "warning"));
    const people = first.slice((page - 1) * PAGE_SIZE).map((m) => ({
      personKey: m.personKey,
      displayName: m.displayName,
      role: m.role,
      platform: decodeKey(m.personKey).platform,
      // Their organisation only when they share their profile.
      organisation: m.profile.visible ? m.profile.organisation : "",
    }));
    const data = { community: community.charter.name, page, pages, total, people };
    // A Next or Previous press turns the page in place, for the one who pressed it.
    return outcome(ctx.request.ask.kind === "action" ? replace("actor", "onboarding.members", data) : reply("onboarding.members", data));
  },
});

export const whoKnows = command({
  verb: "onboarding.whoKnows",
  permission: "member",
  where: "community",
  input: z.object({ topic: z.string().trim().max(200).default("") }),
  text: { words: ["who knows", "who knows about", "find expert", "experts"], parse: (rest) => ({ topic: rest.slice(0, 200) }) },
  help: { usage: "help.usage.whoKnows", describe: "help.cmd.whoKnows" },
  async handle(ctx, { topic }) {
    if (!topic) return outcome(tell("onboarding.whoKnows.usage", { example: typedParam("who knows data curation") }));
    const { deps, community } = ctx;
    const members = await membersWhere(deps, community.id, (m) => m.profile.visible === true);
    const found = findExperts(members, topic);
    const matches = found.slice(0, MATCHES_SHOWN).map((m) => ({ personKey: m.member.personKey, displayName: m.member.displayName, expertise: m.expertise, interests: m.interests }));
    return outcome(reply("onboarding.whoKnows", { topic, matches, omitted: found.length - matches.length }));
  },
});
