import type { App } from "@slack/bolt";
import type { Command } from "../core/commands.js";
import type { CoreDeps } from "../core/ports.js";
import { parseTextCommand } from "../core/textCommands.js";
import { slackErrorCode } from "./errors.js";
import { actorOf, isPersonal, mentionsIn, spaceOf, workspaceOf, type Inbound } from "./identity.js";
import { installationKey, type Workspace } from "./installationStore.js";
import { HOME_COMMUNITIES_SHOWN, renderHome, type HomeCommunity, type HomeModel } from "./render/home.js";
import { renderMessage } from "./render/renderers.js";
import { handleInbound, requestLog, type SlackRuntime } from "./runtime.js";

/** The App Home of one person: their communities (events and surveys arrive with later issues). */
export async function homeModel(deps: CoreDeps, personKey: string, locale: string): Promise<HomeModel> {
  const ids = await deps.repos.members.communitiesOf(personKey);
  const shown = await Promise.all(
    ids.slice(0, HOME_COMMUNITIES_SHOWN).map(async (id): Promise<HomeCommunity | undefined> => {
      const [community, member] = await Promise.all([deps.repos.communities.get(id), deps.repos.members.get(id, personKey)]);
      return community && member ? { name: community.value.charter.name, status: community.value.status, role: member.role } : undefined;
    }),
  );
  const communities = shown.filter((c): c is HomeCommunity => c !== undefined).sort((a, b) => a.name.localeCompare(b.name, locale));
  return { locale, communities, omitted: Math.max(0, ids.length - HOME_COMMUNITIES_SHOWN) };
}

async function parseSaid(rt: SlackRuntime, inbound: Inbound, said: string): Promise<Command> {
  const { text, mentions } = await mentionsIn(rt.directory, inbound, said);
  return text.trim() ? parseTextCommand(text, mentions) : { type: "help" };
}

/** Stops messaging an installation: its refs become unreachable and (OAuth) its tokens are forgotten. */
async function forgetInstallation(rt: SlackRuntime, workspace: Workspace, why: string): Promise<void> {
  const key = installationKey(workspace);
  if (rt.installations) {
    await rt.installations.deleteInstallation({
      teamId: workspace.isEnterpriseInstall ? undefined : workspace.teamId,
      enterpriseId: workspace.enterpriseId,
      isEnterpriseInstall: workspace.isEnterpriseInstall,
    });
  }
  const marked = await rt.workspaceRefs.markUnreachable(key, rt.deps.repos.conversationRefs);
  rt.refKeeper.forgetFreshness();
  rt.log.info({ installation: key, refsMarkedUnreachable: marked, why }, "stopped messaging a Slack installation");
}

export function registerEvents(bolt: App, rt: SlackRuntime): void {
  bolt.event("app_mention", async ({ event, client, context }) => {
    if (!event.user) return;
    const inbound: Inbound = { client, workspace: workspaceOf(context), userId: event.user, userTeamHint: event.user_team, channelId: event.channel };
    // The mention of the app itself is how the person addressed it, not part of the command.
    const said = context.botUserId ? event.text.replace(new RegExp(`<@${context.botUserId}(\\|[^>]*)?>`, "g"), " ") : event.text;
    await handleInbound(rt, inbound, await parseSaid(rt, inbound, said), { correlationId: context.correlationId });
  });

  bolt.message(async ({ message, client, context }) => {
    // Only people writing to the app in its DM; edits, joins and bot posts have a subtype or a bot_id.
    if (message.channel_type !== "im" || message.subtype !== undefined || !("user" in message) || "bot_id" in message && message.bot_id) return;
    const inbound: Inbound = { client, workspace: workspaceOf(context), userId: message.user, channelId: message.channel };
    await handleInbound(rt, inbound, await parseSaid(rt, inbound, message.text ?? ""), { correlationId: context.correlationId });
  });

  bolt.event("app_home_opened", async ({ event, client, context }) => {
    if (event.tab !== "home") return;
    const inbound: Inbound = { client, workspace: workspaceOf(context), userId: event.user };
    const actor = await actorOf(rt.directory, inbound);
    const log = requestLog(rt, inbound, context.correlationId);
    try {
      await client.views.publish({ user_id: event.user, view: renderHome(await homeModel(rt.deps, actor.personKey, actor.locale)) });
    } catch (error) {
      log.error({ err: error, slackError: slackErrorCode(error) }, "could not publish the App Home");
    }
    await rt.refKeeper.save(actor.personKey, inbound.workspace, { ...inbound.workspace, userId: event.user });
  });

  bolt.event("member_joined_channel", async ({ event, client, context }) => {
    const inbound: Inbound = { client, workspace: workspaceOf(context), userId: event.user, channelId: event.channel };
    const space = await spaceOf(rt.directory, inbound);
    if (event.user === context.botUserId) {
      // Invited: remember the channel for proactive messages and say what the app does.
      await rt.refKeeper.save(space.spaceKey, inbound.workspace, { ...inbound.workspace, channelId: event.channel });
      const inviter: Inbound = { ...inbound, userId: event.inviter ?? event.user };
      const actor = await actorOf(rt.directory, inviter);
      const bound = await rt.deps.repos.spaces.find(space.spaceKey);
      const community = bound && (await rt.deps.repos.communities.get(bound.communityId));
      const help = renderMessage({
        kind: "help",
        locale: actor.locale,
        canManage: !community,
        communityName: community ? community.value.charter.name : undefined,
        intro: { key: "help.welcome", params: {} },
      });
      await client.chat.postMessage({ channel: event.channel, text: help.text, blocks: help.blocks });
      return;
    }
    if (isPersonal(event.channel)) return;
    const person = await actorOf(rt.directory, inbound);
    await rt.refKeeper.save(person.personKey, inbound.workspace, { ...inbound.workspace, userId: event.user });
  });

  bolt.event("app_uninstalled", async ({ context }) => {
    await forgetInstallation(rt, workspaceOf(context), "app_uninstalled");
  });

  bolt.event("tokens_revoked", async ({ event, context }) => {
    // Only the bot token matters: the app asks for no user tokens.
    if ((event.tokens.bot ?? []).length === 0) return;
    await forgetInstallation(rt, workspaceOf(context), "tokens_revoked");
  });
}
