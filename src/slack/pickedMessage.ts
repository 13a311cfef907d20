import type { MessageShortcut, webApi } from "@slack/bolt";
import type { PickedMessage } from "../core/kernel/request.js";
import type { Logger } from "../log.js";
import { slackErrorCode } from "./errors.js";

/** Slack's own markup in a message's text, as a person reads it: links and mentions by their labels, entities decoded. */
export function readableText(mrkdwn: string): string {
  return mrkdwn
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, "$2 ($1)")
    .replace(/<(https?:[^|>]+)>/g, "$1")
    .replace(/<[@#!][^|>]+\|([^>]+)>/g, "@$1")
    .replace(/<@([UW][A-Z0-9]+)>/g, "@$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * The message a shortcut was run on: its text, who wrote it, and a link back to it (chat.getPermalink; when
 * Slack will not say, the archive address built from the workspace's domain, channel and timestamp).
 */
export async function pickedMessage(client: webApi.WebClient, shortcut: MessageShortcut, log: Logger): Promise<PickedMessage> {
  const ts = shortcut.message.ts || shortcut.message_ts;
  let link: string | undefined;
  try {
    const found = await client.chat.getPermalink({ channel: shortcut.channel.id, message_ts: ts });
    link = found.permalink;
  } catch (error) {
    log.warn({ slackError: slackErrorCode(error) }, "chat.getPermalink failed; the link is built from the workspace domain");
  }
  const domain = shortcut.team?.domain;
  link ??= domain ? `https://${domain}.slack.com/archives/${shortcut.channel.id}/p${ts.replace(".", "")}` : undefined;
  const author = typeof shortcut.message.user === "string" ? shortcut.message.user : undefined;
  return {
    text: readableText(shortcut.message.text ?? "").slice(0, 40_000),
    ...(link && /^https:\/\//.test(link) ? { link } : {}),
    ...(author ? { author: { id: author, name: author } } : {}),
  };
}
