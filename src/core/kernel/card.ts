import { z } from "zod";

/**
 * The platform-neutral card every presenter returns. Text is "neutral markdown": the catalog's own
 * `**bold**`, `_italic_`, `` `code` `` and `[label](url)`, with everything people typed escaped by `esc()`
 * (a backslash before each markup character). Each platform has one renderer per block kind.
 */
export const Tone = z.enum(["info", "success", "warning", "error"]);
export type Tone = z.infer<typeof Tone>;

/** A button: the command verb it runs and its arguments (the same verb on both platforms). */
export const CardAction = z.object({
  label: z.string(),
  verb: z.string(),
  data: z.record(z.union([z.string(), z.number(), z.boolean()])).default({}),
  style: z.enum(["primary", "danger"]).optional(),
  /** Opens a form (Slack: the modal needs the button's trigger). */
  opensForm: z.boolean().default(false),
});
export type CardAction = z.infer<typeof CardAction>;

export const FIELD_KINDS = ["shortText", "longText", "number", "choice", "multiChoice", "date", "time", "dateTime", "url", "person"] as const;
export const FieldKind = z.enum(FIELD_KINDS);
export type FieldKind = z.infer<typeof FieldKind>;

/** A form field as one reader sees it: labels and hints already in their language. */
export const FormField = z.object({
  name: z.string(),
  kind: FieldKind,
  label: z.string(),
  /** Plain text under the field: its limit, format or purpose. */
  hint: z.string().default(""),
  placeholder: z.string().default(""),
  required: z.boolean().default(false),
  /** Characters (text kinds) or the largest value (number). */
  max: z.number().optional(),
  min: z.number().optional(),
  choices: z.array(z.object({ value: z.string(), label: z.string() })).default([]),
  /** What is in the field now: typed before (kept on errors), or the stored value being edited. */
  value: z.union([z.string(), z.array(z.string())]).default(""),
  /** For dateTime: the IANA zone shown with it (the reader's by default). */
  zone: z.string().default(""),
  error: z.string().default(""),
});
export type FormField = z.infer<typeof FormField>;

export const FormBlock = z.object({
  type: z.literal("form"),
  /** The command the submission becomes (Teams `verb`, Slack `callback_id`). */
  verb: z.string(),
  title: z.string(),
  submitLabel: z.string(),
  cancelLabel: z.string(),
  /** Sealed context: where the form was opened, by whom, and the version it edits. Opaque to adapters. */
  token: z.string(),
  fields: z.array(FormField),
  /** Shown above the fields when the submission was refused. */
  error: z.string().default(""),
  /** How to open the form again where it cannot be shown inline (Slack: a button that opens the modal). */
  reopen: CardAction.optional(),
});
export type FormBlock = z.infer<typeof FormBlock>;

export const ChartBlock = z.object({
  type: z.literal("chart"),
  kind: z.enum(["bar", "horizontalBar", "pie", "donut", "line"]),
  title: z.string(),
  categories: z.array(z.string()),
  series: z.array(z.object({ name: z.string(), values: z.array(z.number()) })).min(1),
  /** What the chart shows, in words: for screen readers and every client without charts. */
  alt: z.string(),
});

export const Block = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string(), style: z.enum(["default", "heading", "subtle"]).default("default"), tone: Tone.optional() }),
  z.object({ type: z.literal("facts"), facts: z.array(z.object({ label: z.string(), value: z.string() })) }),
  z.object({
    type: z.literal("list"),
    heading: z.string().default(""),
    items: z.array(z.string()),
    /** Items the presenter already left out; the renderer adds those it cuts and says how many in all. */
    omitted: z.number().int().nonnegative().default(0),
    /** Shown when there are no items. */
    empty: z.string().default(""),
  }),
  z.object({
    type: z.literal("table"),
    columns: z.array(z.string()),
    rows: z.array(z.array(z.string())),
    omitted: z.number().int().nonnegative().default(0),
  }),
  ChartBlock,
  z.object({ type: z.literal("image"), url: z.string().url(), alt: z.string() }),
  z.object({ type: z.literal("context"), texts: z.array(z.string()) }),
  z.object({ type: z.literal("actions"), actions: z.array(CardAction) }),
  FormBlock,
]);
export type Block = z.infer<typeof Block>;
export type BlockType = Block["type"];
export type BlockOf<T extends BlockType> = Extract<Block, { type: T }>;

export const Card = z.object({
  /** Plain words (no markup): the heading and what a progress card names it by; empty for a one-line notice. */
  title: z.string(),
  /** The whole message in a sentence or two of neutral markdown: notifications, screen readers, text-only clients. */
  summary: z.string(),
  tone: Tone.optional(),
  blocks: z.array(Block),
  /** The language it was written in (set by the kernel): what renderers add ("…and 3 more") is in it too. */
  locale: z.string().optional(),
});
export type Card = z.infer<typeof Card>;

/** The words a renderer adds itself ("…and N more"), in the card reader's language. */
export interface RenderWords {
  more(count: number): string;
  partsOmitted(count: number): string;
  /** Said after a text that had to be shortened to fit. */
  textCut(): string;
}

/** An object and everything in it made read-only (a presented card, shared by every request that asks for it). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * A platform's rendering of a card, made once per card when the card cannot change (frozen, as presented
 * cards are), and itself frozen; a card still being put together is rendered each time.
 */
export function renderedOnce<T>(kept: WeakMap<Card, T>, card: Card, render: () => T): T {
  if (!Object.isFrozen(card)) return render();
  let rendered = kept.get(card);
  if (rendered === undefined) kept.set(card, (rendered = deepFreeze(render())));
  return rendered;
}
