import type { Activity, CloudAdapter, ConversationParameters, ConversationReference } from "botbuilder";
import type { Clock, ConversationRefs, DeliveryFailure, DeliveryResult, DeliveryTarget, Messenger, UpdateResult } from "../core/ports.js";
import type { Card } from "../core/kernel/card.js";
import type { Logger } from "../log.js";
import { cardActivity } from "./render/index.js";
import { inTurn } from "./proactiveTurn.js";
import { TEAMS_LIMITS } from "./limits.js";
import { PacingGate, type Place } from "./pacing.js";
import { isPersonalChat } from "./references.js";
import { defaultRetryPolicy, withRetry, type ConnectorFailure, type RetryPolicy } from "./retry.js";
import type { BackgroundWork } from "../work.js";

/** The Bot Connector's token audience in the public cloud (AuthenticationConstants.ToChannelFromBotOAuthScope). */
const BOT_CONNECTOR_AUDIENCE = "https://api.botframework.com";

export interface TeamsMessengerOptions {
  adapter: CloudAdapter;
  /** The bot's Microsoft App ID; empty in local mode. */
  appId: string;
  refs: ConversationRefs;
  clock: Clock;
  log: Logger;
  retry?: Partial<RetryPolicy>;
  /** Injectable clock for the pacing gates (tests). */
  now?: () => number;
  /** Where deliveries that do not hold up a turn are tracked, so a graceful shutdown waits for them. */
  work?: BackgroundWork;
}

/** A private answer on its way (a 1:1 chat opened from a turn): the turn does not wait for it. */
export type SenderDelivery = DeliveryResult | { status: "queued" };

const NOT_STORED = "no Teams conversation reference stored";

/** A stored ref to deliver by; `twin`: the other key a 1:1 chat is stored under. */
interface Stored {
  key: string;
  reference: Partial<ConversationReference>;
  twin?: string;
}

/**
 * Proactive delivery to Teams: continues the stored conversation (or opens a 1:1 chat with a person
 * who has none yet), retries throttling and transient failures with backoff and jitter, and marks a
 * conversation unreachable on 403 (app blocked, removed or disabled) instead of retrying it.
 */
export class TeamsMessenger implements Messenger {
  private readonly policy: RetryPolicy;
  private readonly perConversation: PacingGate;
  private readonly perTenant: PacingGate;

  constructor(private readonly options: TeamsMessengerOptions) {
    this.policy = defaultRetryPolicy(options.retry);
    this.perConversation = new PacingGate(TEAMS_LIMITS.rate.perConversation, options.now);
    this.perTenant = new PacingGate(TEAMS_LIMITS.rate.perTenant, options.now);
  }

  async deliver(target: DeliveryTarget, card: Card): Promise<DeliveryResult> {
    return this.deliverActivity(target, cardActivity(card), card.title);
  }

  /** Any activity (a card, a file consent card), delivered as a card is; `label` names it in logs. */
  async deliverActivity(target: DeliveryTarget, activity: Partial<Activity>, label: string): Promise<DeliveryResult> {
    const found = await this.stored(target);
    if ("status" in found) return found;
    return this.deliverStored(found, target.kind === "person", activity, label);
  }

  /**
   * A private answer to the person a turn came from. Without a stored ref for them (an unlinkable answer, an
   * anonymous vote, records none: nothing written about a person may date it), their 1:1 chat is opened from
   * what the turn says of them (`seen`), and still nothing about them is written: not the chat, not a failure.
   * That goes on after the turn (`queued`): Teams paces new chats per tenant, and a poll's first voters would
   * otherwise wait their turn in it before their vote is answered.
   */
  async deliverToSender(personKey: string, seen: Partial<ConversationReference>, activity: Partial<Activity>, label: string): Promise<SenderDelivery> {
    const found = await this.stored({ kind: "person", personKey });
    if (!("status" in found)) return this.deliverStored(found, true, activity, label);
    // Marked unreachable (the app blocked or removed): not tried from a turn either.
    if (found.reason !== NOT_STORED) return found;
    return this.sendFromTurn(personKey, seen, activity, label);
  }

  /**
   * To the person a turn came from, reading and writing nothing stored: their 1:1 chat opened from what the turn
   * says of them (Teams answers with the chat they have, if any), paced, after the turn (`queued`). Also what a
   * turn turned away because storage is behind sends: a notice that read storage would add to what it cannot keep
   * up with. `soon`: ahead of the confirmations waiting (the busy notice: a person turned away should press
   * again while the poll is still before them; one whose press counted sees it on the card already).
   */
  sendFromTurn(personKey: string, seen: Partial<ConversationReference>, activity: Partial<Activity>, label: string, { soon = false }: { soon?: boolean } = {}): SenderDelivery {
    const sending = withRetry(this.policy, async () => {
      await this.pace(personKey, seen, soon ? "soon" : "back");
      return this.openChatAndSend(personKey, seen, activity, false);
    }).then(async (result) => (result.ok ? undefined : this.failed({ key: personKey, reference: seen }, label, result, false)));
    const tracked = this.options.work ? this.options.work.track(sending) : sending;
    tracked.catch((error: unknown) => this.options.log.warn({ err: error }, "a private answer opened from a turn failed"));
    return { status: "queued" };
  }

  private async deliverStored(found: Stored, person: boolean, activity: Partial<Activity>, label: string): Promise<DeliveryResult> {
    const { key, reference } = found;
    const result = await withRetry(this.policy, async () => {
      await this.pace(key, reference);
      return person && !isPersonalChat(reference) ? this.openChatAndSend(key, reference, activity) : this.send(reference, activity);
    });
    if (result.ok) return { status: "sent", messageId: result.value };
    return this.failed(found, label, result);
  }

  /**
   * Replaces a message this app posted (updateActivity), paced and retried as a delivery is, but ahead of the
   * sends waiting their turn: one update (a poll's counts) is read by everyone in its chat, and behind a burst's
   * private confirmations (5,000 voters at 50 a second per tenant) it would show them a minute or more late.
   */
  async update(target: DeliveryTarget, messageId: string, card: Card): Promise<UpdateResult> {
    const found = await this.stored(target);
    if ("status" in found) return found;
    const { reference } = found;
    // A person's message went to their 1:1 chat, whose ref the delivery stored.
    if (!reference.conversation?.id) return { status: "failed", reason: "no conversation holds that message", retryable: false };
    const activity = { ...cardActivity(card), id: messageId };
    const result = await withRetry(this.policy, async () => {
      await this.pace(found.key, reference, "ahead");
      await inTurn((logic) => this.options.adapter.continueConversationAsync(this.options.appId, reference, logic), (context) => context.updateActivity(activity));
    });
    if (result.ok) return { status: "updated" };
    return this.failed(found, card.title, result);
  }

  private async stored(target: DeliveryTarget): Promise<Stored | { status: "unreachable"; reason: string }> {
    const key = target.kind === "space" ? target.spaceKey : target.personKey;
    const stored = await this.options.refs.get(key);
    if (!stored || stored.platform !== "teams") return { status: "unreachable", reason: NOT_STORED };
    if (stored.unreachable) return { status: "unreachable", reason: "conversation marked unreachable" };
    return { key, reference: stored.reference as Partial<ConversationReference>, twin: stored.twin };
  }

  /**
   * Paced per chat (a new 1:1 chat counts against the person) and per tenant, retries included. `place`: where
   * in the lines of sends waiting (see `update` and `sendFromTurn`).
   */
  private async pace(key: string, reference: Partial<ConversationReference>, place: Place = "back"): Promise<void> {
    await this.perTenant.acquire(reference.conversation?.tenantId ?? "", { place });
    await this.perConversation.acquire(reference.conversation?.id || key, { place });
  }

  /** What a failed delivery means; `mark`: a 403 marks the stored ref(s) unreachable. */
  private async failed({ key, twin }: Stored, label: string, result: { failure: ConnectorFailure; attempts: number }, mark = true): Promise<DeliveryFailure> {
    const { refs, log } = this.options;
    const { failure } = result;
    log.warn({ key, card: label.slice(0, 60), attempts: result.attempts, failure }, "Teams delivery failed");
    switch (failure.code) {
      case "unreachable":
        // A 1:1 chat's other row (its space's or its person's) holds the same conversation.
        if (mark) await Promise.all([key, ...(twin ? [twin] : [])].map((k) => refs.markUnreachable(k)));
        return { status: "unreachable", reason: failure.reason };
      case "throttled":
        return { status: "throttled", retryAfterMs: failure.retryAfterMs ?? this.policy.maxDelayMs };
      case "transient":
        return { status: "failed", reason: failure.reason, retryable: true };
      case "failed":
        // 4xx other than the above (404 conversation gone, 413 too big) will fail the same way again.
        return { status: "failed", reason: failure.reason, retryable: failure.status === undefined || failure.status >= 500 };
    }
  }

  private send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    return inTurn(
      (logic) => this.options.adapter.continueConversationAsync(this.options.appId, reference, logic),
      async (context) => (await context.sendActivity(activity))?.id ?? "",
    );
  }

  /**
   * Teams returns the existing 1:1 chat when one exists, so a retried create does not duplicate it. The chat is
   * stored as the person's ref, unless `remember` is false.
   */
  private async openChatAndSend(key: string, reference: Partial<ConversationReference>, activity: Partial<Activity>, remember = true): Promise<string> {
    const { adapter, appId, refs, clock } = this.options;
    const tenantId = reference.conversation?.tenantId ?? "";
    const parameters = {
      isGroup: false,
      bot: reference.bot,
      members: [reference.user],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
    const { id, conversationId } = await inTurn(
      (logic) => adapter.createConversationAsync(appId, "msteams", reference.serviceUrl ?? "", BOT_CONNECTOR_AUDIENCE, parameters, logic),
      async (context) => ({ conversationId: context.activity.conversation.id, id: (await context.sendActivity(activity))?.id ?? "" }),
    );
    if (!remember) return id;
    const personal = { ...reference, conversation: { id: conversationId, isGroup: false, conversationType: "personal", tenantId, name: "" } };
    await refs.save({ key, platform: "teams", reference: personal as Record<string, unknown>, unreachable: false, updatedAt: clock.now().toISOString() });
    return id;
  }
}
