import { randomInt } from "node:crypto";
import { z } from "zod";
import type { Member } from "../../domain.js";
import { memberFor } from "../../kernel/members.js";
import { codeParam, tell, typedParam } from "../../kernel/notice.js";
import { outcome, post } from "../../kernel/outcome.js";
import { md } from "../../kernel/words.js";
import { SLACK_COMMAND, TEAMS_BOT_NAME } from "../../kernel/reader.js";
import { command, presenter, type Workflow } from "../../kernel/workflow.js";
import { charterData } from "../community/commands.js";
import { SpaceName, spaceLabel } from "../community/presenters.js";
import { bindSpace, importRoster } from "../community/roster.js";

/** Letters and digits that cannot be mistaken for one another when read aloud or retyped. */
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const LINK_CODE_MINUTES = 15;

const drawCode = () => Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
/** Shown as ABCD-EFGH; accepted with or without the dash, in any case. */
const display = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;
const normalise = (typed: string) => typed.toUpperCase().replace(/[^A-Z0-9]/g, "");

export const startLink = command({
  verb: "space.link.start",
  permission: "steward",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["link"], when: (rest) => rest === "" },
  help: { usage: "help.usage.link", describe: "help.cmd.link" },
  async handle(ctx) {
    const { deps, community, request } = ctx;
    const now = deps.clock.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = drawCode();
      const created = await deps.repos.linkCodes.create({
        code,
        communityId: community.id,
        createdBy: request.actor.personKey,
        createdIn: request.space.spaceKey,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + LINK_CODE_MINUTES * 60_000).toISOString(),
      });
      if (created === "created") {
        const shown = display(code);
        // The code is used in another space, on either platform: both ways of typing it.
        const params = { name: community.charter.name, slack: codeParam(`${SLACK_COMMAND} link ${shown}`), teams: codeParam(`@${TEAMS_BOT_NAME} link ${shown}`), minutes: LINK_CODE_MINUTES };
        return outcome(tell("notice.linkCode", params, "info", true));
      }
    }
    throw new Error("could not draw an unused link code in 5 attempts");
  },
});

export const redeemLink = command({
  verb: "space.link.redeem",
  permission: "anyone",
  where: "anywhere",
  personal: false,
  input: z.object({ code: z.string().min(1).max(40) }),
  text: { words: ["link"], when: (rest) => rest !== "", parse: (rest) => ({ code: rest }) },
  help: { usage: "help.usage.linkCode", describe: "help.cmd.linkCode" },
  async handle(ctx, { code }) {
    const { deps, request } = ctx;
    const typed = normalise(code);
    const invalid = () => outcome(tell("notice.linkInvalid", { minutes: LINK_CODE_MINUTES, link: typedParam("link") }, "warning"));
    if (ctx.community) {
      // Look, do not use: a code typed in the wrong place still works where it belongs.
      const peeked = await deps.repos.linkCodes.peek(typed);
      if (!peeked || new Date(peeked.expiresAt) <= deps.clock.now()) return invalid();
      if (peeked.communityId === ctx.community.id) return outcome(tell("notice.linkAlreadyHere", { name: ctx.community.charter.name }));
      return outcome(tell("notice.linkSameSpace", { name: ctx.community.charter.name }, "warning"));
    }
    const taken = await deps.repos.linkCodes.take(typed);
    if (taken === "missing" || new Date(taken.expiresAt) <= deps.clock.now()) return invalid();
    const stored = await deps.repos.communities.get(taken.communityId);
    if (!stored) return invalid();
    const community = stored.value;
    // A closed community's links cannot change, even with a code drawn before it closed.
    if (community.status === "closed") return outcome(tell("notice.closed", { name: community.charter.name, reopen: typedParam("status launched") }, "warning"));
    await bindSpace(ctx, community.id);
    // Whoever a facilitator trusted with the code manages the community from this side.
    const existing: Member | undefined = await deps.repos.members.get(community.id, request.actor.personKey);
    const now = deps.clock.now().toISOString();
    const role = existing && existing.role !== "member" ? existing.role : "co-facilitator";
    if (role !== existing?.role) await deps.repos.members.save(memberFor(request.actor, { communityId: community.id, spaceKey: request.space.spaceKey, role, now }, existing));
    const data = await charterData(deps, community);
    const you =
      role === "facilitator"
        ? tell("notice.linkedFacilitator", { name: community.charter.name }, "success")
        : tell("notice.linkedSteward", { name: community.charter.name, role: { word: `role.${role}` } }, "success");
    return outcome(
      post("community", "linking.linked", { name: community.charter.name, spaces: data.spaces }),
      you,
      post("space", "community.charter", data),
      ...importRoster(community.id, request.space.spaceKey, now),
    );
  },
});

/** Said in every space of the community, in each reader's language: where it now meets. */
export const linkedPresenter = presenter({
  name: "linking.linked",
  schema: z.object({ name: z.string(), spaces: z.array(SpaceName) }),
  render({ name, spaces }, words) {
    const text = words.t("notice.linked", { name, spaces: md(words.and(spaces.map((s) => spaceLabel(words, s)))) });
    return { title: "", summary: text, tone: "success", blocks: [{ type: "text", text, style: "default", tone: "success" }] };
  },
});

export const linkingWorkflow: Workflow = {
  name: "linking",
  commands: [startLink, redeemLink],
  presenters: [linkedPresenter],
};
