import type { App, BlockAction } from "@slack/bolt";
import { Command, type Request } from "../core/commands.js";
import { parseTextCommand } from "../core/textCommands.js";
import type { Outcome } from "../core/views.js";
import { SLACK_LIMITS } from "./limits.js";
import { actorOf, mentionsIn, workspaceOf, type Inbound } from "./identity.js";
import { decodeFormContext, FORM_CALLBACKS, readCharterForm, slackFieldErrors } from "./render/charterModal.js";
import { deliverOutcome } from "./replies.js";
import { handleInbound, requestLog, safeOutcome, type SlackRuntime } from "./runtime.js";

/** The slash command this app registers (manifests/slack/manifest.yaml). */
export const SLASH_COMMAND = "/cop";

/** Buttons carry a command verb as action_id: the same verbs the Teams cards use. */
const ACTION_IDS = /^(community|space)\./;

/** How long a modal submission may wait for the core before it must be acknowledged anyway. */
const SUBMISSION_BUDGET_MS = SLACK_LIMITS.interaction.ackWithinMs - 1_000;

/** A button's verb and its JSON value become a Command; anything else is treated as not understood. */
export function commandFromAction(actionId: string, value: string | undefined): Command {
  let extra: Record<string, unknown> = {};
  try {
    const parsed: unknown = value ? JSON.parse(value) : {};
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) extra = parsed as Record<string, unknown>;
  } catch {
    // A plain-string value carries no arguments.
  }
  const command = Command.safeParse({ ...extra, type: actionId });
  return command.success ? command.data : { type: "unknown", text: actionId.slice(0, 80) };
}

export function registerInteractions(bolt: App, rt: SlackRuntime): void {
  bolt.command(SLASH_COMMAND, async ({ ack, command, client, context, respond }) => {
    // Acknowledge first: everything else (users.info, the core, replies) happens after Slack has its 200.
    await ack();
    const inbound: Inbound = {
      client,
      workspace: workspaceOf(context),
      userId: command.user_id,
      channelId: command.channel_id,
      channelName: command.channel_name,
    };
    const { text, mentions } = await mentionsIn(rt.directory, inbound, command.text ?? "");
    const parsed: Command = text.trim() ? parseTextCommand(text, mentions) : { type: "help" };
    await handleInbound(rt, inbound, parsed, { triggerId: command.trigger_id, respond, correlationId: context.correlationId });
  });

  bolt.action<BlockAction>(ACTION_IDS, async ({ ack, body, action, client, context, respond }) => {
    await ack();
    const pressed = action as { action_id: string; value?: string };
    const channelId = body.channel?.id ?? (body.container as { channel_id?: string } | undefined)?.channel_id;
    const inbound: Inbound = {
      client,
      workspace: workspaceOf(context),
      userId: body.user.id,
      userTeamHint: body.user.team_id,
      channelId,
      channelName: body.channel?.name,
    };
    await handleInbound(rt, inbound, commandFromAction(pressed.action_id, pressed.value), {
      triggerId: body.trigger_id,
      respond,
      correlationId: context.correlationId,
    });
  });

  bolt.view({ callback_id: new RegExp(`^(${Object.values(FORM_CALLBACKS).join("|").replace(/\./g, "\\.")})$`), type: "view_submission" }, async ({ ack, body, view, client, context }) => {
    const formContext = decodeFormContext(view.private_metadata);
    const inbound: Inbound = {
      client,
      workspace: workspaceOf(context),
      userId: body.user.id,
      userTeamHint: body.user.team_id,
      channelId: formContext?.channelId,
    };
    const log = requestLog(rt, inbound, context.correlationId);
    if (!formContext) {
      log.warn({ callbackId: view.callback_id }, "modal submitted without its form context; closing it");
      await ack();
      return;
    }
    const form = readCharterForm(view.state.values);
    const command: Command = view.callback_id === FORM_CALLBACKS.create ? { type: "community.setup", form } : { type: "community.charter.update", form };
    const space = { spaceKey: formContext.spaceKey, platform: "slack", displayName: formContext.displayName, personal: formContext.personal } as const;
    // users.info is inside the budget too: a slow Slack must not hold the acknowledgement back.
    const pending = actorOf(rt.directory, inbound).then(async (actor) => {
      const request: Request = { actor, space, command };
      return { request, outcome: await safeOutcome(rt, request, log) };
    });
    const settled = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SUBMISSION_BUDGET_MS).unref())]);
    const target = {
      client, userId: body.user.id, channelId: formContext.channelId, personal: formContext.personal, formContext, log,
    };
    const formReply = settled?.outcome.replies.find((r) => r.view.kind === "charterForm");
    if (formReply?.view.kind === "charterForm" && Object.keys(formReply.view.errors).length > 0) {
      await ack({ response_action: "errors", errors: slackFieldErrors(formReply.view.errors) });
      return;
    }
    // Valid, refused, or still in the core after the budget: the modal closes now and the answer is posted.
    await ack();
    const { request, outcome } = settled ?? (await pending);
    await deliverOutcome(target, withoutForms(outcome));
    await rt.refKeeper.rememberRequest(request, inbound.workspace, inbound.userId, formContext.channelId);
  });
}

/** After a submission the modal is gone: a form in the answer cannot be shown as one. */
const withoutForms = (outcome: Outcome): Outcome => ({ replies: outcome.replies.filter((r) => r.view.kind !== "charterForm") });
