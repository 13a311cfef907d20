/**
 * A platform-neutral card as a Slack message: one renderer per card block kind, each inside the Block Kit
 * limits table, cutting safely and saying what it cut.
 */
import { renderedOnce, type Block, type BlockOf, type BlockType, type Card, type RenderWords } from "../../../core/kernel/card.js";
import { SLACK_LIMITS as L } from "../../limits.js";
import {
  TONE_GLYPH,
  button,
  context,
  cutNote,
  renderWords,
  fitBlocks,
  mrkdwnEl,
  plainEl,
  section,
  slackWords,
  strong,
  strongWords,
  uniqueActionIds,
  type KnownBlock,
  type SlackRenderWords,
} from "./kit.js";
import { cutMrkdwn, cutPlain, entities, mrkdwn, plain, plainWords } from "./mrkdwn.js";
import { chartLines, preformatted, tableLines } from "./textArt.js";

/** A message as Slack takes it: blocks, and `text` for notifications and screen readers. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** What a block renderer knows besides its block. */
export interface RenderContext {
  words: SlackRenderWords;
  /** Ends a mrkdwn text that was shortened. */
  note: string;
  /** The card's title as plain words (alt text of last resort). */
  title: string;
}

type Renderer<T extends BlockType> = (block: BlockOf<T>, ctx: RenderContext) => KnownBlock[];

/** Sections one list may take before the rest is counted in "…and N more". */
const LIST_SECTIONS = 4;
/** Room kept in a section for the "…and N more" line. */
const MORE_ROOM = 200;
const SECTION_ROOM = L.section.text - MORE_ROOM;

const moreLine = (ctx: RenderContext, count: number) => cutMrkdwn(mrkdwn(ctx.words.more(count)), MORE_ROOM - 1);

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const text: Renderer<"text"> = (block, ctx) => {
  const body = block.style === "heading" ? strong(block.text) : mrkdwn(block.text);
  if (!body.trim()) return [];
  const glyph = block.tone ? `${TONE_GLYPH[block.tone]} ` : "";
  return block.style === "subtle" ? context([glyph + body]) : [section(glyph + body, ctx.note)];
};

/** Label over value, two to a row; Slack takes ten fields a section, so more facts make more sections. */
const facts: Renderer<"facts"> = (block, ctx) => {
  const fields = block.facts.map((fact) => {
    const label = strong(fact.label);
    const made = mrkdwn(fact.value);
    const value = made.trim() ? made : "—";
    return mrkdwnEl(label ? `${label}\n${value}` : value, L.section.fieldText, ctx.note);
  });
  return chunks(fields, L.section.fields).map((group) => ({ type: "section", fields: group }));
};

/** Bullet lines in sections of at most 3000 units; what does not fit is counted with the presenter's own omissions. */
const list: Renderer<"list"> = (block, ctx) => {
  const heading = strong(block.heading);
  if (!block.items.length) {
    const lines = [heading, block.omitted ? moreLine(ctx, block.omitted) : mrkdwn(block.empty)].filter((l) => l.trim());
    return lines.length ? [section(lines.join("\n"))] : [];
  }
  const sections: string[] = [];
  let current = heading;
  let shown = 0;
  for (const item of block.items) {
    const line = `• ${cutMrkdwn(mrkdwn(item), SECTION_ROOM - 2)}`;
    if (current && current.length + 1 + line.length > SECTION_ROOM) {
      if (sections.length + 1 >= LIST_SECTIONS) break;
      sections.push(current);
      current = "";
    }
    current = current ? `${current}\n${line}` : line;
    shown += 1;
  }
  const more = block.omitted + block.items.length - shown;
  sections.push(more ? `${current}\n${moreLine(ctx, more)}` : current);
  return sections.map((s) => section(s));
};

/** Columns lined up in a preformatted block; rows that do not fit are counted. */
const table: Renderer<"table"> = (block, ctx) => {
  const { lines, fixed } = tableLines(block);
  const { text: grid, cut } = preformatted(lines, SECTION_ROOM, fixed);
  const more = block.omitted + cut;
  const body = [grid, more ? moreLine(ctx, more) : ""].filter(Boolean).join("\n");
  return body ? [section(body)] : [];
};

/** Text bars with values and shares, then the chart's alt text: the fallback every client can show. */
const chart: Renderer<"chart"> = (block, ctx) => {
  const title = cutMrkdwn(strong(block.title), MORE_ROOM);
  const { text: bars, cut } = preformatted(chartLines(block), SECTION_ROOM - title.length - 1);
  const body = [title, bars, cut ? moreLine(ctx, cut) : ""].filter(Boolean).join("\n");
  return [...(body ? [section(body, ctx.note)] : []), ...context([mrkdwn(block.alt)])];
};

const image: Renderer<"image"> = (block, ctx) => [
  { type: "image", image_url: block.url, alt_text: cutPlain(plain(block.alt).trim() || ctx.title.trim() || block.url, L.image.altText) },
];

const contextBlock: Renderer<"context"> = (block) => context(block.texts.map(mrkdwn));

/** Buttons, 25 to an actions block; a verb that repeats gets `#2`, `#3` so each action_id is unique. */
const actions: Renderer<"actions"> = (block) => {
  const ids = uniqueActionIds(block.actions.map((a) => a.verb));
  const buttons = block.actions.map((action, i) => button(action, ids[i]!));
  return chunks(buttons, L.actions.elements).map((elements) => ({ type: "actions", elements }));
};

/** A modal needs a click's trigger_id: in a message a form is its title and a button that opens it. */
const form: Renderer<"form"> = (block, ctx) => {
  const opener = block.reopen;
  const lines = [strongWords(block.title), block.error.trim() ? `${TONE_GLYPH.warning} ${mrkdwn(block.error)}` : ""].filter(Boolean);
  const body = lines.join("\n") || (opener ? strongWords(opener.label) : "");
  if (!body.trim()) return [];
  return [
    {
      type: "section",
      text: mrkdwnEl(body, L.section.text, ctx.note),
      ...(opener ? { accessory: button(opener, opener.verb, "primary") } : {}),
    },
  ];
};

/** One Slack renderer per card block kind: a kind without one fails to compile. */
export const BLOCK_RENDERERS = {
  text,
  facts,
  list,
  table,
  chart,
  image,
  context: contextBlock,
  actions,
  form,
} satisfies { [T in BlockType]: Renderer<T> };

export function renderBlocks(blocks: readonly Block[], ctx: RenderContext): KnownBlock[] {
  // The lookup loses the link between kind and block type; the satisfies clause above keeps it sound.
  return blocks.flatMap((block) => (BLOCK_RENDERERS[block.type] as Renderer<BlockType>)(block, ctx));
}

export function renderContext(card: Pick<Card, "title">, words: RenderWords): RenderContext {
  const slack = slackWords(words);
  return { words: slack, note: cutNote(slack), title: plainWords(card.title) };
}

function header(card: Card): KnownBlock[] {
  const title = plainWords(card.title).replace(/\s+/g, " ").trim();
  if (!title) return [];
  const glyph = card.tone ? `${TONE_GLYPH[card.tone]} ` : "";
  return [{ type: "header", text: plainEl(glyph + title, L.header.text) }];
}

/** The card's blocks under its title, within `max` blocks. */
export function renderCardBlocks(card: Card, words: RenderWords, max: number): KnownBlock[] {
  const ctx = renderContext(card, words);
  return fitBlocks([...header(card), ...renderBlocks(card.blocks, ctx)], max, ctx.words);
}

/** The plain summary for notifications and screen readers (entities only: Slack parses `text` too). */
export function summaryText(card: Card): string {
  const words = plain(card.summary).trim() || plainWords(card.title).trim();
  return cutMrkdwn(entities(words), L.message.textRecommended);
}

const renderedMessages = new WeakMap<Card, SlackMessage>();

export function renderMessage(card: Card, words?: RenderWords): SlackMessage {
  const render = () => ({ text: summaryText(card), blocks: renderCardBlocks(card, words ?? renderWords(card.locale), L.message.blocks) });
  return words ? render() : renderedOnce(renderedMessages, card, render);
}
