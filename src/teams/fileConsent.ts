import type { Application, TurnState } from "@microsoft/teams-ai";
import type { Activity, TurnContext } from "botbuilder";
import { z } from "zod";
import type { DeliveredFile } from "../core/kernel/files.js";
import { esc, plainText } from "../core/kernel/text.js";
import { t, type MessageKey } from "../core/i18n/index.js";
import type { Logger } from "../log.js";
import { noticeLocale } from "./admission.js";
import { teamsIds, teamsPersonKey } from "./inbound.js";
import { isLoopbackServiceUrl } from "./localMode.js";
import { OfferId, type PendingFiles } from "./pendingFiles.js";

/**
 * A file for one person, the way a Teams bot sends one (Teams "Send and receive files using bot"; botbuilder
 * sample bot-file-upload): a file consent card in the person's 1:1 chat; on Allow, Teams sends a
 * `fileConsent/invoke` with an upload URL in their OneDrive, the bot PUTs the bytes there, then posts a
 * file info card that opens it. The bytes wait in table rows (PendingFiles) meanwhile.
 */
export const FILE_CONSENT_CARD = "application/vnd.microsoft.teams.card.file.consent";
export const FILE_INFO_CARD = "application/vnd.microsoft.teams.card.file.info";
const UPLOAD_TIMEOUT_MS = 30_000;

/** Stores the file for `personKey` and returns the consent card that offers it. */
export async function offerFile(files: PendingFiles, file: DeliveredFile, personKey: string): Promise<Partial<Activity>> {
  const fileId = await files.offer(file, personKey);
  const description = plainText(file.summary);
  return {
    type: "message",
    summary: description,
    attachments: [
      {
        contentType: FILE_CONSENT_CARD,
        name: file.name,
        content: { description, sizeInBytes: file.bytes.length, acceptContext: { fileId }, declineContext: { fileId } },
      },
    ],
  };
}

const Answer = z.object({
  action: z.enum(["accept", "decline"]),
  context: z.object({ fileId: OfferId }),
  uploadInfo: z
    .object({ uploadUrl: z.string().url(), contentUrl: z.string().url(), name: z.string().min(1).max(255), uniqueId: z.string().max(200).optional(), fileType: z.string().max(40).optional() })
    .optional(),
});

/** OneDrive upload URLs are https; plain http only on this machine (the fake connector in tests, local mode). */
const uploadable = (url: string) => url.startsWith("https://") || isLoopbackServiceUrl(url);

export function registerFileConsent(app: Application<TurnState>, files: PendingFiles, logOf: (context: TurnContext) => Logger): void {
  const note = (context: TurnContext, key: MessageKey, params: Record<string, string> = {}) =>
    context.sendActivity({ type: "message", text: t(noticeLocale(context.activity), key, params) });

  /** The offer this answer is about, if it is still there and was made to the person answering. */
  async function offerFor(context: TurnContext, log: Logger) {
    const answer = Answer.safeParse(context.activity.value);
    if (!answer.success) {
      log.warn({ issues: answer.error.issues.slice(0, 3) }, "file consent answer not understood");
      await note(context, "teams.file.gone");
      return undefined;
    }
    const { fileId } = answer.data.context;
    const meta = await files.find(fileId);
    if (!meta) {
      await note(context, "teams.file.gone");
      return undefined;
    }
    if (meta.offeredTo !== teamsPersonKey(teamsIds(context.activity).tenantId, context.activity.from)) {
      log.warn("a file consent answer came from someone the file was not offered to; refused");
      await note(context, "teams.file.notYours");
      return undefined;
    }
    return { answer: answer.data, fileId, meta };
  }

  app.fileConsentAccept(async (context) => {
    const log = logOf(context);
    const found = await offerFor(context, log);
    if (!found) return;
    const { answer, fileId, meta } = found;
    const info = answer.uploadInfo;
    const bytes = await files.bytes(fileId, meta);
    if (!bytes) {
      await files.discard(fileId);
      return void (await note(context, "teams.file.gone"));
    }
    if (!info || !uploadable(info.uploadUrl)) {
      log.warn({ hasUploadInfo: Boolean(info) }, "file consent accepted without a usable upload URL");
      return void (await note(context, "teams.file.uploadFailed"));
    }
    const uploaded = await fetch(info.uploadUrl, {
      method: "PUT",
      headers: { "content-type": meta.mime, "content-length": String(bytes.length), "content-range": `bytes 0-${bytes.length - 1}/${bytes.length}` },
      body: bytes,
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    }).catch((error: unknown) => ({ ok: false, status: 0, error }));
    if (!uploaded.ok) {
      // The offer stays: pressing Allow again brings a fresh upload URL.
      log.warn({ status: uploaded.status }, "a file could not be uploaded to the person's OneDrive");
      return void (await note(context, "teams.file.uploadFailed"));
    }
    await files.discard(fileId);
    await context.sendActivity({
      type: "message",
      text: t(noticeLocale(context.activity), "teams.file.uploaded", { name: esc(info.name) }),
      attachments: [{ contentType: FILE_INFO_CARD, contentUrl: info.contentUrl, name: info.name, content: { uniqueId: info.uniqueId, fileType: info.fileType } }],
    });
  });

  app.fileConsentDecline(async (context) => {
    const found = await offerFor(context, logOf(context));
    if (!found) return;
    await files.discard(found.fileId);
    await note(context, "teams.file.declined", { name: esc(found.meta.name) });
  });
}
