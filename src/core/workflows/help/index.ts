import { z } from "zod";
import { CommunityStatus, Role } from "../../domain.js";
import type { MessageKey } from "../../i18n/index.js";
import type { Block, Card } from "../../kernel/card.js";
import { outcome, post, reply } from "../../kernel/outcome.js";
import { typed } from "../../kernel/reader.js";
import { esc } from "../../kernel/text.js";
import { md } from "../../kernel/words.js";
import { command, presenter, type Context, type Workflow } from "../../kernel/workflow.js";

const HelpData = z.object({
  communityName: z.string().optional(),
  welcome: z.boolean().default(false),
  commands: z.array(z.object({ usage: z.string(), describe: z.string() })),
  actions: z.array(z.object({ label: z.string(), verb: z.string(), opensForm: z.boolean().default(false) })),
});
type HelpData = z.infer<typeof HelpData>;

/** What this reader can do here: every declared command whose place and permission they pass. */
function helpData(ctx: Context, welcome = false): HelpData {
  const commands = ctx.registry
    .commands()
    .filter((def) => def.help && ctx.can(def.verb))
    .map((def) => ({ usage: def.help!.usage, describe: def.help!.describe }));
  const actions = ctx.registry
    .commands()
    .filter((def) => def.button && ctx.can(def.verb))
    .map((def) => ({ label: def.button!.label, verb: def.verb, opensForm: def.button!.opensForm ?? false }));
  return { communityName: ctx.community?.charter.name, welcome, commands, actions };
}

export const helpPresenter = presenter({
  name: "help",
  schema: HelpData,
  render(data, words): Card {
    const { reader } = words;
    const key = (k: string) => k as MessageKey;
    const intro = reader.personal
      ? words.t("help.intro.personal", { setup: md(typed({ ...reader, personal: false }, "setup")), link: md(typed({ ...reader, personal: false }, "link CODE")) })
      : data.communityName !== undefined
        ? words.t("help.intro.community", { name: data.communityName })
        : words.t("help.intro.none");
    const blocks: Block[] = [];
    if (data.welcome) blocks.push({ type: "text", text: words.t("help.welcome"), style: "default" });
    blocks.push({ type: "text", text: intro, style: "default" });
    blocks.push({ type: "facts", facts: data.commands.map((c) => ({ label: words.typed(words.plain(key(c.usage))).text, value: words.t(key(c.describe)) })) });
    if (reader.platform === "teams" && !reader.personal) blocks.push({ type: "context", texts: [words.t("help.mentionHint", { example: words.typed("help") })] });
    blocks.push({ type: "actions", actions: data.actions.map((a) => ({ label: words.plain(key(a.label)), verb: a.verb, data: {}, opensForm: a.opensForm })) });
    const summary = words.t("help.summary", { commands: md(words.and(data.commands.map((c) => words.typed(words.plain(key(c.usage))).text))) });
    return { title: words.plain("help.title"), summary, blocks };
  },
});

const HomeData = z.object({
  communities: z.array(z.object({ name: z.string(), role: Role, status: CommunityStatus })),
  omitted: z.number().int().nonnegative().default(0),
});
/** How many communities a home lists before summarising the rest. */
export const HOME_COMMUNITIES_SHOWN = 40;

export const homePresenter = presenter({
  name: "home",
  schema: HomeData,
  render({ communities, omitted }, words): Card {
    const list: Block = {
      type: "list",
      heading: words.plain("home.communities"),
      items: communities.map((c) => `**${esc(c.name)}**: ${words.t("home.community", { role: md(words.t(`role.${c.role}`)), status: md(words.t(`status.${c.status}`)) })}`),
      omitted,
      empty: words.t("home.none", { setup: md(typed({ ...words.reader, personal: false }, "setup")) }),
    };
    return { title: words.plain("app.name"), summary: words.t("home.summary"), blocks: [list] };
  },
});

export const help = command({
  verb: "help",
  permission: "anyone",
  where: "anywhere",
  readOnly: true,
  input: z.object({}).passthrough(),
  text: { words: ["help", "?", "hi", "hello", "start"] },
  help: { usage: "help.usage.help", describe: "help.cmd.help" },
  handle: async (ctx) => outcome(reply("help", helpData(ctx))),
});

export const helpWorkflow: Workflow = {
  name: "help",
  commands: [help],
  presenters: [helpPresenter, homePresenter],
  events: {
    installed: async (ctx) => outcome(post("space", "help", helpData(ctx, true))),
    async home(ctx) {
      const { deps, request } = ctx;
      const ids = await deps.repos.members.communitiesOf(request.actor.personKey);
      const shown = await Promise.all(
        ids.slice(0, HOME_COMMUNITIES_SHOWN).map(async (id) => {
          const [community, member] = await Promise.all([deps.repos.communities.get(id), deps.repos.members.get(id, request.actor.personKey)]);
          return community && member ? { name: community.value.charter.name, status: community.value.status, role: member.role } : undefined;
        }),
      );
      const communities = shown.filter((c) => c !== undefined).sort((a, b) => a.name.localeCompare(b.name, ctx.reader.locale));
      return homeCard(ctx, { communities, omitted: Math.max(0, ids.length - HOME_COMMUNITIES_SHOWN) });
    },
  },
};

const homeCard = (ctx: Context, data: z.input<typeof HomeData>): Card => homePresenter.render(HomeData.parse(data), ctx.words);
