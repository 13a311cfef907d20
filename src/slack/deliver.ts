import type { RespondArguments, RespondFn, webApi } from "@slack/bolt";
import type { Block as CardBlock } from "../core/kernel/card.js";
import type { Delivery, DeliveryItem } from "../core/kernel/kernel.js";
import type { Logger } from "../log.js";
import { slackErrorCode } from "./errors.js";
import { renderMessage } from "./render/card/message.js";
import { renderModal } from "./render/card/modal.js";
import { renderWordsFor } from "../core/kernel/words.js";
import { sendFileToDm } from "./fileUpload.js";
import { encodeSlackMessageId, type SlackMessageAddress } from "./messageIds.js";
import { asJsonText } from "./transport.js";
import { SLACK_LIMITS } from "./limits.js";

/** Where the answers to one Slack request go. */
export interface SlackTarget {
  client: webApi.WebClient;
  userId: string;
  /** The channel the request belongs to (a form's sealed space, not where it was submitted); undefined for the App Home. */
  channelId?: string;
  personal: boolean;
  /** Lets a modal open; Slack's trigger_id works once, within 3 seconds. */
  triggerId?: string;
  /**
   * The request's response_url (slash commands, buttons, shortcuts): private answers go there first (see
   * `ResponseUrl`), and it replaces the pressed message when chat.update has no slot.
   */
  respond?: RespondFn;
  /** The pressed message (block actions), which a replace for everyone updates. */
  pressed?: { channel: string; ts: string };
  /**
   * Whether chat.update may replace the pressed message now: the installation's chat.update allowance, which
   * the refreshes of posted copies share (SlackMessenger). Without a slot the reply goes by response_url.
   */
  pressedUpdateSlot?(): Promise<boolean>;
  /** Notes which message a post became, under the key its card's copies are kept by (`Copies.posted`). */
  recordCopy?(of: string, copy: { spaceKey: string; messageId: string; locale: string }): Promise<void>;
  log: Logger;
}

/** Answers for which a private reply should go another way instead (the app is not in that channel). */
const CHANNEL_ERRORS = new Set(["not_in_channel", "channel_not_found", "user_not_in_channel", "is_archived"]);

/**
 * A request's response_url over one delivery. A private answer goes there before chat.postEphemeral: it is
 * the way Slack gives an app to answer the person who asked (it works in channels the app is not in, and is
 * not counted against chat.postEphemeral's per-workspace allowance, which a room of people pressing the same
 * button would spend), and its body is JSON, which the Web API client would form-encode instead. Used at most
 * five times; once Slack refuses it (expired, used up, unreachable), answers go by the Web API.
 */
class ResponseUrl {
  private used = 0;
  private refused = false;
  constructor(
    private readonly respond: RespondFn,
    private readonly log: Logger,
  ) {}

  /** Posts the message; false when the URL is spent or Slack refused it (logged), so the caller answers another way. */
  async post(message: RespondArguments): Promise<boolean> {
    if (this.refused || this.used >= SLACK_LIMITS.interaction.responseUrlUses) return false;
    this.used += 1;
    try {
      // Bolt throws for a status other than 2xx; an answer of `{ok: false}` is a refusal too.
      const answer: unknown = await this.respond(message);
      const said = answer instanceof Response ? await answer.text() : "";
      if (said.startsWith("{") && (JSON.parse(said) as { ok?: unknown }).ok === false) throw new Error(`response_url answered ${said.slice(0, 200)}`);
      return true;
    } catch (error) {
      this.refused = true;
      this.log.warn({ err: error, slackError: slackErrorCode(error) }, "the request's response_url took no answer; answering through the Web API instead");
      return false;
    }
  }
}

/** A target as one delivery places it: with its response_url's uses counted. */
type Placing = SlackTarget & { answers?: ResponseUrl };

/** Carries out a delivery: private answers ephemeral, posts in the channel, replaces in place, forms as modals. */
export async function deliverSlack(target: SlackTarget, delivery: Delivery, skipForms = false): Promise<void> {
  const placing: Placing = { ...target, answers: target.respond && new ResponseUrl(target.respond, target.log) };
  let triggerId = target.triggerId;
  for (const item of delivery.items) {
    try {
      if (item.kind === "form" && skipForms) continue;
      triggerId = await place(placing, delivery, item, triggerId);
    } catch (error) {
      target.log.error({ err: error, item: item.kind, slackError: slackErrorCode(error) }, "slack reply failed");
    }
  }
}

async function place(target: Placing, delivery: Delivery, item: DeliveryItem, triggerId: string | undefined): Promise<string | undefined> {
  switch (item.kind) {
    case "reply":
      await toActor(target, item.card);
      return triggerId;
    case "post": {
      const posted = await toChannel(target, item.card);
      if (posted && item.copies && target.recordCopy) {
        const copy = { spaceKey: delivery.space.spaceKey, messageId: encodeSlackMessageId(posted), locale: delivery.reader.locale };
        await target.recordCopy(item.copies, copy).catch((error: unknown) => target.log.warn({ err: error }, "a posted copy could not be recorded; it will not be refreshed"));
      }
      return triggerId;
    }
    case "replace":
      // A refresh of every copy is coming within the window: the pressed message waits for it (Slack allows
      // chat.update about 50 times a minute; a burst of presses would otherwise queue behind its limit).
      if (item.for === "everyone" && item.refreshing) return triggerId;
      // The first press of a window replaces its message at once: by chat.update while the installation's
      // allowance has a slot, else by the press's response_url (up to 5 uses each, not counted as chat.update).
      if (item.for === "everyone" && target.pressed && (!target.respond || (await (target.pressedUpdateSlot?.() ?? true)))) {
        const message = renderMessage(item.card);
        await target.client.chat.update({ channel: target.pressed.channel, ts: target.pressed.ts, text: message.text, blocks: asJsonText(message.blocks) });
      } else if (!(await target.answers?.post({ replace_original: true, ...renderMessage(item.card) }))) await toActor(target, item.card);
      return triggerId;
    case "form":
      if (triggerId) {
        try {
          const intro = item.card.blocks.filter((b): b is CardBlock => b.type !== "form");
          await target.client.views.open({ trigger_id: triggerId, view: asJsonText(renderModal(item.form, intro, renderWordsFor(item.card.locale ?? "en"))) });
          return undefined;
        } catch (error) {
          target.log.warn({ slackError: slackErrorCode(error) }, "views.open failed; sending a button that opens the form instead");
        }
      }
      // No trigger (a mention, a DM, an expired trigger): a button that opens it, since a click brings one.
      await toActor(target, item.card);
      return undefined;
    case "file": {
      const note = await sendFileToDm(target, item.file, delivery.reader.locale);
      if (note) await toActor(target, note);
      return triggerId;
    }
  }
}

/** Posts in the channel; says where the message is (undefined: it went to the asker alone instead). */
async function toChannel(target: Placing, card: DeliveryItem["card"]): Promise<SlackMessageAddress | undefined> {
  if (target.channelId && !target.personal) {
    const message = renderMessage(card);
    try {
      const posted = await target.client.chat.postMessage({ channel: target.channelId, text: message.text, blocks: asJsonText(message.blocks) });
      return posted.ts ? { channel: posted.channel ?? target.channelId, ts: posted.ts } : undefined;
    } catch (error) {
      if (!CHANNEL_ERRORS.has(slackErrorCode(error) ?? "")) throw error;
      // The app cannot post there (not invited): the person who asked still sees the answer.
    }
  }
  await toActor(target, card);
  return undefined;
}

/**
 * A private answer: in a channel, by the request's response_url when it has one, else ephemeral through the
 * Web API; in the person's own space, a DM message (which stays).
 */
async function toActor(target: Placing, card: DeliveryItem["card"]): Promise<void> {
  const { client, channelId, userId } = target;
  const content = renderMessage(card);
  const ephemeral = { response_type: "ephemeral", replace_original: false, ...content } as const;
  const sent = () => ({ text: content.text, blocks: asJsonText(content.blocks) });
  try {
    if (target.personal || !channelId) await client.chat.postMessage({ channel: channelId ?? userId, ...sent() });
    else if (!(await target.answers?.post(ephemeral))) await client.chat.postEphemeral({ channel: channelId, user: userId, ...sent() });
  } catch (error) {
    // Not a place the app can write to (a private channel it is not in, someone else's DM): answer another way.
    if (!CHANNEL_ERRORS.has(slackErrorCode(error) ?? "")) throw error;
    if (!(await target.answers?.post(ephemeral))) await client.chat.postMessage({ channel: userId, ...sent() });
  }
}
