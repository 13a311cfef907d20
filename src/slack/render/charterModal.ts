import type { types as Slack } from "@slack/bolt";
import { z } from "zod";
import { CharterForm, type CharterField } from "../../core/commands.js";
import { LIMITS, PURPOSES } from "../../core/domain.js";
import type { MessageKey } from "../../core/i18n/index.js";
import type { ViewOf } from "../../core/views.js";
import { SLACK_LIMITS as L, truncate } from "../limits.js";
import { actions, button, fallbackText, section, type SlackMessage } from "./blocks.js";
import { mrkdwn, plain } from "./text.js";

/** The only action id inside each input block; the block id is the CharterForm field name. */
export const INPUT_ACTION = "value";

/** The modal's callback_id is the command its submission becomes (same verb as Teams). */
export const FORM_CALLBACKS = { create: "community.setup", edit: "community.charter.update" } as const;

/** Where the form was opened: carried through the modal, since a view_submission names no channel. */
export const FormContext = z.object({
  spaceKey: z.string(),
  channelId: z.string().optional(),
  displayName: z.string().default(""),
  personal: z.boolean().default(false),
  communityId: z.string().optional(),
});
export type FormContext = z.infer<typeof FormContext>;

type TextField = Exclude<CharterField, "purposes">;
const TEXT_FIELDS: Array<{ field: TextField; max: number; multiline: boolean; required: boolean; placeholder?: MessageKey }> = [
  { field: "name", max: LIMITS.name, multiline: false, required: true, placeholder: "field.name.placeholder" },
  { field: "domain", max: LIMITS.shortText, multiline: false, required: true, placeholder: "field.domain.placeholder" },
  { field: "audience", max: LIMITS.shortText, multiline: false, required: true, placeholder: "field.audience.placeholder" },
  // One item per line, up to the list limit.
  { field: "goals", max: (LIMITS.shortText + 1) * LIMITS.listItems, multiline: true, required: false },
  { field: "outcomes", max: (LIMITS.shortText + 1) * LIMITS.listItems, multiline: true, required: false },
  { field: "participation", max: LIMITS.longText, multiline: true, required: false },
  { field: "contribution", max: LIMITS.longText, multiline: true, required: false },
  { field: "conflictResolution", max: LIMITS.longText, multiline: true, required: false },
];

const label = (locale: string, key: MessageKey): Slack.PlainTextElement => ({
  type: "plain_text",
  text: truncate(plain(locale, key), L.input.label),
  emoji: true,
});

function textInput(view: ViewOf<"charterForm">, spec: (typeof TEXT_FIELDS)[number]): Slack.InputBlock {
  const max = Math.min(spec.max, L.plainTextInput.maxLength);
  const initial = view.values[spec.field];
  return {
    type: "input",
    block_id: spec.field,
    optional: !spec.required,
    label: label(view.locale, `field.${spec.field}`),
    element: {
      type: "plain_text_input",
      action_id: INPUT_ACTION,
      multiline: spec.multiline,
      max_length: max,
      ...(initial ? { initial_value: initial.slice(0, max) } : {}),
      ...(spec.placeholder
        ? { placeholder: { type: "plain_text", text: truncate(plain(view.locale, spec.placeholder), L.element.placeholder) } }
        : {}),
    },
  };
}

function purposesInput(view: ViewOf<"charterForm">): Slack.InputBlock {
  const options: Slack.PlainTextOption[] = PURPOSES.map((p) => ({
    text: { type: "plain_text", text: truncate(plain(view.locale, `purpose.${p}`), L.option.text), emoji: true },
    value: p,
  }));
  const chosen = options.filter((o) => view.values.purposes.includes(String(o.value)));
  return {
    type: "input",
    block_id: "purposes",
    label: label(view.locale, "field.purposes"),
    element: {
      type: "checkboxes",
      action_id: INPUT_ACTION,
      options: options.slice(0, L.checkboxOptions),
      // Slack rejects an empty initial_options: leave it out instead.
      ...(chosen.length ? { initial_options: chosen } : {}),
    },
  };
}

/** The setup/edit form as a modal (callback_id = the command verb). */
export function charterModal(view: ViewOf<"charterForm">, formContext?: FormContext): Slack.ModalView {
  const { locale } = view;
  const intro = Object.keys(view.errors).length ? mrkdwn(locale, "form.errors") : mrkdwn(locale, "form.intro");
  const [first, ...rest] = TEXT_FIELDS;
  return {
    type: "modal",
    callback_id: FORM_CALLBACKS[view.mode],
    title: { type: "plain_text", text: truncate(plain(locale, view.mode === "create" ? "slack.form.createTitle" : "slack.form.editTitle"), L.view.title) },
    submit: { type: "plain_text", text: truncate(plain(locale, view.mode === "create" ? "action.create" : "action.save"), L.view.submit) },
    close: { type: "plain_text", text: truncate(plain(locale, "slack.form.cancel"), L.view.close) },
    ...(formContext ? { private_metadata: encodeFormContext({ ...formContext, communityId: view.communityId ?? formContext.communityId }) } : {}),
    blocks: [
      section(intro),
      textInput(view, first!),
      ...rest.slice(0, 2).map((spec) => textInput(view, spec)),
      purposesInput(view),
      ...rest.slice(2).map((spec) => textInput(view, spec)),
    ],
  };
}

/** Where a modal cannot be opened (no trigger_id): a message with a button that opens it. */
export function charterFormFallback(view: ViewOf<"charterForm">): SlackMessage {
  const hint = plain(view.locale, "slack.form.openHint");
  const [label, actionId] = view.mode === "create"
    ? [plain(view.locale, "action.setup"), "community.setup.open"]
    : [plain(view.locale, "action.edit"), "community.charter.edit"];
  return {
    text: fallbackText(hint),
    blocks: [section(mrkdwn(view.locale, "slack.form.openHint")), ...actions([button(label, actionId, { style: "primary" })])],
  };
}

export function encodeFormContext(ctx: FormContext): string {
  const encoded = JSON.stringify(ctx);
  // A display name is the only free text in it; drop it rather than exceed the metadata limit.
  return encoded.length <= L.view.privateMetadata ? encoded : JSON.stringify({ ...ctx, displayName: "" });
}

export function decodeFormContext(metadata: string | undefined): FormContext | undefined {
  try {
    const parsed = FormContext.safeParse(JSON.parse(metadata ?? ""));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_options?: Array<{ value?: string }> | null }>>;

/** Reads a submitted modal back into the raw CharterForm (the core validates it). */
export function readCharterForm(values: StateValues): CharterForm {
  const raw: Record<string, unknown> = {};
  for (const spec of TEXT_FIELDS) raw[spec.field] = values[spec.field]?.[INPUT_ACTION]?.value ?? "";
  raw.purposes = (values.purposes?.[INPUT_ACTION]?.selected_options ?? []).map((o) => o.value ?? "");
  return CharterForm.parse(raw);
}

/** The core's field errors keyed by block id, for `response_action: "errors"`. */
export function slackFieldErrors(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, truncate(message, L.text.max)]));
}
