import type { BlockOf, FieldKind, FormField } from "../../core/kernel/card.js";
import { plainText } from "../../core/kernel/text.js";
import type { RenderContext, Words } from "./context.js";
import { teamsLiteral, teamsMarkdown } from "./markdown.js";

/**
 * One input as cards/blocks/form.json draws it: `input` picks the element, null leaves a property out.
 * Inputs never get `maxLength`: a value over the limit reaches the server and comes back as a field
 * error with the limit (which the hint states), rather than being cut silently by the client.
 */
interface InputData {
  input: "text" | "number" | "choice" | "date" | "time";
  id: string;
  label: string;
  value: string | number | null;
  placeholder: string | null;
  isRequired: boolean;
  errorMessage: string | null;
  multiline: boolean | null;
  style: string | null;
  min: number | null;
  max: number | null;
  multiSelect: boolean | null;
  choices: Array<{ title: string; value: string }>;
  dataQuery: { type: "Data.Query"; dataset: string } | null;
}

const asText = (value: FormField["value"], separator: string) => (Array.isArray(value) ? value.join(separator) : value);

/** The client's message for a required input left empty; the server's own error wins when there is one. */
const requiredMessage = (field: FormField, words: Words) => field.error || (field.required ? plainText(words.required()) : null);

function input(field: FormField, words: Words, input: InputData["input"], more: Partial<InputData> = {}): InputData {
  return {
    input,
    id: field.name,
    label: field.label,
    value: asText(field.value, ",") || null,
    placeholder: field.placeholder || null,
    isRequired: field.required,
    errorMessage: requiredMessage(field, words),
    multiline: null,
    style: null,
    min: null,
    max: null,
    multiSelect: null,
    choices: [],
    dataQuery: null,
    ...more,
  };
}

const choices = (field: FormField) => field.choices.map((choice) => ({ title: choice.label, value: choice.value }));

function numberInput(field: FormField, words: Words): InputData {
  const value = Number(asText(field.value, ""));
  // The client also refuses a number out of range, so its message names the range.
  const range = [field.required ? words.required() : "", field.min !== undefined ? words.atLeast(field.min) : "", field.max !== undefined ? words.atMost(field.max) : ""];
  const message = field.error || plainText(range.filter(Boolean).join(" "));
  return input(field, words, "number", {
    value: asText(field.value, "").trim() !== "" && Number.isFinite(value) ? value : null,
    min: field.min ?? null,
    max: field.max ?? null,
    errorMessage: message || null,
  });
}

function dateTimeInputs(field: FormField, words: Words): InputData[] {
  const value = asText(field.value, "");
  // Date, time and zone are three inputs (`name.date`, `name.time`, `name.zone`); the glyphs tell them apart.
  return [
    input(field, words, "date", { id: `${field.name}.date`, value: value.slice(0, 10) || null, placeholder: null }),
    input(field, words, "time", { id: `${field.name}.time`, label: `${field.label} 🕒`, value: value.slice(11, 16) || null, placeholder: null }),
    input(field, words, "text", { id: `${field.name}.zone`, label: `${field.label} 🌐`, value: field.zone || null, placeholder: null, isRequired: false, errorMessage: null }),
  ];
}

/** The inputs of each field kind: a missing kind is a compile error. */
export const FIELD_INPUTS = {
  shortText: (field, words) => [input(field, words, "text", { value: asText(field.value, "\n") || null })],
  longText: (field, words) => [input(field, words, "text", { value: asText(field.value, "\n") || null, multiline: true })],
  url: (field, words) => [input(field, words, "text", { style: "Url" })],
  number: (field, words) => [numberInput(field, words)],
  choice: (field, words) => [input(field, words, "choice", { style: "compact", multiSelect: false, choices: choices(field) })],
  // Comes back as one comma-joined string of the chosen values.
  multiChoice: (field, words) => [input(field, words, "choice", { style: "expanded", multiSelect: true, choices: choices(field) })],
  date: (field, words) => [input(field, words, "date", { placeholder: null })],
  time: (field, words) => [input(field, words, "time", { placeholder: null })],
  dateTime: dateTimeInputs,
  // Teams' people picker: a type-ahead over the tenant's directory; comes back as the person's Entra object id.
  person: (field, words) => [input(field, words, "choice", { choices: choices(field), dataQuery: { type: "Data.Query", dataset: "graph.microsoft.com/users" } })],
} satisfies Record<FieldKind, (field: FormField, words: Words) => InputData[]>;

/** The form as inputs, each field's hint and error under it, and one Action.Submit carrying the sealed token. */
export function formData(block: BlockOf<"form">, ctx: RenderContext): object {
  return {
    // The card's heading already says it when the form is the card.
    title: block.title && block.title !== ctx.cardTitle ? teamsLiteral(block.title) : "",
    error: block.error ? teamsMarkdown(block.error) : "",
    fields: block.fields.map((field) => ({
      inputs: FIELD_INPUTS[field.kind](field, ctx.words),
      hint: field.hint ? teamsLiteral(field.hint) : "",
      error: field.error ? teamsLiteral(field.error) : "",
    })),
    submit: { title: block.submitLabel, data: { verb: block.verb, formToken: block.token } },
  };
}
