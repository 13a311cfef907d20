import type { Activity, ChannelAccount, TurnContext } from "botbuilder";
import { t } from "../core/i18n/index.js";
import type { DeliveryResult } from "../core/ports.js";
import type { Outcome, Reply, View } from "../core/views.js";
import type { Logger } from "../log.js";
import { renderCard, viewActivity, type AdaptiveCard } from "./cards.js";
import { withRetry, type RetryPolicy } from "./retry.js";

export interface TurnReplyOptions {
  /** The person who asked (the activity's `from`). */
  actor: ChannelAccount;
  locale: string;
  /** A 1:1 chat with the app: everything in it is already private. */
  personal: boolean;
  /** An Action.Execute invoke: the first view for the actor becomes the invoke response card. */
  invoke: boolean;
  policy: RetryPolicy;
  log: Logger;
  /** Delivers a view to the asker's 1:1 chat with the app (the Messenger, which opens one if needed). */
  sendPrivately(view: View): Promise<DeliveryResult>;
}

export interface TurnReplies {
  /** For an invoke: the card that replaces the clicked one. */
  invokeCard?: AdaptiveCard;
  /** For an invoke without a view for the actor: a short message Teams shows instead. */
  invokeMessage?: string;
}

/**
 * What audience "actor" means in Teams, which has no ephemeral messages:
 * - secret replies (a link code) outside a personal chat: the view goes to the person's 1:1 chat with
 *   the app, and the conversation gets only a note that it was sent privately (or could not be). Neither
 *   a thread reply nor an invoke response would do: everyone in the conversation can read both.
 * - Action.Execute: the first actor view is the invoke response, shown in place of the clicked card.
 * - personal chat: a plain reply; the chat is private already.
 * - channel or group chat: a reply in the same conversation (in a channel, the same thread) that
 *   @mentions the person. People look for the answer where they asked, and a 1:1 chat needs the app
 *   installed for them personally.
 * Space views are new messages in the conversation (in a channel, the thread the command came from).
 */
export async function replyInTurn(context: TurnContext, outcome: Outcome, options: TurnReplyOptions): Promise<TurnReplies> {
  const replies: TurnReplies = {};
  const outgoing: Array<Partial<Activity>> = [];
  let firstShown: View | undefined;
  for (const reply of outcome.replies) {
    if (reply.secret && !options.personal) {
      const note = await sendSecret(reply, options);
      firstShown ??= note;
      outgoing.push(mentioning(note, options));
      continue;
    }
    firstShown ??= reply.view;
    if (reply.audience === "actor" && options.invoke && !replies.invokeCard) {
      replies.invokeCard = renderCard(reply.view).card;
      continue;
    }
    outgoing.push(reply.audience === "actor" && !options.personal ? mentioning(reply.view, options) : viewActivity(reply.view));
  }
  if (options.invoke && !replies.invokeCard) {
    replies.invokeMessage = firstShown ? renderCard(firstShown).fallback : t(options.locale, "app.name");
  }
  for (const activity of outgoing) {
    const sent = await withRetry(options.policy, () => context.sendActivity(activity));
    if (!sent.ok) options.log.error({ failure: sent.failure, attempts: sent.attempts }, "Teams reply not delivered");
  }
  return replies;
}

/** Sends a secret view to the person's 1:1 chat; what the shared conversation may see is the returned note. */
async function sendSecret(reply: Reply, options: TurnReplyOptions): Promise<View> {
  const result = await options.sendPrivately(reply.view).catch((error: unknown): DeliveryResult => ({ status: "failed", reason: String(error), retryable: false }));
  const sent = result.status === "sent";
  // The view itself is never logged: it is the secret.
  if (!sent) options.log.warn({ view: reply.view.kind, delivery: result }, "secret reply could not be sent privately; the conversation gets a note instead");
  return {
    kind: "notice",
    locale: reply.view.locale,
    tone: sent ? "info" : "warning",
    message: { key: sent ? "teams.sentPrivately" : "teams.privateFailed", params: { app: t(reply.view.locale, "app.name") } },
  };
}

/** The view's card, with a text line @mentioning the person it is for. */
function mentioning(view: View, options: TurnReplyOptions): Partial<Activity> {
  const activity = viewActivity(view);
  const name = options.actor.name?.trim();
  if (!name) return activity;
  const text = `<at>${name.replace(/[<>]/g, "")}</at>`;
  activity.text = t(options.locale, "teams.forPerson", { person: text });
  activity.entities = [{ type: "mention", text, mentioned: { id: options.actor.id, name } }];
  return activity;
}
