import { convert } from "html-to-text";
import { z } from "zod";
import type { Ask } from "../core/kernel/request.js";
import { describeIssues } from "./inbound.js";

/** The invokes a message action sends: the dialog asked for (`fetchTask: true`), or its static form submitted. */
export const MESSAGE_ACTION_INVOKES = ["composeExtension/fetchTask", "composeExtension/submitAction"] as const;

/** What Teams sends about the message an action was run on (learn.microsoft.com: "Respond to the action command"). */
const MessageActionValue = z.object({
  commandId: z.string().min(1).max(255),
  commandContext: z.literal("message"),
  messagePayload: z.object({
    body: z.object({ contentType: z.string().optional(), content: z.string().max(200_000).optional() }).optional(),
    linkToMessage: z.string().max(2000).optional(),
    from: z.object({ user: z.object({ id: z.string().max(200).optional(), displayName: z.string().max(200).optional() }).nullish() }).nullish(),
  }),
});

/** Whether an activity runs a message action, one of `known` (the commands declared as message actions). */
export function isMessageAction(activity: { type?: string; name?: string; value?: unknown }, known: (commandId: string) => boolean): boolean {
  if (activity.type !== "invoke" || !MESSAGE_ACTION_INVOKES.includes(activity.name as (typeof MESSAGE_ACTION_INVOKES)[number])) return false;
  const value = activity.value as { commandId?: unknown; commandContext?: unknown } | undefined;
  return value?.commandContext === "message" && typeof value.commandId === "string" && known(value.commandId);
}

/** A message action invoke as the core's ask: the message's text (HTML made plain), its link and its author. */
export function askFromMessageAction(value: unknown): Ask | { kind: "malformed"; detail: string } {
  const parsed = MessageActionValue.safeParse(value);
  if (!parsed.success) return { kind: "malformed", detail: describeIssues(parsed.error.issues) };
  const { commandId, messagePayload: m } = parsed.data;
  const content = m.body?.content ?? "";
  const text = m.body?.contentType === "text" ? content : convert(content, { wordwrap: false, selectors: [{ selector: "a", options: { hideLinkHrefIfSameAsText: true } }] });
  const link = m.linkToMessage && /^https:\/\//.test(m.linkToMessage) ? m.linkToMessage : undefined;
  const user = m.from?.user;
  return {
    kind: "message",
    verb: commandId,
    message: {
      text: text.trim().slice(0, 40_000),
      ...(link ? { link } : {}),
      ...(user?.id ? { author: { id: user.id, name: user.displayName ?? "" } } : {}),
    },
  };
}
