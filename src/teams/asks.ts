import type { Command } from "../core/commands.js";
import { t, type MessageKey, type MessageParams } from "../core/i18n/index.js";
import type { Outcome, View } from "../core/views.js";
import type { CardInput } from "./inbound.js";

/**
 * What a Teams turn puts to the core: a command, or, when the turn cannot be one, the answer the adapter
 * gives itself (always privately to the person who asked), with a label for the log line.
 */
export type Ask = { command: Command } | { outcome: Outcome; label: string };

/** A notice for the person who asked only. */
export function privateNotice(locale: string, tone: Extract<View, { kind: "notice" }>["tone"], key: MessageKey, params: MessageParams = {}): Outcome {
  return { replies: [{ audience: "actor", view: { kind: "notice", locale, tone, message: { key, params } } }] };
}

/** A request the core's schema refuses (odd values a client sent): said so plainly, nothing changed. */
export function badRequest(locale: string, detail: string): Outcome {
  return privateNotice(locale, "error", "notice.badRequest", { detail });
}

/** A card action as an ask: a known command, the form again with unreadable fields marked, or why not. */
export function askFromCard(input: CardInput, locale: string): Ask {
  switch (input.kind) {
    case "command":
      return { command: input.command };
    case "unknown":
      // Help, introduced by what was not understood.
      return { command: { type: "unknown", text: input.verb } };
    case "malformed":
      return { outcome: badRequest(locale, input.detail), label: input.verb };
    case "form": {
      const errors = Object.fromEntries(input.unreadable.map((field) => [field, t(locale, "error.unreadable")]));
      const mode = input.verb === "community.setup" ? "create" : "edit";
      return { outcome: { replies: [{ audience: "actor", view: { kind: "charterForm", locale, mode, values: input.values, errors } }] }, label: input.verb };
    }
  }
}
