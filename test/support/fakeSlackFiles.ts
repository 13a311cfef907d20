/**
 * Slack's external file upload, as the fake serves it (docs.slack.dev/reference/methods/files.getUploadURLExternal
 * and files.completeUploadExternal; files.upload is retired): a URL and file id for a declared `length` and
 * `filename`; the bytes POSTed there once (raw or multipart), exactly `length` of them; then a completion that
 * names uploaded files and shares them into a channel the bot may post in. Anything else fails as Slack does.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { buffer } from "node:stream/consumers";
import type { Args, Body, MethodContext } from "./fakeSlackMethods.js";

export interface FakeFile {
  id: string;
  filename: string;
  /** The length files.getUploadURLExternal was told. */
  length: number;
  uploadUrl: string;
  /** The bytes the upload URL received (undefined until then). */
  bytes?: Buffer;
  /** Set by files.completeUploadExternal. */
  completed?: { title: string; channel?: string; initialComment?: string; userOfDm?: string };
}

const fail = (error: string): Body => ({ ok: false, error });

export const FILE_METHODS: Record<string, (ctx: MethodContext & { files: Map<string, FakeFile>; uploadBase: string }) => Body> = {
  "files.getUploadURLExternal": ({ state, args, files, uploadBase }) => {
    const filename = typeof args.filename === "string" ? args.filename : "";
    const length = Number(args.length);
    if (!filename || args.length === undefined) return fail("invalid_arguments");
    // "missing_argument: Typically only occurs when the length provided is 0."
    if (!Number.isInteger(length) || length <= 0) return fail("missing_argument");
    const id = state.newId("F");
    const uploadUrl = `${uploadBase}upload/v1/${id}-${Math.random().toString(36).slice(2)}`;
    files.set(id, { id, filename, length, uploadUrl });
    return { ok: true, upload_url: uploadUrl, file_id: id };
  },

  "files.completeUploadExternal": (ctx) => {
    const { state, args, files } = ctx;
    let list: unknown = args.files;
    try {
      if (typeof list === "string") list = JSON.parse(list);
    } catch {
      return fail("invalid_arguments");
    }
    if (!Array.isArray(list) || list.length === 0) return fail("invalid_arguments");
    const wanted = list.map((f: { id?: unknown; title?: unknown }) => ({ file: files.get(String(f.id ?? "")), title: typeof f.title === "string" ? f.title : undefined }));
    // Only files whose bytes arrived, completed once.
    if (wanted.some((w) => !w.file || !w.file.bytes || w.file.completed)) return fail("file_not_found");
    const channelId = typeof args.channel_id === "string" && args.channel_id ? args.channel_id : undefined;
    const channel = channelId ? state.channels.get(channelId) : undefined;
    if (channelId && (!channel || !channel.members.includes(ctx.grant.botUserId))) return fail("channel_not_found");
    for (const w of wanted) {
      w.file!.completed = {
        title: w.title ?? w.file!.filename,
        channel: channel?.id,
        initialComment: typeof args.initial_comment === "string" ? args.initial_comment : undefined,
        userOfDm: channel?.is_im ? channel.user : undefined,
      };
    }
    return { ok: true, files: wanted.map((w) => ({ id: w.file!.id, title: w.file!.completed!.title })) };
  },
};

/** Reads the file out of a raw or multipart body (the Web API client sends multipart/form-data). */
async function uploadedBytes(req: IncomingMessage, raw: Buffer): Promise<Buffer | undefined> {
  const type = String(req.headers["content-type"] ?? "");
  if (!type.startsWith("multipart/form-data")) return raw;
  const form = await new Response(raw, { headers: { "content-type": type } }).formData();
  const part = [...form.values()].find((v) => typeof v !== "string");
  return part && typeof part !== "string" ? Buffer.from(await part.arrayBuffer()) : undefined;
}

/** POST to an upload URL: once, with exactly the declared length. */
export async function serveUpload(req: IncomingMessage, res: ServerResponse, files: Map<string, FakeFile>, base: string): Promise<void> {
  const raw = await buffer(req);
  const url = `${base}${(req.url ?? "").replace(/^\//, "")}`;
  const file = [...files.values()].find((f) => f.uploadUrl === url);
  const answer = (status: number, text: string) => {
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(text);
  };
  if (req.method !== "POST") return answer(405, "method not allowed");
  if (!file || file.bytes) return answer(404, "upload URL unknown or already used");
  const bytes = await uploadedBytes(req, raw);
  if (!bytes || bytes.length !== file.length) return answer(400, `expected ${file.length} bytes, got ${bytes?.length ?? 0}`);
  file.bytes = bytes;
  answer(200, `OK - ${bytes.length}`);
}

export type { Args };
