/** A card as a person's App Home tab: the same block renderers, within a view's 100 blocks. */
import type { types as Slack } from "@slack/bolt";
import type { Card, RenderWords } from "../../../core/kernel/card.js";
import { SLACK_LIMITS as L } from "../../limits.js";
import { renderWords } from "./kit.js";
import { renderCardBlocks } from "./message.js";

export function renderHome(card: Card, words: RenderWords = renderWords(card.locale)): Slack.HomeView {
  return { type: "home", blocks: renderCardBlocks(card, words, L.view.blocks) };
}
