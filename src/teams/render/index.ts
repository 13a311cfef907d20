import { CardFactory, MessageFactory, type Activity } from "botbuilder";
import { renderedOnce, type Block, type Card } from "../../core/kernel/card.js";
import { plainText } from "../../core/kernel/text.js";
import { MAX_CARD_BYTES, TEAMS_LIMITS, teamsBytes } from "../limits.js";
import { renderBlock } from "./blocks.js";
import { TONES, wordsFrom, type Budget, type Element, type RenderContext, type TeamsRenderWords, type Words } from "./context.js";
import { cutNeutral, cutPlain, teamsLiteral, teamsMarkdown } from "./markdown.js";
import { expand } from "./templates.js";

export type { TeamsRenderWords } from "./context.js";

/** An Adaptive Card payload (schema 1.5), ready to attach. */
export interface AdaptiveCard {
  type: "AdaptiveCard";
  version: string;
  fallbackText?: string;
  [key: string]: unknown;
}

export interface RenderedCard {
  card: AdaptiveCard;
  /** Plain text for notifications, screen readers and clients that do not show the card. */
  fallback: string;
  /** Size as Teams counts it (UTF-16, two bytes a unit). */
  bytes: number;
}

/** Budgets tried in order until the card fits Teams' message size; most cards fit the first. */
const BUDGETS: readonly Budget[] = [
  { items: TEAMS_LIMITS.card.listItems, text: 3000, item: 500 },
  { items: 15, text: 1200, item: 250 },
  { items: 10, text: 500, item: 120 },
  { items: 5, text: 200, item: 60 },
];

function contextFor(card: Card, budget: Budget, words: Words): RenderContext {
  return { budget, words, cardTitle: card.title, cardTone: card.tone, textCut: false };
}

/** The card around its blocks: heading (with the tone's glyph), the body in the tone's container, notes, buttons. */
function envelope(card: Card, blocks: readonly Block[], elements: ReadonlyArray<Element | undefined>, ctx: RenderContext, omittedParts: number): RenderedCard {
  const title = cutPlain(card.title, ctx.budget.item);
  const summary = cutNeutral(card.summary, ctx.budget.text);
  if (title.cut || summary.cut) ctx.textCut = true;
  const shown = blocks.map((block, i) => ({ block, element: elements[i] })).filter((part) => part.element !== undefined);
  // Buttons at the end of the card become the card's own actions.
  const trailing = shown.at(-1)?.block.type === "actions" ? shown.pop()?.element : undefined;
  const body = shown.map((part) => part.element);
  const notes = [ctx.textCut ? ctx.words.textCut() : "", omittedParts > 0 ? ctx.words.partsOmitted(omittedParts) : ""].filter(Boolean);
  const fallback = plainText(summary.text).trim() || title.text;
  const tone = card.tone ? TONES[card.tone] : undefined;
  const expanded = expand("card", {
    fallback,
    // A one-line notice has no title: its text block carries the tone's glyph instead.
    heading: title.text ? `${tone ? `${tone.glyph} ` : ""}${teamsLiteral(title.text)}` : "",
    toneStyle: tone?.style ?? null,
    body,
    notes: notes.map((text) => ({ text: teamsMarkdown(text) })),
    actions: trailing?.actions ?? null,
  }) as AdaptiveCard;
  return { card: expanded, fallback, bytes: teamsBytes(expanded) };
}

/** Which blocks go first when whole blocks must be left out: from the end, content before buttons and forms. */
function dropOrder(blocks: readonly Block[]): number[] {
  const keepLonger = (block: Block) => block.type === "actions" || block.type === "form";
  const fromEnd = blocks.map((_, i) => i).reverse();
  return [...fromEnd.filter((i) => !keepLonger(blocks[i]!)), ...fromEnd.filter((i) => keepLonger(blocks[i]!))];
}

/**
 * Renders a platform-neutral card as an Adaptive Card, one template per block kind (cards/blocks/), under
 * Teams' message size: lists and texts are cut to tighter budgets until it fits (saying what was left out),
 * then whole blocks are left out from the end (saying how many). What it adds itself ("…and 3 more") comes
 * from `words`, else from the catalog in the card's locale.
 */
const renderedCards = new WeakMap<Card, RenderedCard>();

export function renderCard(card: Card, words?: TeamsRenderWords): RenderedCard {
  return words ? renderFitting(card, words) : renderedOnce(renderedCards, card, () => renderFitting(card));
}

function renderFitting(card: Card, words?: TeamsRenderWords): RenderedCard {
  const resolved = wordsFrom(words, card.locale);
  let ctx = contextFor(card, BUDGETS[0]!, resolved);
  let elements: Array<Element | undefined> = [];
  let bytes = 0;
  for (const budget of BUDGETS) {
    ctx = contextFor(card, budget, resolved);
    elements = card.blocks.map((block) => renderBlock(block, ctx));
    const rendered = envelope(card, card.blocks, elements, ctx, 0);
    if (rendered.bytes <= MAX_CARD_BYTES) return rendered;
    bytes = rendered.bytes;
  }
  // Still too big at the tightest budget: leave out whole blocks until the rest fits, trying a render only
  // once the blocks' own sizes say it may.
  const left = new Set(card.blocks.map((_, i) => i));
  for (const index of dropOrder(card.blocks)) {
    left.delete(index);
    bytes -= elements[index] ? teamsBytes(elements[index]) + 2 : 0; // the element and its comma
    if (bytes > MAX_CARD_BYTES) continue;
    const kept = [...left].sort((a, b) => a - b);
    const rendered = envelope(card, kept.map((i) => card.blocks[i]!), kept.map((i) => elements[i]), ctx, card.blocks.length - kept.length);
    if (rendered.bytes <= MAX_CARD_BYTES) return rendered;
  }
  // Only a title and summary beyond any size (the core's limits make this unreachable): the summary alone.
  const text = cutPlain(plainText(card.summary) || card.title, 2000).text;
  const bare: AdaptiveCard = { type: "AdaptiveCard", version: TEAMS_LIMITS.card.version, fallbackText: text, body: [{ type: "TextBlock", text: teamsLiteral(text), wrap: true }] };
  return { card: bare, fallback: text, bytes: teamsBytes(bare) };
}

/** A message activity carrying the card, with the plain-text fallback as `summary` (notifications, previews). */
export function cardActivity(card: Card, words?: TeamsRenderWords): Partial<Activity> {
  const { card: adaptiveCard, fallback } = renderCard(card, words);
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(adaptiveCard));
  activity.summary = fallback;
  return activity;
}
