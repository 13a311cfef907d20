import type { Activity, ChannelAccount, TurnContext } from "botbuilder";
import { t } from "../core/i18n/index.js";
import type { Outcome, View } from "../core/views.js";
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
}

export interface TurnReplies {
  /** For an invoke: the card that replaces the clicked one for the person who clicked. */
  invokeCard?: AdaptiveCard;
  /** For an invoke without a view for the actor: a short message Teams shows instead. */
  invokeMessage?: string;
}

/**
 * What audience "actor" means in Teams, which has no ephemeral messages:
 * - Action.Execute: the first actor view is the invoke response, so the card updates in place for
 *   that person only (Universal Actions replace a card for the user who acted, not for everyone).
 * - personal chat: a plain reply; the chat is private already.
 * - channel or group chat: a reply in the same conversation (in a channel, the same thread) that
 *   @mentions the person. Not a 1:1 chat: people look for the answer where they asked, and a 1:1
 *   chat needs the app installed for them personally.
 * Space views are new messages in the conversation (in a channel, the thread the command came from).
 */
export async function replyInTurn(context: TurnContext, outcome: Outcome, options: TurnReplyOptions): Promise<TurnReplies> {
  const replies: TurnReplies = {};
  const outgoing: Array<Partial<Activity>> = [];
  for (const reply of outcome.replies) {
    if (reply.audience === "actor" && options.invoke && !replies.invokeCard) {
      replies.invokeCard = renderCard(reply.view).card;
      continue;
    }
    outgoing.push(reply.audience === "actor" && !options.personal ? mentioning(reply.view, options) : viewActivity(reply.view));
  }
  if (options.invoke && !replies.invokeCard) {
    const first = outcome.replies[0];
    replies.invokeMessage = first ? renderCard(first.view).fallback : t(options.locale, "app.name");
  }
  for (const activity of outgoing) {
    const sent = await withRetry(options.policy, () => context.sendActivity(activity));
    if (!sent.ok) options.log.error({ failure: sent.failure, attempts: sent.attempts }, "Teams reply not delivered");
  }
  return replies;
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
