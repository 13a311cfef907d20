import type { Activity, ChannelAccount, TurnContext } from "botbuilder";
import type { Card } from "../core/kernel/card.js";
import type { Delivery, DeliveryItem } from "../core/kernel/kernel.js";
import type { DeliveredFile } from "../core/kernel/files.js";
import { esc, plainText } from "../core/kernel/text.js";
import { t } from "../core/i18n/index.js";
import type { DeliveryResult } from "../core/ports.js";
import type { Logger } from "../log.js";
import { cardActivity, renderCard, type AdaptiveCard } from "./render/index.js";
import { withRetry, type RetryPolicy } from "./retry.js";
import type { SenderDelivery } from "./messenger.js";

export interface TurnOptions {
  /** The person who asked (the activity's `from`). */
  actor: ChannelAccount;
  /** A 1:1 chat with the app: everything in it is already private. */
  personal: boolean;
  /** An Action.Execute invoke: a card for the asker becomes the invoke response, shown to them in place. */
  invoke: boolean;
  /** The message whose button was pressed (Action.Submit `replyToId`), which a replace updates. */
  pressedId?: string;
  /** The press came from a form's submit button. */
  fromForm: boolean;
  /** The request was typed (not a button): a private answer is pointed to from where it was asked. */
  typed: boolean;
  policy: RetryPolicy;
  log: Logger;
  /** Delivers a card to the asker's 1:1 chat with the app (the Messenger opens one if needed). */
  sendPrivately(card: Card): Promise<SenderDelivery>;
  /** Keeps a file for the asker and answers the file consent card that offers it. */
  offerFile(file: DeliveredFile): Promise<Partial<Activity>>;
  /** Delivers an activity (a file consent card) to the asker's 1:1 chat. */
  sendActivityPrivately(activity: Partial<Activity>): Promise<SenderDelivery>;
  /** The space this turn happened in: posts for another (a private card's button, a sealed form) go there instead. */
  here: string;
  /** Delivers a card to a space other than this turn's conversation (proactively, through the Messenger). */
  sendToSpace(spaceKey: string, card: Card): Promise<DeliveryResult>;
  /** Notes which message a post became, under the key its card's copies are kept by (`Copies.posted`). */
  recordCopy(of: string, copy: { spaceKey: string; messageId: string; locale: string }): Promise<void>;
}

export interface TurnReplies {
  /** For an invoke: the card that replaces the clicked one, for the clicker. */
  invokeCard?: AdaptiveCard;
  /** For an invoke without a card for the asker: a short message Teams shows instead. */
  invokeMessage?: string;
}

/**
 * What each effect means in Teams, which has no ephemeral messages:
 * - private (a reply, or a replace for the asker): in a 1:1 chat, a reply there; after Action.Execute, the
 *   clicker's refreshed card; otherwise the person's 1:1 chat with the app. Never a thread reply: everyone
 *   in a channel reads those. A typed command gets a content-free pointer in the thread.
 * - post: a new message in the conversation (in a channel, the thread the request came from).
 * - replace for everyone: the pressed message is updated (Action.Submit carries its id).
 * - form: shown where it was asked (sealed to the person who opened it); a resubmitted form with errors
 *   replaces itself, and a saved one is replaced by a line saying it was submitted.
 */
export async function carryOut(context: TurnContext, delivery: Delivery, options: TurnOptions): Promise<TurnReplies> {
  const replies: TurnReplies = {};
  const locale = delivery.reader.locale;
  const outgoing: Array<Partial<Activity>> = [];
  const updates: Array<Partial<Activity>> = [];
  /** Posts whose message id is recorded once sent, by the key of their copies. */
  const copiesOf = new Map<Partial<Activity>, string>();
  const record = (of: string | undefined, spaceKey: string, messageId: string | undefined) =>
    of && messageId ? options.recordCopy(of, { spaceKey, messageId, locale }).catch((error: unknown) => options.log.warn({ err: error }, "a posted copy could not be recorded; it will not be refreshed")) : undefined;
  let pointed = false;
  const hasForm = delivery.items.some((i) => i.kind === "form");

  const privately = async (card: Card) => {
    if (options.personal) return void outgoing.push(cardActivity(card));
    if (options.invoke && !replies.invokeCard) return void (replies.invokeCard = renderCard(card).card);
    return viaPersonalChat(() => options.sendPrivately(card));
  };

  /** Sends to the 1:1 chat; where it was asked, a pointer (typed) or a note that it could not go (always). */
  const viaPersonalChat = async (send: () => Promise<SenderDelivery>) => {
    const result = await send().catch((error: unknown): DeliveryResult => ({ status: "failed", reason: String(error), retryable: false }));
    const sent = result.status === "sent" || result.status === "queued";
    // The card itself is never logged: it may be a secret.
    if (!sent) options.log.warn({ delivery: result }, "a private answer could not reach the person's 1:1 chat; the conversation gets a note instead");
    if (!sent || (options.typed && !pointed)) {
      pointed = true;
      outgoing.push(mentioning(t(locale, sent ? "teams.answeredPrivately" : "teams.privateFailed", { person: "{person}", app: t(locale, "app.name") }), options.actor));
    }
  };

  for (const item of delivery.items) await place(item);

  async function place(item: DeliveryItem): Promise<void> {
    switch (item.kind) {
      case "reply":
        return privately(item.card);
      case "post":
        if (delivery.space.spaceKey === options.here) {
          const activity = cardActivity(item.card);
          outgoing.push(activity);
          if (item.copies) copiesOf.set(activity, item.copies);
        } else {
          // Pressed somewhere else (the 1:1 chat) about this space: the post belongs in the space itself.
          const result = await options.sendToSpace(delivery.space.spaceKey, item.card);
          if (result.status !== "sent") options.log.warn({ delivery: result }, "a post for another space could not be delivered there");
          else await record(item.copies, delivery.space.spaceKey, result.messageId);
        }
        return;
      case "replace":
        if (item.for === "actor") return privately(item.card);
        if (options.invoke) replies.invokeCard = renderCard(item.card).card;
        // A refresh of every copy is coming within the window: the pressed message waits for it.
        if (item.refreshing) return;
        if (options.pressedId) updates.push({ ...cardActivity(item.card), id: options.pressedId });
        else if (!options.invoke) outgoing.push(cardActivity(item.card));
        return;
      case "form":
        if (options.invoke && !replies.invokeCard) replies.invokeCard = renderCard(item.card).card;
        else if (options.fromForm && options.pressedId) updates.push({ ...cardActivity(item.card), id: options.pressedId });
        else outgoing.push(cardActivity(item.card));
        return;
      case "file": {
        // Never in a shared conversation, and never as an invoke's card: a consent card in the 1:1 chat.
        const offer = await options.offerFile(item.file).catch((error: unknown) => void options.log.error({ err: error }, "a file could not be kept for its offer"));
        if (!offer) return privately(fileFailedCard(locale, item.file.title));
        if (options.personal) return void outgoing.push(offer);
        return viaPersonalChat(() => options.sendActivityPrivately(offer));
      }
    }
  }

  // A form that went through (something was posted, or the asker told it worked) is replaced where it was,
  // so no one fills in a spent one. A refused one (someone else's, expired, not allowed) stays as it was.
  const accepted = delivery.items.some((i) => i.kind === "post" || i.card.tone === "success");
  if (options.fromForm && options.pressedId && !hasForm && !options.invoke && accepted) {
    // Named after what was saved: the first card with a title (a notice has none).
    const title = delivery.items.map((i) => i.card.title.trim()).find(Boolean) ?? t(locale, "app.name");
    updates.push({ ...cardActivity(savedCard(locale, options.actor.name ?? "", title)), id: options.pressedId });
  }
  if (options.invoke && !replies.invokeCard) {
    replies.invokeMessage = delivery.items[0] ? plainText(delivery.items[0].card.summary) : t(locale, "app.name");
  }
  for (const activity of updates) {
    const updated = await withRetry(options.policy, () => context.updateActivity(activity));
    if (!updated.ok) options.log.warn({ failure: updated.failure }, "Teams message not updated in place; sending it anew");
    if (!updated.ok) outgoing.push({ ...activity, id: undefined });
  }
  for (const activity of outgoing) {
    const sent = await withRetry(options.policy, () => context.sendActivity(activity));
    if (!sent.ok) options.log.error({ failure: sent.failure, attempts: sent.attempts }, "Teams reply not delivered");
    else await record(copiesOf.get(activity), delivery.space.spaceKey, sent.value?.id);
  }
  return replies;
}

function fileFailedCard(locale: string, title: string): Card {
  const text = t(locale, "file.failed", { title: esc(title) });
  return { title: "", summary: text, tone: "warning", blocks: [{ type: "text", text, style: "default", tone: "warning" }] };
}

function savedCard(locale: string, person: string, title: string): Card {
  // Both are plain words (a display name, a card title): escaped, so they show as typed.
  const text = t(locale, "teams.formSaved", { person: esc(person || t(locale, "app.name")), title: esc(title) });
  return { title, summary: text, tone: "success", blocks: [{ type: "text", text, style: "subtle", tone: "success" }] };
}

/** A short text message that @mentions the person it is for (no card, no content beyond the line). */
function mentioning(line: string, actor: ChannelAccount): Partial<Activity> {
  const name = actor.name?.trim().replace(/[<>]/g, "") || "";
  const at = name ? `<at>${name}</at>` : "";
  return {
    type: "message",
    text: line.replace("{person}", at),
    ...(name ? { entities: [{ type: "mention", text: at, mentioned: { id: actor.id, name } }] } : {}),
  };
}
