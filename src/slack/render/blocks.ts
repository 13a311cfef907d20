import type { types as Slack } from "@slack/bolt";
import { SLACK_LIMITS as L, limitBlocks, truncate } from "../limits.js";
import { plain } from "./text.js";

export type Block = Slack.KnownBlock;
export type Button = Slack.Button;

/** A message as Slack takes it: blocks plus the `text` fallback for notifications and screen readers. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export const header = (text: string): Slack.HeaderBlock => ({
  type: "header",
  text: { type: "plain_text", text: truncate(text, L.header.text), emoji: true },
});

export const section = (mrkdwn: string): Slack.SectionBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: truncate(mrkdwn, L.section.text) },
});

/** Label/value pairs shown two per row, under an optional text; Slack allows 10 fields per section. */
export const fields = (pairs: Array<[string, string]>, mrkdwn?: string): Slack.SectionBlock => ({
  type: "section",
  ...(mrkdwn ? { text: { type: "mrkdwn", text: truncate(mrkdwn, L.section.text) } } : {}),
  fields: pairs.slice(0, L.section.fields).map(([label, value]) => ({
    type: "mrkdwn",
    text: truncate(`*${label}*\n${value}`, L.section.fieldText),
  })),
});

export const context = (mrkdwnTexts: string[]): Slack.ContextBlock => ({
  type: "context",
  elements: mrkdwnTexts.slice(0, L.context.elements).map((text) => ({ type: "mrkdwn", text: truncate(text, L.text.max) })),
});

export const divider = (): Slack.DividerBlock => ({ type: "divider" });

export function button(text: string, actionId: string, opts: { value?: string; style?: "primary" | "danger" } = {}): Slack.Button {
  return {
    type: "button",
    text: { type: "plain_text", text: truncate(text, L.button.text), emoji: true },
    action_id: actionId.slice(0, L.element.actionId),
    ...(opts.value ? { value: opts.value.slice(0, L.button.value) } : {}),
    ...(opts.style ? { style: opts.style } : {}),
  };
}

/** Buttons in one actions block, or none when there are no buttons (Slack refuses an empty one). */
export const actions = (buttons: Slack.Button[], blockId = "actions"): Slack.ActionsBlock[] =>
  buttons.length ? [{ type: "actions", block_id: blockId, elements: buttons.slice(0, L.actions.elements) }] : [];

/**
 * Splits long mrkdwn lines into sections of at most the section limit, so a long list becomes several
 * blocks instead of one rejected block.
 */
export function sectionsOf(lines: string[]): Slack.SectionBlock[] {
  const out: Slack.SectionBlock[] = [];
  let current = "";
  for (const raw of lines) {
    const line = truncate(raw, L.section.text);
    if (current && current.length + 1 + line.length > L.section.text) {
      out.push(section(current));
      current = "";
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

/** Keeps a surface within its block limit, saying how much was left out. */
export function fitBlocks(blocks: Block[], max: number, locale: string): Block[] {
  return limitBlocks(blocks, max, (count) => plain(locale, "slack.blocksOmitted", { count })) as Block[];
}

/** The message's `text` fallback: what notifications and screen readers get. */
export const fallbackText = (text: string) => truncate(text, L.message.textRecommended);
