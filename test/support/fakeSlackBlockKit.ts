/**
 * Block Kit checks for the fake Slack Web API: the documented limits from SLACK_LIMITS, reported the way
 * Slack reports them ("[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]").
 */
import { SLACK_LIMITS as L } from "../../src/slack/limits.js";

export type Surface = "message" | "modal" | "home";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

// Slack words these as "must be less than max+1 characters"; the pointer says where.
class Problems {
  readonly list: string[] = [];
  add(message: string, pointer: string): void {
    this.list.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }
  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === "string" && value.length > max) this.add(`must be less than ${max + 1} characters`, pointer);
  }
  maxItems(value: unknown, max: number, pointer: string): void {
    if (Array.isArray(value) && value.length > max) this.add(`no more than ${max} items allowed`, pointer);
  }
  minItems(value: unknown, min: number, pointer: string): void {
    if (Array.isArray(value) && value.length < min) this.add(`must provide at least ${min} items`, pointer);
  }
  required(obj: Obj, field: string, pointer: string): boolean {
    if (obj[field] === undefined || obj[field] === null) {
      this.add(`missing required field: ${field}`, pointer);
      return false;
    }
    return true;
  }
}

const BLOCK_TYPES = new Set([
  "section", "header", "divider", "context", "actions", "input", "image", "rich_text", "markdown", "video", "file",
]);

/** A text object: plain_text or mrkdwn, 1..max characters. */
function checkText(p: Problems, t: unknown, max: number, at: string, plainOnly = false): void {
  if (!isObj(t)) return p.add("must be a text object", at);
  const allowed = plainOnly ? ["plain_text"] : ["plain_text", "mrkdwn"];
  if (typeof t.type !== "string" || !allowed.includes(t.type)) p.add(`must be one of: ${allowed.join(", ")}`, `${at}/type`);
  if (typeof t.text !== "string" || t.text.length === 0) return p.add("must be more than 0 characters", `${at}/text`);
  p.maxLength(t.text, max, `${at}/text`);
}

function checkConfirm(p: Problems, c: unknown, at: string): void {
  if (!isObj(c)) return;
  if (c.title !== undefined) checkText(p, c.title, L.confirm.title, `${at}/title`, true);
  if (c.text !== undefined) checkText(p, c.text, L.confirm.text, `${at}/text`);
  if (c.confirm !== undefined) checkText(p, c.confirm, L.confirm.confirm, `${at}/confirm`, true);
  if (c.deny !== undefined) checkText(p, c.deny, L.confirm.deny, `${at}/deny`, true);
}

function checkOptions(p: Problems, options: unknown, max: number, at: string): void {
  if (!Array.isArray(options)) return;
  p.maxItems(options, max, at);
  options.forEach((o: unknown, i) => {
    if (!isObj(o)) return p.add("must be an option object", `${at}/${i}`);
    checkText(p, o.text, L.option.text, `${at}/${i}/text`);
    p.maxLength(o.value, L.option.value, `${at}/${i}/value`);
    if (o.description !== undefined) checkText(p, o.description, L.option.description, `${at}/${i}/description`, true);
  });
}

/** Interactive elements (buttons, selects, inputs) and image elements. */
function checkElement(p: Problems, e: unknown, at: string): void {
  if (!isObj(e)) return p.add("must be an element object", at);
  if (!p.required(e, "type", at)) return;
  p.maxLength(e.action_id, L.element.actionId, `${at}/action_id`);
  if (e.placeholder !== undefined) checkText(p, e.placeholder, L.element.placeholder, `${at}/placeholder`, true);
  if (e.confirm !== undefined) checkConfirm(p, e.confirm, `${at}/confirm`);
  switch (e.type) {
    case "button":
      checkText(p, e.text, L.button.text, `${at}/text`, true);
      p.maxLength(e.value, L.button.value, `${at}/value`);
      p.maxLength(e.url, L.button.url, `${at}/url`);
      p.maxLength(e.accessibility_label, L.button.accessibilityLabel, `${at}/accessibility_label`);
      return;
    case "static_select":
    case "multi_static_select":
      checkOptions(p, e.options, L.select.options, `${at}/options`);
      p.maxItems(e.option_groups, L.select.optionGroups, `${at}/option_groups`);
      return;
    case "overflow":
      p.minItems(e.options, 2, `${at}/options`);
      return checkOptions(p, e.options, L.overflowOptions, `${at}/options`);
    case "checkboxes":
      return checkOptions(p, e.options, L.checkboxOptions, `${at}/options`);
    case "radio_buttons":
      return checkOptions(p, e.options, L.radioOptions, `${at}/options`);
    case "plain_text_input":
      for (const field of ["max_length", "min_length"] as const) {
        const v = e[field];
        if (typeof v === "number" && (v > L.plainTextInput.maxLength || v < (field === "max_length" ? 1 : 0))) {
          p.add(`must be between ${field === "max_length" ? 1 : 0} and ${L.plainTextInput.maxLength}`, `${at}/${field}`);
        }
      }
      return;
    case "image":
      p.required(e, "alt_text", at);
      p.maxLength(e.alt_text, L.image.altText, `${at}/alt_text`);
      return;
    default:
      return;
  }
}

function checkBlock(p: Problems, b: unknown, at: string, blockIds: Set<string>): void {
  if (!isObj(b)) return p.add("must be a block object", at);
  if (!p.required(b, "type", at)) return;
  if (typeof b.type !== "string" || !BLOCK_TYPES.has(b.type)) return p.add(`unsupported type: ${String(b.type)}`, `${at}/type`);
  if (b.block_id !== undefined) {
    p.maxLength(b.block_id, L.block.blockId, `${at}/block_id`);
    if (typeof b.block_id === "string" && blockIds.has(b.block_id)) p.add("duplicate block_id", `${at}/block_id`);
    if (typeof b.block_id === "string") blockIds.add(b.block_id);
  }
  switch (b.type) {
    case "section":
      if (b.text === undefined && b.fields === undefined) p.add("must provide either text or fields", at);
      if (b.text !== undefined) checkText(p, b.text, L.section.text, `${at}/text`);
      if (Array.isArray(b.fields)) {
        p.maxItems(b.fields, L.section.fields, `${at}/fields`);
        b.fields.forEach((f: unknown, i) => checkText(p, f, L.section.fieldText, `${at}/fields/${i}`));
      }
      if (b.accessory !== undefined) checkElement(p, b.accessory, `${at}/accessory`);
      return;
    case "header":
      return checkText(p, b.text, L.header.text, `${at}/text`, true);
    case "context":
      if (!p.required(b, "elements", at)) return;
      p.maxItems(b.elements, L.context.elements, `${at}/elements`);
      if (Array.isArray(b.elements)) {
        b.elements.forEach((el: unknown, i) =>
          isObj(el) && el.type === "image"
            ? checkElement(p, el, `${at}/elements/${i}`)
            : checkText(p, el, L.text.max, `${at}/elements/${i}`),
        );
      }
      return;
    case "actions":
      if (!p.required(b, "elements", at)) return;
      p.minItems(b.elements, 1, `${at}/elements`);
      p.maxItems(b.elements, L.actions.elements, `${at}/elements`);
      if (Array.isArray(b.elements)) b.elements.forEach((el: unknown, i) => checkElement(p, el, `${at}/elements/${i}`));
      return;
    case "input":
      checkText(p, b.label, L.input.label, `${at}/label`, true);
      if (b.hint !== undefined) checkText(p, b.hint, L.input.hint, `${at}/hint`, true);
      if (p.required(b, "element", at)) checkElement(p, b.element, `${at}/element`);
      return;
    case "image":
      if (b.image_url === undefined && b.slack_file === undefined) p.add("missing required field: image_url", at);
      p.required(b, "alt_text", at);
      p.maxLength(b.alt_text, L.image.altText, `${at}/alt_text`);
      if (b.title !== undefined) checkText(p, b.title, L.image.title, `${at}/title`, true);
      return;
    default:
      return;
  }
}

/** Problems with a blocks array on a surface, as Slack's "[ERROR] ..." strings; empty when valid. */
export function blockProblems(blocks: unknown, surface: Surface, at: string): string[] {
  const p = new Problems();
  if (!Array.isArray(blocks)) {
    p.add("must be an array", at);
    return p.list;
  }
  p.maxItems(blocks, surface === "message" ? L.message.blocks : L.view.blocks, at);
  const ids = new Set<string>();
  blocks.forEach((b: unknown, i) => checkBlock(p, b, `${at}/${i}`, ids));
  return p.list;
}

// docs.slack.dev/reference/methods/views.open: view_too_large "if the provided view is greater than 250kb"
const VIEW_MAX_BYTES = 250 * 1024;

export type ViewCheck = { ok: true } | { ok: false; error: "view_too_large" | "invalid_arguments"; messages: string[] };

/** A modal or home view: title/submit/close lengths, metadata, and its blocks. */
export function checkView(view: unknown, allowed: readonly Surface[]): ViewCheck {
  const p = new Problems();
  if (!isObj(view)) {
    p.add("must be a view object", "/view");
    return { ok: false, error: "invalid_arguments", messages: p.list };
  }
  if (Buffer.byteLength(JSON.stringify(view)) > VIEW_MAX_BYTES) return { ok: false, error: "view_too_large", messages: [] };
  const surface = view.type as Surface;
  if (!allowed.includes(surface) || surface === "message") {
    p.add(`must be one of: ${allowed.join(", ")}`, "/view/type");
    return { ok: false, error: "invalid_arguments", messages: p.list };
  }
  if (surface === "modal") {
    if (p.required(view, "title", "/view")) checkText(p, view.title, L.view.title, "/view/title", true);
    if (view.submit !== undefined) checkText(p, view.submit, L.view.submit, "/view/submit", true);
    if (view.close !== undefined) checkText(p, view.close, L.view.close, "/view/close", true);
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b: unknown) => isObj(b) && b.type === "input");
    // modal-views: "submit is required when an input block is within the blocks array"
    if (hasInput && view.submit === undefined) p.add("missing required field: submit", "/view");
  }
  p.maxLength(view.private_metadata, L.view.privateMetadata, "/view/private_metadata");
  p.maxLength(view.callback_id, L.view.callbackId, "/view/callback_id");
  p.maxLength(view.external_id, L.view.externalId, "/view/external_id");
  p.list.push(...blockProblems(view.blocks ?? [], surface, "/view/blocks"));
  return p.list.length === 0 ? { ok: true } : { ok: false, error: "invalid_arguments", messages: p.list };
}
