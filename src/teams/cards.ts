// The package root's types pull in adaptivecards' TypeScript sources; the engine module alone does not.
import { Template } from "adaptivecards-templating/lib/template-engine.js";
import { CardFactory, MessageFactory, type Activity, type Attachment } from "botbuilder";
import type { View, ViewKind } from "../core/views.js";
import { cardData, clip, type Budget } from "./cardData.js";
import { MAX_CARD_BYTES, TEAMS_LIMITS, teamsBytes } from "./limits.js";
import charter from "../../cards/charter.json" with { type: "json" };
import charterForm from "../../cards/charterForm.json" with { type: "json" };
import help from "../../cards/help.json" with { type: "json" };
import notice from "../../cards/notice.json" with { type: "json" };
import progress from "../../cards/progress.json" with { type: "json" };
import roles from "../../cards/roles.json" with { type: "json" };

/** An Adaptive Card payload (schema 1.5), ready to attach. */
export interface AdaptiveCard {
  type: "AdaptiveCard";
  version: string;
  fallbackText?: string;
  [key: string]: unknown;
}

export interface RenderedCard {
  card: AdaptiveCard;
  /** Plain text for clients, notifications and screen readers that do not show the card. */
  fallback: string;
  /** Size as Teams counts it (UTF-16). */
  bytes: number;
}

/** One template per View kind (cards/<kind>.json): a missing one is a compile error. */
export const TEMPLATES = { help, charterForm, charter, roles, notice, progress } satisfies Record<ViewKind, object>;

/** Budgets tried in order until the card fits Teams' message size; most cards fit the first. */
const BUDGETS: readonly Budget[] = [
  { listItems: TEAMS_LIMITS.card.listItems, textChars: 1000 },
  { listItems: 10, textChars: 400 },
  { listItems: 5, textChars: 150 },
];

const templates = new Map<ViewKind, Template>();
function templateFor(kind: ViewKind): Template {
  let template = templates.get(kind);
  if (!template) {
    template = new Template(TEMPLATES[kind]);
    templates.set(kind, template);
  }
  return template;
}

/** Renders a View as an Adaptive Card from its template, cutting lists and text until it fits. */
export function renderCard(view: View): RenderedCard {
  let fallback = "";
  for (const budget of BUDGETS) {
    const data = cardData(view, budget);
    fallback = data.fallback;
    const card = templateFor(view.kind).expand({ $root: data }) as AdaptiveCard;
    const bytes = teamsBytes(card);
    if (bytes <= MAX_CARD_BYTES) return { card, fallback, bytes };
  }
  // Nothing fits (cannot happen with the core's field limits): show the fallback text alone.
  const text = clip(fallback, 2000);
  const card: AdaptiveCard = {
    type: "AdaptiveCard",
    version: TEAMS_LIMITS.card.version,
    fallbackText: text,
    body: [{ type: "TextBlock", text, wrap: true }],
  };
  return { card, fallback: text, bytes: teamsBytes(card) };
}

export function cardAttachment(card: AdaptiveCard): Attachment {
  return CardFactory.adaptiveCard(card);
}

/** A message activity carrying the view's card, with `summary` as the notification/preview text. */
export function viewActivity(view: View): Partial<Activity> {
  const { card, fallback } = renderCard(view);
  const activity = MessageFactory.attachment(cardAttachment(card));
  activity.summary = fallback;
  return activity;
}
