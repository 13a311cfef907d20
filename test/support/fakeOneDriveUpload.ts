/**
 * The OneDrive upload session a `fileConsent/invoke` hands a bot when the person presses Allow (Teams "Send
 * and receive files using bot"; Microsoft Graph "Upload large files with an upload session"): PUT the bytes
 * with Content-Range `bytes first-last/total` and a matching Content-Length, a fragment at most 60 MiB;
 * the session completes when the last byte arrives (201 with the drive item) and is gone after that.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface UploadSession {
  name: string;
  uploadUrl: string;
  contentUrl: string;
  uniqueId: string;
  fileType: string;
  /** The bytes of the completed upload. */
  bytes?: Buffer;
  /** Every PUT the URL got, with its status. */
  puts: Array<{ contentRange: string; contentLength: string; bytes: number; status: number }>;
}

const MAX_FRAGMENT = 60 * 1024 * 1024;

export function newUploadSession(serviceUrl: string, name: string): UploadSession {
  const uniqueId = randomBytes(8).toString("hex").toUpperCase();
  return {
    name,
    uploadUrl: `${serviceUrl}upload/${uniqueId}`,
    contentUrl: `https://contoso-my.sharepoint.com/personal/megan/Documents/Applications/CoP/${encodeURIComponent(name)}`,
    uniqueId,
    fileType: name.split(".").pop() ?? "",
    puts: [],
  };
}

/** One PUT at an upload URL: the whole file in one fragment (all this app sends). */
export function serveUploadPut(req: IncomingMessage, res: ServerResponse, raw: Buffer, sessions: UploadSession[]): void {
  const session = sessions.find((s) => new URL(s.uploadUrl).pathname === new URL(req.url ?? "/", "http://fake").pathname);
  const contentRange = String(req.headers["content-range"] ?? "");
  const contentLength = String(req.headers["content-length"] ?? "");
  const answer = (status: number, body: unknown) => {
    session?.puts.push({ contentRange, contentLength, bytes: raw.length, status });
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (!session || session.bytes) return answer(404, { error: { code: "itemNotFound", message: "The upload session does not exist or has completed." } });
  if (req.method !== "PUT") return answer(405, { error: { code: "invalidRequest", message: "PUT the bytes." } });
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange);
  const [first, last, total] = range ? [Number(range[1]), Number(range[2]), Number(range[3])] : [NaN, NaN, NaN];
  const whole = range !== null && first === 0 && last === total - 1 && raw.length === total && Number(contentLength) === raw.length;
  if (!whole || raw.length > MAX_FRAGMENT) return answer(416, { error: { code: "invalidRange", message: "Content-Range must cover the body exactly, from byte 0 to the last." } });
  session.bytes = raw;
  answer(201, { id: session.uniqueId, name: session.name, size: raw.length, file: {} });
}

/** The file consent card in a Teams activity the app sent (what the person is asked to allow), if there is one. */
export const consentOf = (a: { attachments?: Array<{ contentType?: string }> } | undefined) =>
  a?.attachments?.find((x) => x.contentType === "application/vnd.microsoft.teams.card.file.consent") as
    | { name: string; content: { description: string; sizeInBytes: number; acceptContext: unknown; declineContext: unknown } }
    | undefined;

/** What Teams sends the bot about a session when the person presses Allow (`uploadInfo` of the consent answer). */
export const uploadInfo = (session: UploadSession) => ({ name: session.name, uploadUrl: session.uploadUrl, contentUrl: session.contentUrl, uniqueId: session.uniqueId, fileType: session.fileType });
