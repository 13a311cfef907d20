import { z } from "zod";
import { PickedMessage } from "../../kernel/request.js";
import { tell } from "../../kernel/notice.js";
import { outcome } from "../../kernel/outcome.js";
import { cutSafely } from "../../kernel/text.js";
import { command } from "../../kernel/workflow.js";
import { shareHere } from "./commands.js";
import { linkProblem, parseTags, RESOURCE_LIMITS as L } from "./model.js";

const TITLE_CHARS = 80;

/** A saved message's title: its first line, cut between words; a message with no words is named after its author. */
function titleOf(text: string, fallback: string): string {
  const first = text.split(/\r?\n/).map((l) => l.trim()).find(Boolean) ?? "";
  return first ? cutSafely(first.replace(/\s+/g, " "), TITLE_CHARS) : fallback;
}

/** The #tags written in the message, as library tags (those that are not tags are left out). */
function tagsIn(text: string): string[] {
  const written = [...text.matchAll(/(?:^|\s)#([\p{L}\p{N}][\p{L}\p{N}_.-]*)/gu)].map((m) => m[1]!).filter((t) => t.length <= L.tag);
  const parsed = parseTags(written.slice(0, L.tags));
  return parsed.ok ? parsed.tags : [];
}

/**
 * Save to library, from a message's menu: the message's link (back to it) is the resource, its first line the
 * title, its text the note, its #tags the tags. A message saved before is not saved twice.
 */
export const saveMessage = command({
  verb: "knowledge.saveMessage",
  permission: "member",
  where: "community",
  messageAction: { title: "knowledge.saveMessage.title" },
  input: z.object({ message: PickedMessage }),
  async handle(ctx, { message }) {
    const { people } = ctx;
    if (!message.link) return outcome(tell("knowledge.error.noLink", {}, "warning", true));
    // A platform's message link can be longer than the library keeps: said plainly, nothing stored.
    if (linkProblem(message.link)) return outcome(tell("knowledge.error.tooLong", { max: L.url }, "warning", true));
    // The author's name is the platform's, looked up by id on the server; the name sent along is only a fallback.
    const author = message.author ? ((await people.resolve(message.author.id))?.displayName ?? message.author.name) : undefined;
    return shareHere(
      ctx,
      { url: message.link, title: titleOf(message.text, ctx.words.plain("knowledge.saveMessage.title")), tags: tagsIn(message.text), note: cutSafely(message.text.trim(), L.note), source: "message", ...(author ? { author: author.slice(0, 120) } : {}) },
      "knowledge.savedMessage",
    );
  },
});
