import { t, tRef, type MessageKey, type MessageParams } from "../../core/i18n/index.js";
import type { MessageRef } from "../../core/views.js";

/** Slack treats &, < and > as control characters in mrkdwn: user text must not become a mention or link. */
export const escapeMrkdwn = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The catalog writes bold as **x** (CommonMark); Slack mrkdwn writes *x*. */
export const toMrkdwn = (markdown: string) => markdown.replace(/\*\*(.+?)\*\*/g, "*$1*");

/** Plain-text surfaces (headers, buttons, options) show markup literally, so it is dropped. */
export const toPlain = (markdown: string) => markdown.replace(/\*\*(.+?)\*\*/g, "$1");

const escapeParams = (params: MessageParams = {}): MessageParams =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === "string" ? escapeMrkdwn(v) : v]));

/** A catalog message as mrkdwn, with every string parameter escaped. */
export function mrkdwn(locale: string, key: MessageKey, params?: MessageParams): string {
  return toMrkdwn(t(locale, key, escapeParams(params)));
}

/** A message reference carried by a View, as mrkdwn. */
export function mrkdwnRef(locale: string, ref: MessageRef): string {
  return toMrkdwn(tRef(locale, { key: ref.key, params: escapeParams(ref.params) }));
}

/** A catalog message as plain text (no escaping: plain_text is never parsed). */
export function plain(locale: string, key: MessageKey, params?: MessageParams): string {
  return toPlain(t(locale, key, params));
}
