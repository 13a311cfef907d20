import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from "@slack/bolt";
import { slackErrorCode } from "./errors.js";
import { askFromText } from "./asks.js";
import { deliverSlack } from "./deliver.js";
import { actorOf, isPersonal, spaceOf, workspaceOf, type Inbound } from "./identity.js";
import { installationKey, type Workspace } from "./installationStore.js";
import { renderHome } from "./render/card/home.js";
import { copyRecorder, fromContext, handleInbound, requestLog, slackPeople, targetOf, type SlackRuntime } from "./runtime.js";
import { asJsonText } from "./transport.js";

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

/** The mention of the app itself is how the person addressed it, not part of what they asked. */
const withoutBot = (text: string, botUserId: string | undefined) => (botUserId ? text.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, "g"), " ") : text);

/** The arguments Bolt gives an event listener for one event type. */
type EventArgs<T extends string> = SlackEventMiddlewareArgs<T> & AllMiddlewareArgs;
type Handled = "app_mention" | "message" | "app_home_opened" | "member_joined_channel" | "member_left_channel" | "app_uninstalled" | "tokens_revoked";
type Handlers = { [T in Handled]: (args: EventArgs<T>) => Promise<void> };

/**
 * One listener for every event, dispatching by its type: Bolt runs each listener's middleware for every request
 * (a command or a button too), so seven listeners here cost every request seven passes for nothing.
 */
export function registerEvents(bolt: App, rt: SlackRuntime): void {
  const on = eventHandlers(rt);
  bolt.event(/.*/, async (args) => {
    const type = args.event.type;
    if (Object.hasOwn(on, type)) await on[type as Handled](args as never);
  });
}

function eventHandlers(rt: SlackRuntime): Handlers {
  return {
    async app_mention({ event, client, context }) {
      if (!event.user) return;
      const inbound: Inbound = { client, workspace: workspaceOf(context), userId: event.user, userTeamHint: event.user_team, channelId: event.channel };
      await handleInbound(rt, inbound, askFromText(withoutBot(typeof event.text === "string" ? event.text : "", context.botUserId)), fromContext(context));
    },

    async message({ event: message, client, context }) {
      // Only people writing to the app in its DM; edits, joins and bot posts have a subtype or a bot_id.
      if (message.channel_type !== "im" || message.subtype !== undefined || !("user" in message) || ("bot_id" in message && message.bot_id)) return;
      const inbound: Inbound = { client, workspace: workspaceOf(context), userId: message.user, channelId: message.channel };
      await handleInbound(rt, inbound, askFromText(typeof message.text === "string" ? message.text : ""), fromContext(context));
    },

    async app_home_opened({ event, client, context }) {
      if (event.tab !== "home") return;
      const inbound: Inbound = { client, workspace: workspaceOf(context), userId: event.user };
      const [actor, space] = await Promise.all([actorOf(rt.directory, inbound), spaceOf(rt.directory, inbound)]);
      const log = requestLog(rt, inbound, context.correlationId);
      try {
        const card = await rt.kernel.home({ actor, space }, slackPeople(rt, inbound));
        if (card) await client.views.publish({ user_id: event.user, view: asJsonText(renderHome(card)) });
      } catch (error) {
        log.error({ err: error, slackError: slackErrorCode(error) }, "could not publish the App Home");
      }
      await rt.refKeeper.save(actor.personKey, inbound.workspace, { ...inbound.workspace, userId: event.user });
    },

    async member_joined_channel({ event, client, context }) {
      const inbound: Inbound = { client, workspace: workspaceOf(context), userId: event.user, channelId: event.channel };
      const log = requestLog(rt, inbound, context.correlationId);
      const space = await spaceOf(rt.directory, inbound);
      if (event.user === context.botUserId) {
        // Invited: remember the channel for proactive messages and say what the app does.
        await rt.refKeeper.save(space.spaceKey, inbound.workspace, { ...inbound.workspace, channelId: event.channel });
        const inviter: Inbound = { ...inbound, userId: event.inviter ?? event.user };
        const actor = await actorOf(rt.directory, inviter);
        const delivery = await rt.kernel.onEvent({ kind: "installed" }, { actor, space }, slackPeople(rt, inviter));
        await deliverSlack(targetOf(inviter, delivery, log, { recordCopy: copyRecorder(rt) }), delivery);
        return;
      }
      if (isPersonal(event.channel)) return;
      const person = await actorOf(rt.directory, inbound);
      await rt.refKeeper.save(person.personKey, inbound.workspace, { ...inbound.workspace, userId: event.user });
      await rt.kernel.onEvent({ kind: "joined", people: [{ personKey: person.personKey, displayName: person.displayName }] }, { actor: person, space }, slackPeople(rt, inbound));
    },

    async member_left_channel({ event, client, context }) {
      if (event.user === context.botUserId || isPersonal(event.channel)) return;
      const inbound: Inbound = { client, workspace: workspaceOf(context), userId: event.user, channelId: event.channel };
      const [space, actor] = await Promise.all([spaceOf(rt.directory, inbound), actorOf(rt.directory, inbound)]);
      await rt.kernel.onEvent({ kind: "left", people: [actor.personKey] }, { actor, space }, slackPeople(rt, inbound));
    },

    async app_uninstalled({ context }) {
      await forgetInstallation(rt, workspaceOf(context), "app_uninstalled");
    },

    async tokens_revoked({ event, context }) {
      // Only the bot token matters: the app asks for no user tokens.
      if ((event.tokens.bot ?? []).length === 0) return;
      await forgetInstallation(rt, workspaceOf(context), "tokens_revoked");
    },
  };
}
