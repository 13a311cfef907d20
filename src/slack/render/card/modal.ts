/**
 * A card's form as a Block Kit modal, and its submission read back into the raw values the kernel checks.
 * One input renderer per form field kind. Nothing is shortened here: a value over its limit comes back as a
 * field error from the kernel (the hint states the limit), so text inputs carry no max_length.
 */
import type { types as Slack, ViewStateValue } from "@slack/bolt";
import type { Block, FieldKind, FormBlock, FormField, RenderWords } from "../../../core/kernel/card.js";
import type { RawValues } from "../../../core/kernel/forms.js";
import { SLACK_LIMITS as L } from "../../limits.js";
import { TONE_GLYPH, englishRenderWords, fitBlocks, plainEl, section } from "./kit.js";
import { renderBlocks, renderContext } from "./message.js";
import { cutPlain, mrkdwn, plainWords } from "./mrkdwn.js";

/** The only action_id inside each input block; the block_id names the field. */
export const INPUT_ACTION = "value";

/** `view.state.values` of a view_submission: block_id → action_id → state. */
export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

/** A dateTime field is three inputs: Slack's date and time pickers, and the IANA zone as text. */
const DATE_TIME_PARTS = ["date", "time", "zone"] as const;
// Language-neutral marks tell the three apart until the catalog has words for them.
const PART_MARK = { date: ":date:", time: ":clock3:", zone: ":globe_with_meridians:" } as const;

const textOf = (value: FormField["value"]) => (Array.isArray(value) ? value.join("\n") : value);
const listOf = (value: FormField["value"]) => (Array.isArray(value) ? value : [value]).filter(Boolean);
/** Slack rejects an empty initial_*: such a key is left out. */
const initial = <K extends string>(key: K, value: string | undefined, valid = true) => (value && valid ? ({ [key]: value } as Record<K, string>) : {});

const placeholder = (field: FormField) => (plainWords(field.placeholder).trim() ? { placeholder: plainEl(plainWords(field.placeholder), L.element.placeholder) } : {});

function input(field: FormField, element: Slack.InputBlockElement, part?: (typeof DATE_TIME_PARTS)[number]): Slack.InputBlock {
  const label = plainWords(field.label).trim() || field.name;
  // Errors known when the form is drawn (a refused submission shown again) go in the hint, before it.
  const hint = part && part !== "date" ? "" : [field.error.trim() ? `${TONE_GLYPH.warning} ${plainWords(field.error)}` : "", plainWords(field.hint)].filter(Boolean).join(" ");
  return {
    type: "input",
    block_id: part ? `${field.name}.${part}` : field.name,
    optional: !field.required,
    label: plainEl(part ? `${label} ${PART_MARK[part]}` : label, L.input.label),
    ...(hint.trim() ? { hint: plainEl(hint, L.input.hint) } : {}),
    element: { ...element, action_id: INPUT_ACTION } as Slack.InputBlockElement,
  };
}

function options(field: FormField): Slack.PlainTextOption[] {
  return field.choices.slice(0, L.select.options).map((choice) => {
    // A cut value would come back as another choice: the core keeps values short, so this is a bug.
    if (choice.value.length > L.option.value) throw new Error(`Choice value of ${field.name} is over ${L.option.value} characters`);
    return { text: plainEl(plainWords(choice.label).trim() || choice.value, L.option.text), value: choice.value };
  });
}

const numberValue = (field: FormField) => {
  const value = textOf(field.value).trim();
  const n = Number(value);
  // Slack refuses a view whose number is not one, or is out of range: the person types it again.
  const ok = value !== "" && Number.isFinite(n) && (field.min === undefined || n >= field.min) && (field.max === undefined || n <= field.max);
  return ok ? value : "";
};

type FieldRenderer = (field: FormField) => Slack.InputBlock[];

const text = (multiline: boolean): FieldRenderer => (field) => [
  input(field, { type: "plain_text_input", multiline, ...initial("initial_value", textOf(field.value)), ...placeholder(field) }),
];

/** One input renderer per form field kind: a kind without one fails to compile. */
export const FIELD_RENDERERS = {
  shortText: text(false),
  longText: text(true),
  url: (field) => [input(field, { type: "url_text_input", ...initial("initial_value", textOf(field.value)), ...placeholder(field) })],
  number: (field) => [
    input(field, {
      type: "number_input",
      is_decimal_allowed: true,
      ...(field.min !== undefined ? { min_value: String(field.min) } : {}),
      ...(field.max !== undefined ? { max_value: String(field.max) } : {}),
      ...initial("initial_value", numberValue(field)),
      ...placeholder(field),
    }),
  ],
  choice: (field) => {
    const all = options(field);
    const chosen = all.find((o) => o.value === textOf(field.value));
    return [input(field, { type: "static_select", options: all, ...(chosen ? { initial_option: chosen } : {}), ...placeholder(field) })];
  },
  multiChoice: (field) => {
    const all = options(field);
    const values = listOf(field.value);
    const chosen = all.filter((o) => values.includes(String(o.value)));
    const picked = chosen.length ? { initial_options: chosen } : {};
    return [
      all.length <= L.checkboxOptions
        ? input(field, { type: "checkboxes", options: all, ...picked })
        : input(field, { type: "multi_static_select", options: all, ...picked, ...placeholder(field) }),
    ];
  },
  date: (field) => [input(field, { type: "datepicker", ...initial("initial_date", textOf(field.value), DATE.test(textOf(field.value))), ...placeholder(field) })],
  time: (field) => [input(field, { type: "timepicker", ...initial("initial_time", textOf(field.value), TIME.test(textOf(field.value))), ...placeholder(field) })],
  dateTime: (field) => {
    const value = textOf(field.value);
    const [date, time] = [value.slice(0, 10), value.slice(11, 16)];
    return [
      input(field, { type: "datepicker", ...initial("initial_date", date, DATE.test(date)) }, "date"),
      input(field, { type: "timepicker", ...initial("initial_time", time, TIME.test(time)) }, "time"),
      input(field, { type: "plain_text_input", ...initial("initial_value", field.zone) }, "zone"),
    ];
  },
  person: (field) => [input(field, { type: "users_select", ...initial("initial_user", textOf(field.value), SLACK_USER.test(textOf(field.value))), ...placeholder(field) })],
} satisfies Record<FieldKind, FieldRenderer>;

const inputsOf = (field: FormField) => (FIELD_RENDERERS[field.kind] as FieldRenderer)(field);

/**
 * The form as a modal: callback_id is the command verb, private_metadata the sealed token. `intro` blocks
 * (the form's explanation) are drawn as in a message, above the fields.
 */
export function renderModal(form: FormBlock, intro: readonly Block[] = [], words: RenderWords = englishRenderWords): Slack.ModalView {
  // A cut token could not be unsealed: the core keeps it short, so a long one is a bug.
  if (form.token.length > L.view.privateMetadata) throw new Error(`Form token is ${form.token.length} characters; private_metadata holds ${L.view.privateMetadata}`);
  if (form.verb.length > L.view.callbackId) throw new Error(`Form verb is over ${L.view.callbackId} characters`);
  const ctx = renderContext(form, words);
  const inputs = form.fields.flatMap(inputsOf);
  const top = form.error.trim() ? [section(`${TONE_GLYPH.warning} ${mrkdwn(form.error)}`, ctx.note)] : [];
  const room = L.view.blocks - inputs.length - top.length;
  if (room < 0) throw new Error(`Form ${form.verb} needs ${inputs.length} input blocks; a modal holds ${L.view.blocks}`);
  const close = plainWords(form.cancelLabel).trim();
  return {
    type: "modal",
    callback_id: form.verb,
    private_metadata: form.token,
    title: plainEl(plainWords(form.title).trim() || form.verb, L.view.title),
    submit: plainEl(plainWords(form.submitLabel).trim() || "OK", L.view.submit),
    ...(close ? { close: plainEl(close, L.view.close) } : {}),
    blocks: [...top, ...(room > 0 ? fitBlocks(renderBlocks(intro, ctx), room, ctx.words) : []), ...inputs],
  };
}

function read(state: ViewStateValue | undefined): string | string[] {
  if (!state) return "";
  if (state.selected_options) return state.selected_options.map((o) => o.value);
  if (state.selected_option) return state.selected_option.value;
  return state.selected_date ?? state.selected_time ?? state.selected_user ?? state.value ?? "";
}

const asText = (value: string | string[]) => (Array.isArray(value) ? value.join("\n") : value);

/** A view_submission's values as the raw strings the kernel's form check takes (it validates them). */
export function readModal(form: FormBlock, values: ViewStateValues): RawValues {
  const at = (blockId: string) => read(values[blockId]?.[INPUT_ACTION]);
  const raw: RawValues = {};
  for (const field of form.fields) {
    if (field.kind === "dateTime") {
      const [date, time, zone] = DATE_TIME_PARTS.map((part) => asText(at(`${field.name}.${part}`)));
      Object.assign(raw, { [`${field.name}.date`]: date, [`${field.name}.time`]: time, [`${field.name}.zone`]: zone });
      raw[field.name] = date || time ? `${date}T${time}` : "";
    } else if (field.kind === "multiChoice") {
      const chosen = at(field.name);
      raw[field.name] = Array.isArray(chosen) ? chosen : chosen ? [chosen] : [];
    } else {
      raw[field.name] = asText(at(field.name));
    }
  }
  return raw;
}

/**
 * The kernel's field errors keyed by block_id, for `response_action: "errors"`. A dateTime field's error
 * shows under its date; an error for no field of this form shows under the first.
 */
export function modalErrors(errors: Record<string, string>, form: FormBlock): Record<string, string> {
  const blockIds = new Set(form.fields.flatMap(inputsOf).map((b) => b.block_id!));
  const primary = new Map(form.fields.map((f) => [f.name, f.kind === "dateTime" ? `${f.name}.date` : f.name]));
  const first = form.fields[0] ? primary.get(form.fields[0].name) : undefined;
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    const blockId = blockIds.has(key) ? key : (primary.get(key) ?? first);
    if (!blockId || !message.trim()) continue;
    out[blockId] = cutPlain(out[blockId] ? `${out[blockId]} ${plainWords(message)}` : plainWords(message), L.text.max);
  }
  return out;
}
