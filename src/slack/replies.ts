import type { RespondFn, webApi } from "@slack/bolt";
import type { Outcome, Reply } from "../core/views.js";
import type { Logger } from "../log.js";
import { slackErrorCode } from "./errors.js";
import { charterModal, type FormContext } from "./render/charterModal.js";
import type { SlackMessage } from "./render/blocks.js";
import { renderView } from "./render/renderers.js";

/** Where the replies to one Slack request go. */
export interface ReplyTarget {
  client: webApi.WebClient;
  userId: string;
  /** The channel the request came from; undefined for the App Home. */
  channelId?: string;
  personal: boolean;
  /** Lets a modal open; Slack's trigger_id works once, within 3 seconds. */
  triggerId?: string;
  /** The request's response_url, when Slack gave one: the only way to answer in a channel the app is not in. */
  respond?: RespondFn;
  /** Carried through a modal so its submission knows the space it belongs to. */
  formContext: FormContext;
  log: Logger;
}

/** Answers for which a private reply should go another way instead (the app is not in that channel). */
const CHANNEL_ERRORS = new Set(["not_in_channel", "channel_not_found", "user_not_in_channel", "is_archived"]);

/** Renders and sends each reply of an outcome: modals open, space replies post, actor replies stay private. */
export async function deliverOutcome(target: ReplyTarget, outcome: Outcome): Promise<void> {
  let triggerId = target.triggerId;
  for (const reply of outcome.replies) {
    try {
      triggerId = await deliverReply(target, reply, triggerId);
    } catch (error) {
      target.log.error({ err: error, view: reply.view.kind, audience: reply.audience, slackError: slackErrorCode(error) }, "slack reply failed");
    }
  }
}

async function deliverReply(target: ReplyTarget, reply: Reply, triggerId: string | undefined): Promise<string | undefined> {
  const rendering = renderView(reply.view);
  if (rendering.surface === "modal") {
    if (triggerId && reply.view.kind === "charterForm") {
      try {
        await target.client.views.open({ trigger_id: triggerId, view: charterModal(reply.view, target.formContext) });
        return undefined;
      } catch (error) {
        target.log.warn({ slackError: slackErrorCode(error) }, "views.open failed; sending the form as a message instead");
      }
    }
    await toActor(target, rendering.fallback);
    return undefined;
  }
  if (reply.audience === "space" && target.channelId && !target.personal) {
    try {
      await target.client.chat.postMessage({ channel: target.channelId, text: rendering.message.text, blocks: rendering.message.blocks });
      return triggerId;
    } catch (error) {
      if (!CHANNEL_ERRORS.has(slackErrorCode(error) ?? "")) throw error;
      // The app cannot post there (not invited): the person who asked still sees the answer.
    }
  }
  await toActor(target, rendering.message);
  return triggerId;
}

/** A private answer: ephemeral in a channel, a DM message in the person's own space. */
async function toActor(target: ReplyTarget, message: SlackMessage): Promise<void> {
  const { client, channelId, userId } = target;
  const content = { text: message.text, blocks: message.blocks };
  try {
    if (target.personal || !channelId) await client.chat.postMessage({ channel: channelId ?? userId, ...content });
    else await client.chat.postEphemeral({ channel: channelId, user: userId, ...content });
  } catch (error) {
    // Not a place the app can write to (a private channel it is not in, someone else's DM): answer another way.
    if (!CHANNEL_ERRORS.has(slackErrorCode(error) ?? "")) throw error;
    if (target.respond) await target.respond({ response_type: "ephemeral", replace_original: false, ...content });
    else await client.chat.postMessage({ channel: userId, ...content });
  }
}
