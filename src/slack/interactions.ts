import type { App, BlockAction, ViewSubmitAction } from "@slack/bolt";
import { renderMessage } from "./render/card/message.js";
import { SLACK_COMMAND } from "../core/kernel/reader.js";
import type { Request } from "../core/kernel/request.js";
import { SLACK_LIMITS } from "./limits.js";
import { askFromAction, askFromText, keepTyped, valuesOf, type ViewStateValues } from "./asks.js";
import { pickedMessage } from "./pickedMessage.js";
import { deliverSlack } from "./deliver.js";
import { actorOf, workspaceOf, type Inbound } from "./identity.js";
import { modalErrors, renderModal } from "./render/card/modal.js";
import { t } from "../core/i18n/index.js";
import { renderWordsFor } from "../core/kernel/words.js";
import { copyRecorder, fromContext, handleInbound, requestLog, safeDelivery, slackPeople, targetOf, type SlackRuntime } from "./runtime.js";

/** The slash command this app registers (manifests/slack/manifest.yaml). */
export const SLASH_COMMAND = SLACK_COMMAND;

/** How long a modal submission may wait for the core before it must be acknowledged anyway. */
const SUBMISSION_BUDGET_MS = SLACK_LIMITS.interaction.ackWithinMs - 800;

export function registerInteractions(bolt: App, rt: SlackRuntime): void {
  // Every slash command routed here, in one listener (Bolt runs each listener's middleware for every request).
  bolt.command(/.*/, async ({ ack, command, client, context, respond }) => {
    if (command.command !== SLASH_COMMAND) {
      // Another slash command routed here (a manifest out of date): answered at once, with the one this app has.
      const card = rt.kernel.present({ presenter: "notice", data: { key: "slack.unknownCommand", params: { command: { code: SLASH_COMMAND }, help: { code: `${SLASH_COMMAND} help` } } } }, { locale: "en", platform: "slack", personal: false });
      rt.log.info({ command: command.command.slice(0, 40) }, "unknown slash command answered with a hint");
      await ack({ response_type: "ephemeral", ...renderMessage(card) });
      return;
    }
    // Acknowledge first: everything else (users.info, the core, replies) happens after Slack has its 200.
    await ack();
    const inbound: Inbound = { client, workspace: workspaceOf(context), userId: command.user_id, channelId: command.channel_id, channelName: command.channel_name };
    await handleInbound(rt, inbound, askFromText(command.text ?? ""), { triggerId: command.trigger_id, respond, ...fromContext(context) });
  });

  // Every button: its action id is the command verb; unknown verbs get a hint from the core, at once.
  bolt.action<BlockAction>(/.*/, async ({ ack, body, action, client, context, respond }) => {
    await ack();
    const pressed = action as { action_id: string; value?: string };
    const channelId = body.channel?.id ?? (body.container as { channel_id?: string } | undefined)?.channel_id;
    const inbound: Inbound = { client, workspace: workspaceOf(context), userId: body.user.id, userTeamHint: body.user.team_id, channelId, channelName: body.channel?.name };
    const ts = body.message?.ts ?? (body.container as { message_ts?: string } | undefined)?.message_ts;
    await handleInbound(rt, inbound, askFromAction(pressed.action_id, pressed.value), {
      triggerId: body.trigger_id,
      respond,
      pressed: channelId && ts ? { channel: channelId, ts } : undefined,
      ...fromContext(context),
    });
  });

  // Every modal: its callback id is the command verb, its private_metadata the sealed form context.
  bolt.view<ViewSubmitAction>({ callback_id: /.*/, type: "view_submission" }, async ({ ack, body, view, client, context }) => {
    const inbound: Inbound = { client, workspace: workspaceOf(context), userId: body.user.id, userTeamHint: body.user.team_id };
    const log = requestLog(rt, inbound, context.correlationId);
    const state = view.state.values as unknown as ViewStateValues;
    const values = valuesOf(state);
    // users.info is inside the budget too: a slow Slack must not hold the acknowledgement back.
    const pending = actorOf(rt.directory, inbound).then(async (actor) => {
      // The space comes from the sealed form context; this placeholder is the person's own, until it is opened.
      const request: Request = { actor, space: { spaceKey: `slack:${inbound.workspace.teamId ?? "unknown"}:${inbound.userId}`, platform: "slack", displayName: "", personal: true }, ask: { kind: "form", verb: view.callback_id, token: view.private_metadata ?? "", values } };
      return { request, delivery: await safeDelivery(rt, request, slackPeople(rt, inbound), log) };
    });
    const settled = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SUBMISSION_BUDGET_MS).unref())]);
    const failed = settled?.delivery.verb === "error";
    if (!settled || failed) {
      // Slow or failing storage: the modal stays open with what was typed and says so; nothing is lost.
      log.warn({ callbackId: view.callback_id, slow: !settled }, "modal submission not saved in time; kept open with the person's entries");
      const locale = settled?.request.actor.locale ?? "en";
      const note = { type: "section", text: { type: "mrkdwn", text: `:warning: ${t(locale, settled ? "slack.form.saveFailed" : "slack.form.saveSlow")}` } };
      const kept = keepTyped({ type: "modal" as const, callback_id: view.callback_id, private_metadata: view.private_metadata, title: view.title, submit: view.submit ?? undefined, close: view.close ?? undefined, blocks: [note, ...view.blocks.filter((b) => (b as { type?: string }).type === "input")] }, state);
      await ack({ response_action: "update", view: kept as never });
      if (!settled) {
        // It may still go through: then the person is told as usual.
        const late = await pending;
        if (late.delivery.verb !== "error") {
          // The modal still says saving took too long: it now says it went through, so nobody submits twice.
          const lateForm = late.delivery.items.find((i) => i.kind === "form");
          const saved = !lateForm;
          if (lateForm?.kind === "form" && view.id) {
            // What came back is a form (the next step, or this one saying why): it replaces the modal, with its values.
            await client.views
              .update({ view_id: view.id, view: renderModal(lateForm.form, lateForm.card.blocks.filter((b) => b.type !== "form"), renderWordsFor(lateForm.card.locale ?? "en")) as never })
              .catch((error: unknown) => log.warn({ err: error }, "could not show the form that came back late"));
          }
          if (saved && view.id) {
            const text = `:white_check_mark: ${t(late.request.actor.locale, "slack.form.savedLate")}`;
            await client.views
              .update({ view_id: view.id, view: { type: "modal", title: view.title, close: { type: "plain_text", text: t(late.request.actor.locale, "form.close") }, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] } })
              .catch((error: unknown) => log.warn({ err: error }, "could not tell the modal that the late save went through"));
          }
          await deliverSlack(targetOf(inbound, late.delivery, log, { recordCopy: copyRecorder(rt) }), late.delivery, true);
        }
      }
      return;
    }
    const { request, delivery } = settled;
    const form = delivery.items.find((i) => i.kind === "form");
    const refused = delivery.formErrors;
    if (refused?.fieldsOnly) {
      // Field errors beside their fields; the modal stays open with what was typed.
      await ack({ response_action: "errors", errors: modalErrors(refused.errors, refused.form) });
    } else if (form?.kind === "form") {
      // Refused as a whole (changed by someone else, expired): the same modal again, saying why, with what was typed.
      await ack({ response_action: "update", view: renderModal(form.form, form.card.blocks.filter((b) => b.type !== "form"), renderWordsFor(form.card.locale ?? "en")) as never });
    } else await ack();
    await deliverSlack(targetOf({ ...inbound }, delivery, log, { recordCopy: copyRecorder(rt) }), delivery, true);
    await rt.refKeeper.rememberRequest(request, inbound.workspace, inbound.userId, undefined, { person: !rt.kernel.unlinkable(request.ask) });
  });

  // Message shortcuts: the callback id is the verb of a command declared as a message action. Shortcuts the
  // app does not have (a manifest out of date) are acknowledged at once.
  bolt.shortcut(/.*/, async ({ ack, shortcut, client, context, respond }) => {
    await ack();
    if (shortcut.type !== "message_action" || !rt.kernel.registry.command(shortcut.callback_id)?.messageAction) {
      rt.log.info({ callbackId: shortcut.callback_id.slice(0, 80) }, "unknown shortcut acknowledged");
      return;
    }
    const inbound: Inbound = { client, workspace: workspaceOf(context), userId: shortcut.user.id, userTeamHint: shortcut.user.team_id, channelId: shortcut.channel.id, channelName: shortcut.channel.name };
    const message = await pickedMessage(client, shortcut, requestLog(rt, inbound, context.correlationId));
    await handleInbound(rt, inbound, { kind: "message", verb: shortcut.callback_id, message }, { triggerId: shortcut.trigger_id, respond, ...fromContext(context) });
  });
}
