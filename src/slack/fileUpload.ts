import type { Card } from "../core/kernel/card.js";
import type { DeliveredFile } from "../core/kernel/files.js";
import { t } from "../core/i18n/index.js";
import { esc } from "../core/kernel/text.js";
import { slackErrorCode } from "./errors.js";
import { mrkdwn } from "./render/card/mrkdwn.js";
import type { SlackTarget } from "./deliver.js";

/**
 * A file for the asker alone, in their DM with the app, through Slack's current upload flow (files.upload is
 * retired): files.getUploadURLExternal, the bytes POSTed to the URL it answers, then files.completeUploadExternal
 * sharing it into the DM; the Web API client's filesUploadV2 makes those three calls. Asked in a channel, the
 * person gets a private line there saying where the file went. Returns the private line to show, if any.
 */
export async function sendFileToDm(target: SlackTarget, file: DeliveredFile, locale: string): Promise<Card | undefined> {
  const { client, userId } = target;
  const title = esc(file.title);
  try {
    const opened = await client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error("conversations.open answered no DM channel");
    await client.filesUploadV2({ channel_id: channel, file: file.bytes, filename: file.name, title: file.title, initial_comment: mrkdwn(file.summary) });
  } catch (error) {
    const code = slackErrorCode(error);
    // The file's contents are never logged: an export may hold people's answers.
    target.log.warn({ slackError: code, err: code ? undefined : error, bytes: file.bytes.length }, "slack file upload failed");
    const text = code === "missing_scope" ? t(locale, "file.noScope", { title, app: t(locale, "app.name") }) : t(locale, "file.failed", { title });
    return line(text, "warning");
  }
  return target.personal ? undefined : line(t(locale, "file.sentPrivately", { title }), "info");
}

const line = (text: string, tone: "info" | "warning"): Card => ({ title: "", summary: text, tone, blocks: [{ type: "text", text, style: "default", tone }] });
