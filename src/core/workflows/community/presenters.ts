import { z } from "zod";
import { Charter, CommunityStatus, Platform, Role } from "../../domain.js";
import type { Block, Card } from "../../kernel/card.js";
import { esc } from "../../kernel/text.js";
import { md, type Words } from "../../kernel/words.js";
import { presenter } from "../../kernel/workflow.js";

/** A space as readers see it named: "Slack: #data-stewards", "Microsoft Teams: Data Stewards / General". */
export const SpaceName = z.object({ platform: Platform, displayName: z.string() });
export type SpaceName = z.infer<typeof SpaceName>;

export function spaceLabel(words: Words, space: SpaceName): string {
  const platform = words.plain(`platform.${space.platform}`);
  return space.displayName ? words.t("charter.space", { platform, name: space.displayName }) : words.t("charter.spaceUnnamed", { platform });
}

export const CharterData = z.object({
  communityId: z.string(),
  charter: Charter,
  status: CommunityStatus,
  spaces: z.array(SpaceName),
  stewards: z.array(z.string()),
  memberCount: z.number().int().nonnegative(),
});
export type CharterData = z.infer<typeof CharterData>;

/** The charter: what the community is for, who runs it and where it meets. */
export const charterPresenter = presenter({
  name: "community.charter",
  schema: CharterData,
  render({ charter, status, spaces, stewards, memberCount }, words): Card {
    const none = words.t("charter.none");
    const members = words.t("charter.members", { count: memberCount });
    const guidelines = (["participation", "contribution", "conflictResolution"] as const)
      .filter((g) => charter.guidelines[g].trim() !== "")
      .map((g) => ({ label: words.plain(`field.${g}`), value: esc(charter.guidelines[g]) }));
    const blocks: Block[] = [
      {
        type: "facts",
        facts: [
          { label: words.plain("charter.status"), value: words.t(`status.${status}`) },
          { label: words.plain("charter.domain"), value: esc(charter.domain) },
          { label: words.plain("charter.audience"), value: esc(charter.audience) },
          { label: words.plain("charter.stewards"), value: stewards.length ? words.and(stewards.map(esc)) : none },
          { label: words.plain("charter.spaces"), value: spaces.length ? words.and(spaces.map((s) => spaceLabel(words, s))) : none },
        ],
      },
      { type: "list", heading: words.plain("charter.purposes"), items: charter.purposes.map((p) => words.t(`purpose.${p}`)), omitted: 0, empty: none },
      { type: "list", heading: words.plain("charter.goals"), items: charter.goals.map(esc), omitted: 0, empty: none },
      { type: "list", heading: words.plain("charter.outcomes"), items: charter.outcomes.map(esc), omitted: 0, empty: none },
      { type: "text", text: `**${words.t("charter.guidelines")}**`, style: "default" },
      guidelines.length ? { type: "facts", facts: guidelines } : { type: "text", text: none, style: "subtle" },
      { type: "context", texts: [members] },
      {
        type: "actions",
        actions: [
          { label: words.plain("action.edit"), verb: "community.charter.edit", data: {}, opensForm: true },
          { label: words.plain("action.roles"), verb: "community.roles.show", data: {}, opensForm: false },
        ],
      },
    ];
    return { title: charter.name, summary: words.t("charter.summary", { name: charter.name, domain: charter.domain, members: md(members) }), blocks };
  },
});

export const RolesData = z.object({
  name: z.string(),
  people: z.array(z.object({ displayName: z.string(), role: Role })),
  omitted: z.number().int().nonnegative().default(0),
  canAssign: z.boolean().default(false),
});

/** Who facilitates, sponsors and takes part, stewards first. */
export const rolesPresenter = presenter({
  name: "community.roles",
  schema: RolesData,
  render({ name, people, omitted, canAssign }, words): Card {
    const title = words.plain("roles.title", { name });
    const blocks: Block[] = [
      {
        type: "table",
        columns: [words.plain("roles.person"), words.plain("roles.role")],
        rows: people.map((p) => [esc(p.displayName), words.t(`role.${p.role}`)]),
        omitted,
      },
    ];
    if (people.length === 0 && omitted === 0) blocks.splice(0, 1, { type: "text", text: words.t("roles.empty"), style: "default" });
    if (canAssign) blocks.push({ type: "context", texts: [words.t("roles.assignHint", { assign: words.typed("assign ROLE @person") })] });
    blocks.push({ type: "actions", actions: [{ label: words.plain("action.charter"), verb: "community.charter.show", data: {}, opensForm: false }] });
    return { title, summary: words.t("roles.title", { name }), blocks };
  },
});

export const StatusConfirmData = z.object({ name: z.string(), move: z.enum(["close", "reopen"]), status: CommunityStatus });

/** Closing or reopening asks first: what it means, with a button that does it and one that does not. */
export const statusConfirmPresenter = presenter({
  name: "community.status.confirm",
  schema: StatusConfirmData,
  render({ name, move, status }, words): Card {
    const title = words.plain(move === "close" ? "status.confirm.close.title" : "status.confirm.reopen.title", { name });
    const text = words.t(move === "close" ? "status.confirm.close" : "status.confirm.reopen", { name, status: md(words.t(`status.${status}`)) });
    return {
      title,
      summary: text,
      tone: "warning",
      blocks: [
        { type: "text", text, style: "default", tone: "warning" },
        {
          type: "actions",
          actions: [
            { label: words.plain(move === "close" ? "status.confirm.closeButton" : "status.confirm.reopenButton"), verb: "community.status.set", data: { status, confirm: true }, style: "danger", opensForm: false },
            { label: words.plain("action.cancel"), verb: "community.status.set", data: { cancel: true }, opensForm: false },
          ],
        },
      ],
    };
  },
});
