import { LRUCache } from "lru-cache";
import type { Logger as SlackLogger } from "@slack/bolt";
import type { ConversationRefs, DeliveryFailure, DeliveryResult, DeliveryTarget, Messenger, UpdateResult } from "../core/ports.js";
import type { Card } from "../core/kernel/card.js";
import type { Logger } from "../log.js";
import { deliveryFailure } from "./errors.js";
import { installationKey, type Workspace } from "./installationStore.js";
import { InstallationClients, type NotReached, type Reached } from "./installationClients.js";
import { SLACK_METHOD_RATE_LIMITS } from "./limits.js";
import { decodeSlackMessageId, encodeSlackMessageId } from "./messageIds.js";
import { RateGate } from "./rateGate.js";
import { renderMessage } from "./render/card/message.js";
import { asJsonText } from "./transport.js";

/** Finds the bot token of the installation serving a workspace (one fixed token in single-workspace mode). */
export interface BotTokens {
  botToken(workspace: Workspace): Promise<string | undefined>;
}

export interface SlackMessengerOptions {
  refs: ConversationRefs;
  tokens: BotTokens;
  log: Logger;
  slackLog?: SlackLogger;
  apiUrl?: string;
  /** Longer waits than this come back as `throttled` for the scheduler to retry, instead of blocking. */
  maxWaitMs?: number;
  gate?: RateGate;
}

// Paced a tenth under the documented rate: network jitter must not turn an exact 1-per-second into a 429.
const SAFETY = 0.9;
// chat.postMessage: "1 message per second per channel" (SLACK_METHOD_RATE_LIMITS); no burst is assumed.
const PER_CHANNEL_PER_MINUTE = SLACK_METHOD_RATE_LIMITS["chat.postMessage"].perChannelPerSecond * 60 * SAFETY;
const OPEN_PER_MINUTE = (SLACK_METHOD_RATE_LIMITS["conversations.open"].perMinute ?? 50) * SAFETY;
const UPDATE_PER_MINUTE = (SLACK_METHOD_RATE_LIMITS["chat.update"].perMinute ?? 50) * SAFETY;

/** Proactive delivery to Slack: paces calls to the documented tiers and honours Retry-After. */
export class SlackMessenger implements Messenger {
  private readonly clients: InstallationClients;
  /** DM channel ids by installation and user: conversations.open answers the same id every time. */
  private readonly dms = new LRUCache<string, string>({ max: 10_000 });
  private readonly gate: RateGate;
  private readonly maxWaitMs: number;

  constructor(private readonly options: SlackMessengerOptions) {
    this.gate = options.gate ?? new RateGate();
    this.clients = new InstallationClients(options);
    this.maxWaitMs = options.maxWaitMs ?? 5_000;
  }

  async deliver(target: DeliveryTarget, card: Card): Promise<DeliveryResult> {
    const found = await this.reach(target);
    if ("status" in found) return found;
    const { key, ref, client, installation } = found;
    let method = "conversations.open";
    try {
      const dmKey = `${installation}:${ref.userId ?? ""}`;
      let channel = ref.channelId ?? this.dms.get(dmKey);
      if (!channel) {
        const wait = await this.slot(installation, method, `${installation}:${method}`, OPEN_PER_MINUTE, OPEN_PER_MINUTE);
        if (wait > 0) return { status: "throttled", retryAfterMs: wait };
        const opened = await client.conversations.open({ users: ref.userId! });
        channel = opened.channel?.id;
        if (!channel) return { status: "failed", reason: "no_dm_channel", retryable: true };
        this.dms.set(dmKey, channel);
      }
      method = "chat.postMessage";
      const message = renderMessage(card);
      // Paced per channel; paused for the whole installation (a 429 may have come in while the DM opened).
      const wait = await this.slot(installation, method, `${installation}:${method}:${channel}`, 1, PER_CHANNEL_PER_MINUTE);
      if (wait > 0) return { status: "throttled", retryAfterMs: wait };
      const posted = await client.chat.postMessage({ channel, text: message.text, blocks: asJsonText(message.blocks) });
      return { status: "sent", messageId: encodeSlackMessageId({ channel: posted.channel ?? channel, ts: posted.ts ?? "" }) };
    } catch (error) {
      return this.failed(key, `${installation}:${method}`, error);
    }
  }

  /** Replaces a message a delivery posted (chat.update, in the channel or DM the message id names). */
  async update(target: DeliveryTarget, messageId: string, card: Card): Promise<UpdateResult> {
    const address = decodeSlackMessageId(messageId);
    if (!address) return { status: "failed", reason: "not_a_slack_message_id", retryable: false };
    const found = await this.reach(target);
    if ("status" in found) return found;
    const method = "chat.update";
    try {
      const message = renderMessage(card);
      const wait = await this.slot(found.installation, method, `${found.installation}:${method}`, UPDATE_PER_MINUTE, UPDATE_PER_MINUTE);
      if (wait > 0) return { status: "throttled", retryAfterMs: wait };
      await found.client.chat.update({ channel: address.channel, ts: address.ts, text: message.text, blocks: asJsonText(message.blocks) });
      return { status: "updated" };
    } catch (error) {
      return this.failed(found.key, `${found.installation}:${method}`, error);
    }
  }

  /**
   * A slot for updating a pressed message at once (the first press of a refresh window does), taken from the
   * allowance the refreshes' updates use, so presses and refreshes together stay inside chat.update's limit.
   * False, without waiting, when there is none now or the installation is paused after a 429.
   */
  async pressedUpdateSlot(workspace: Workspace): Promise<boolean> {
    const installation = installationKey(workspace);
    const method = "chat.update";
    return (await this.slot(installation, method, `${installation}:${method}`, UPDATE_PER_MINUTE, UPDATE_PER_MINUTE, 0)) === 0;
  }

  /**
   * Waits for a paced slot on `paceKey`, then checks the installation's pause for `method` once more, right
   * before the call: Slack's 429 for a method holds for the whole installation (app + workspace token),
   * and another delivery may have met one while this one waited. Returns 0 to go, else the ms to wait.
   */
  private async slot(installation: string, method: string, paceKey: string, capacity: number, perMinute: number, maxWaitMs = this.maxWaitMs): Promise<number> {
    const pauseKey = `${installation}:${method}`;
    const paused = this.gate.pausedFor(pauseKey);
    if (paused > 0) return paused;
    const wait = await this.gate.take(paceKey, capacity, perMinute, maxWaitMs);
    return wait > 0 ? wait : this.gate.pausedFor(pauseKey);
  }

  /** The stored ref and a client with the installation's token, or why the target cannot be reached. */
  private reach(target: DeliveryTarget): Promise<Reached | NotReached> {
    return this.clients.reach(target.kind === "space" ? target.spaceKey : target.personKey);
  }

  /** `pauseKey` is the installation and method: a 429 pauses that method for the whole installation. */
  private async failed(key: string, pauseKey: string, error: unknown): Promise<DeliveryFailure> {
    const result = deliveryFailure(error);
    if (result.status === "throttled") this.gate.block(pauseKey, result.retryAfterMs);
    if (result.status === "unreachable") await this.options.refs.markUnreachable(key);
    this.options.log.warn({ target: key, result }, "slack delivery did not go through");
    return result;
  }

}
