import type { MessageKey } from "../i18n/index.js";
import type { CoreDeps } from "../ports.js";
import type { FieldKind, FormField } from "./card.js";
import { clean } from "./text.js";
import type { Words } from "./words.js";

/** What a submitted form holds before parsing: strings, or lists of strings for multiple choice. */
export type RawValues = Record<string, string | string[]>;
export type FieldErrors = Record<string, string>;

/** One field of a form, declared by its workflow; the kernel checks kind, required and limits for every form. */
export interface FieldSpec {
  name: string;
  kind: FieldKind;
  label: MessageKey;
  /** Words someone typed (a custom survey's question), shown as the label instead of `label`. */
  text?: string;
  hint?: MessageKey;
  placeholder?: MessageKey;
  required?: boolean;
  /** Characters for text kinds (per line with `lines`), the largest value for numbers. */
  max?: number;
  min?: number;
  /** Long text read as one item per line: at most this many items. */
  lines?: number;
  choices?: ReadonlyArray<{ value: string; label: MessageKey; text?: string }>;
  /** Choices known only when the form opens (people): the sealed form argument of this name, JSON `[[value, label], …]`. */
  choicesFrom?: string;
}

/**
 * A form: its fields and how their checked values become the command's input. The submission is the
 * command `verb`; its title and submit label are catalog keys.
 */
export interface FormSpec<V = unknown> {
  name: string;
  verb: string;
  title: MessageKey;
  submit: MessageKey;
  intro?: MessageKey;
  /** The command that opens this form (a button for places a form cannot open by itself). */
  opener?: string;
  fields: readonly FieldSpec[];
  /** A form whose fields are known only from stored data: the whole form for its sealed arguments (undefined: gone). */
  resolve?(args: Record<string, string>, deps: CoreDeps): Promise<FormSpec<V> | undefined>;
  /** The checked values as the command's input, or more field errors (cross-field rules, domain rules). */
  toInput(values: CheckedValues, words: Words): { ok: true; value: V } | { ok: false; errors: FieldErrors };
}

/** Values after the kernel's checks: trimmed text, lists split, numbers parsed, instants resolved. */
export type CheckedValues = Record<string, string | string[] | number | undefined>;

/** Strips list markers ("- ", "* ", "• ") only when a space follows: "-20% time" is text, not a list item. */
export const listLines = (value: string): string[] =>
  value
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*[-*•]\s+/, "").trim())
    .filter(Boolean);

const isZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** A calendar date as YYYY-MM-DD that exists (no 2027-02-30). */
const isDate = (text: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const at = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === text;
};

const asText = (value: string | string[] | undefined) => clean(Array.isArray(value) ? value.join(",") : (value ?? "")).trim();
const asList = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value : (value ?? "").split(",")).map((v) => clean(v).trim()).filter(Boolean);

/** A field's choices as values and labels: declared (catalog keys), or sealed with the form when it opened (plain words). */
function choicesOf(field: FieldSpec, args: Record<string, string>, words: Words): Array<{ value: string; label: string }> {
  if (!field.choicesFrom) return (field.choices ?? []).map((c) => ({ value: c.value, label: c.text ?? words.plain(c.label) }));
  try {
    const pairs = JSON.parse(args[field.choicesFrom] ?? "[]") as unknown;
    return Array.isArray(pairs) ? pairs.filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === "string" && typeof p[1] === "string").map(([value, label]) => ({ value, label })) : [];
  } catch {
    return [];
  }
}

/** Checks every field by its kind; never shortens anything: too long is an error, shown with the limit. */
export function checkFields(spec: FormSpec, raw: RawValues, words: Words, args: Record<string, string> = {}): { values: CheckedValues; errors: FieldErrors } {
  const values: CheckedValues = {};
  const errors: FieldErrors = {};
  for (const field of spec.fields) {
    const error = (key: MessageKey, params: Record<string, string | number> = {}) => (errors[field.name] = words.plain(key, params));
    if (field.kind === "multiChoice") {
      const chosen = [...new Set(asList(raw[field.name]))];
      const choices = choicesOf(field, args, words);
      const allowed = new Set(choices.map((c) => c.value));
      const unknown = chosen.find((c) => !allowed.has(c));
      if (unknown) error("form.error.unknownChoice", { value: unknown.slice(0, 40) });
      else if (field.required && chosen.length === 0) error("form.error.chooseOne");
      else if (field.max !== undefined && chosen.length > field.max) error("form.error.tooManyChoices", { max: field.max });
      values[field.name] = choices.map((c) => c.value).filter((v) => chosen.includes(v));
      continue;
    }
    // A date-time arrives as one value, or as its date, time and zone parts (Teams and Slack inputs).
    const text = field.kind === "dateTime" && raw[`${field.name}.date`] !== undefined ? asText(raw[`${field.name}.date`]) : asText(raw[field.name]);
    if (!text) {
      if (field.required) error("form.error.required");
      values[field.name] = field.lines ? [] : undefined;
      continue;
    }
    switch (field.kind) {
      case "shortText":
      case "longText": {
        if (field.lines) {
          const items = listLines(text);
          if (items.length > field.lines) error("form.error.tooManyLines", { max: field.lines });
          else if (field.max !== undefined && items.some((i) => i.length > field.max!)) error("form.error.lineTooLong", { max: field.max });
          values[field.name] = items;
        } else {
          if (field.max !== undefined && text.length > field.max) error("form.error.tooLong", { max: field.max, length: text.length });
          values[field.name] = text;
        }
        break;
      }
      case "number": {
        const n = Number(text);
        if (!Number.isFinite(n)) error("form.error.number");
        else if (field.min !== undefined && n < field.min) error("form.error.atLeast", { min: field.min });
        else if (field.max !== undefined && n > field.max) error("form.error.atMost", { max: field.max });
        values[field.name] = n;
        break;
      }
      case "choice": {
        if (!(field.choices ?? []).some((c) => c.value === text)) error("form.error.unknownChoice", { value: text.slice(0, 40) });
        values[field.name] = text;
        break;
      }
      case "date":
        if (!isDate(text)) error("form.error.date");
        values[field.name] = text;
        break;
      case "time":
        if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(text.slice(0, 5))) error("form.error.time");
        values[field.name] = text.slice(0, 5);
        break;
      case "dateTime": {
        const date = asText(raw[`${field.name}.date`] ?? text.slice(0, 10));
        const time = asText(raw[`${field.name}.time`] ?? text.slice(11, 16)).slice(0, 5);
        const zone = asText(raw[`${field.name}.zone`]) || words.reader.timezone || "UTC";
        if (!isDate(date) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) error("form.error.dateTime");
        else if (!isZone(zone)) error("form.error.zone", { zone: zone.slice(0, 64) });
        values[field.name] = `${date}T${time}`;
        values[`${field.name}.zone`] = zone;
        break;
      }
      case "url": {
        let ok = false;
        try {
          ok = ["http:", "https:"].includes(new URL(text).protocol);
        } catch {
          ok = false;
        }
        if (!ok) error("form.error.url");
        else if (field.max !== undefined && text.length > field.max) error("form.error.tooLong", { max: field.max, length: text.length });
        values[field.name] = text;
        break;
      }
      case "person":
        values[field.name] = text;
        break;
    }
  }
  return { values, errors };
}

/** The form's fields for one reader: labels, hints (with the limit), values and errors. */
export function fieldsFor(spec: FormSpec, values: RawValues, errors: FieldErrors, words: Words, args: Record<string, string> = {}): FormField[] {
  return spec.fields.map((field) => {
    const limit = field.lines
      ? words.plain("form.hint.lines", { lines: field.lines, max: field.max ?? 0 })
      : field.max !== undefined && (field.kind === "shortText" || field.kind === "longText")
        ? words.plain("form.hint.max", { max: field.max })
        : "";
    const hint = [field.hint ? words.plain(field.hint) : "", limit].filter(Boolean).join(" ");
    const value = values[field.name];
    return {
      name: field.name,
      kind: field.kind,
      label: field.text ?? words.plain(field.label),
      hint,
      placeholder: field.placeholder ? words.plain(field.placeholder) : "",
      required: field.required ?? false,
      // A line-per-item field holds every item at full length plus its line break.
      max: field.lines && field.max ? field.lines * (field.max + 1) : field.max,
      min: field.min,
      choices: choicesOf(field, args, words),
      value: field.kind === "multiChoice" ? asList(value) : Array.isArray(value) ? value.join("\n") : (value ?? ""),
      zone: field.kind === "dateTime" ? asText(values[`${field.name}.zone`]) || words.reader.timezone || "UTC" : "",
      error: errors[field.name] ?? "",
    };
  });
}
