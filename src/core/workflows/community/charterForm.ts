import { LIMITS, PURPOSES, type Charter } from "../../domain.js";
import type { CheckedValues, FieldSpec, FormSpec, RawValues } from "../../kernel/forms.js";

const FIELDS: readonly FieldSpec[] = [
  { name: "name", kind: "shortText", label: "field.name", placeholder: "field.name.placeholder", required: true, max: LIMITS.name },
  { name: "domain", kind: "shortText", label: "field.domain", placeholder: "field.domain.placeholder", required: true, max: LIMITS.shortText },
  { name: "audience", kind: "shortText", label: "field.audience", placeholder: "field.audience.placeholder", required: true, max: LIMITS.shortText },
  { name: "purposes", kind: "multiChoice", label: "field.purposes", required: true, choices: PURPOSES.map((p) => ({ value: p, label: `purpose.${p}` as const })) },
  { name: "goals", kind: "longText", label: "field.goals", lines: LIMITS.listItems, max: LIMITS.shortText },
  { name: "outcomes", kind: "longText", label: "field.outcomes", lines: LIMITS.listItems, max: LIMITS.shortText },
  { name: "participation", kind: "longText", label: "field.participation", max: LIMITS.longText },
  { name: "contribution", kind: "longText", label: "field.contribution", max: LIMITS.longText },
  { name: "conflictResolution", kind: "longText", label: "field.conflictResolution", max: LIMITS.longText },
];

/** The checked fields as a charter (the kernel has checked every kind, requirement and limit). */
function toCharter(values: CheckedValues): { ok: true; value: Charter } {
  const text = (name: string) => String(values[name] ?? "");
  const list = (name: string) => (Array.isArray(values[name]) ? (values[name] as string[]) : []);
  return {
    ok: true,
    value: {
      name: text("name"),
      domain: text("domain"),
      audience: text("audience"),
      purposes: list("purposes") as Charter["purposes"],
      goals: list("goals"),
      outcomes: list("outcomes"),
      guidelines: { participation: text("participation"), contribution: text("contribution"), conflictResolution: text("conflictResolution") },
    },
  };
}

export const setupForm: FormSpec<Charter> = {
  name: "community.setup",
  verb: "community.setup",
  title: "form.create.title",
  submit: "action.create",
  intro: "form.intro",
  opener: "community.setup.open",
  fields: FIELDS,
  toInput: toCharter,
};

export const charterForm: FormSpec<Charter> = {
  name: "community.charter",
  verb: "community.charter.update",
  title: "form.edit.title",
  submit: "action.save",
  opener: "community.charter.edit",
  fields: FIELDS,
  toInput: toCharter,
};

/** A stored charter as the form's values, for editing. */
export function charterValues(charter: Charter): RawValues {
  return {
    name: charter.name,
    domain: charter.domain,
    audience: charter.audience,
    purposes: [...charter.purposes],
    goals: charter.goals.join("\n"),
    outcomes: charter.outcomes.join("\n"),
    participation: charter.guidelines.participation,
    contribution: charter.guidelines.contribution,
    conflictResolution: charter.guidelines.conflictResolution,
  };
}
