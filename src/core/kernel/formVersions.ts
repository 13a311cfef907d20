import { createHash } from "node:crypto";
import type { MessageKey } from "../i18n/index.js";
import { checkFields, type FormSpec, type RawValues } from "./forms.js";
import type { Words } from "./words.js";

/** Where a form's field fingerprints go in its sealed arguments. */
export const FINGERPRINT = "fp.";

/**
 * A short fingerprint of each field's value as the form was opened, sealed with it: on a stale submission
 * the fields someone else changed since can be told from those the person changed themselves.
 */
export function fingerprints(spec: FormSpec, values: RawValues, words: Words): Record<string, string> {
  // Checked values, so "a,b" from one client and ["a","b"] from another, or a trailing space, count as the same.
  const checked = checkFields(spec, values, words).values;
  return Object.fromEntries(
    spec.fields.map((f) => [`${FINGERPRINT}${f.name}`, createHash("sha256").update(JSON.stringify(checked[f.name] ?? "")).digest("base64url").slice(0, 12)]),
  );
}

/**
 * A form submitted after someone else saved: which fields they changed since it was opened, and the values
 * to show again — theirs where only they changed a field, the person's own wherever the person changed it.
 */
export function mergeStale(spec: FormSpec, opened: Record<string, string>, current: RawValues, submitted: RawValues, words: Words): { changed: string[]; values: RawValues } {
  const now = fingerprints(spec, current, words);
  const mine = fingerprints(spec, submitted, words);
  const key = (name: string) => `${FINGERPRINT}${name}`;
  const changed = spec.fields.filter((f) => opened[key(f.name)] !== now[key(f.name)]).map((f) => f.name);
  const values: RawValues = { ...submitted };
  for (const name of changed) if (mine[key(name)] === opened[key(name)]) values[name] = current[name] ?? "";
  return { changed, values };
}

/** A stored value as a person reads it: choices by their labels, lists joined. */
export function shownValue(value: string | string[] | undefined, choices: ReadonlyArray<{ value: string; label: MessageKey }> | undefined, words: Words): string {
  if (!Array.isArray(value)) return value ?? "";
  return words.and(value.map((v) => {
    const choice = choices?.find((c) => c.value === v);
    return choice ? words.plain(choice.label) : v;
  }));
}
