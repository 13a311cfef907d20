import { z } from "zod";
import type { Card } from "./card.js";
import type { FileRef } from "./outcome.js";
import type { Words } from "./words.js";

/** The largest file the app hands out: well under Slack's and Teams' own limits, and kept in table rows in Teams. */
export const FILE_LIMIT_BYTES = 5 * 1024 * 1024;

/** A file ready for the adapters: a safe name, its bytes, and the line that goes with it (neutral markdown). */
export interface DeliveredFile {
  name: string;
  mime: string;
  bytes: Buffer;
  title: string;
  summary: string;
}

// Characters no file system or chat client takes in a name (Windows, OneDrive, Slack), and control characters.
const UNSAFE_NAME = /[\\/:*?"<>|]/g;
const safeName = (name: string) => [...name.replace(UNSAFE_NAME, "_")].map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? "_" : c)).join("");

const FileSpec = z.object({
  name: z
    .string()
    .transform((n) => safeName(n).trim().replace(/^\.+/, "").slice(-120))
    .pipe(z.string().regex(/^[^.].*\.[A-Za-z0-9]{1,8}$/, "a file name with an extension")),
  mime: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+(;\s*charset=[\w-]+)?$/i),
  title: z.string().trim().min(1).max(200),
});

/** Human sizes for the messages: "1.2 MB", "800 KB". */
export const sizeWords = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.ceil(bytes / 1024))} KB`;

/**
 * Checks a handler's file: a bad name or type is the workflow's mistake (it throws); too large is the
 * asker's answer, private, with nothing sent.
 */
export function prepareFile(ref: FileRef, words: Words): { ok: true; file: DeliveredFile; card: Card } | { ok: false; text: string } {
  const spec = FileSpec.parse(ref);
  const bytes = typeof ref.bytes === "string" ? Buffer.from(ref.bytes, "utf8") : ref.bytes;
  if (bytes.length > FILE_LIMIT_BYTES) {
    return { ok: false, text: words.t("file.tooLarge", { title: spec.title, size: sizeWords(bytes.length), limit: sizeWords(FILE_LIMIT_BYTES) }) };
  }
  if (bytes.length === 0) return { ok: false, text: words.t("file.empty", { title: spec.title }) };
  const summary = words.t(ref.summaryKey ?? "file.ready", { title: spec.title, size: sizeWords(bytes.length), ...ref.summaryParams });
  const card: Card = { title: spec.title, summary, tone: "info", blocks: [{ type: "text", text: summary, style: "default" }], locale: words.locale };
  return { ok: true, file: { ...spec, bytes, summary }, card };
}
