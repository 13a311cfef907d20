import { LIMITS, PURPOSES, Purpose, type Charter } from "./domain.js";
import type { CharterField, CharterForm } from "./commands.js";
import { t } from "./i18n/index.js";

export type FieldErrors = Partial<Record<CharterField, string>>;
export type CharterParse = { ok: true; charter: Charter } | { ok: false; errors: FieldErrors };

const lines = (value: string) =>
  value
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*[-*•]\s*/, "").trim())
    .filter(Boolean);

/** Turns what a person typed into a Charter, or says per field what to fix (in their language). */
export function parseCharterForm(form: CharterForm, locale: string): CharterParse {
  const errors: FieldErrors = {};
  const required = (field: "name" | "domain" | "audience", max: number) => {
    const value = form[field].trim();
    if (!value) errors[field] = t(locale, "error.required");
    else if (value.length > max) errors[field] = t(locale, "error.tooLong", { max });
    return value;
  };
  const optional = (field: "participation" | "contribution" | "conflictResolution") => {
    const value = form[field].trim();
    if (value.length > LIMITS.longText) errors[field] = t(locale, "error.tooLong", { max: LIMITS.longText });
    return value;
  };
  const list = (field: "goals" | "outcomes") => {
    const items = lines(form[field]);
    if (items.length > LIMITS.listItems) errors[field] = t(locale, "error.tooMany", { max: LIMITS.listItems });
    else if (items.some((item) => item.length > LIMITS.shortText))
      errors[field] = t(locale, "error.tooLong", { max: LIMITS.shortText });
    return items;
  };

  const name = required("name", LIMITS.name);
  const domain = required("domain", LIMITS.shortText);
  const audience = required("audience", LIMITS.shortText);
  const purposes: Purpose[] = [];
  for (const raw of form.purposes.flatMap((p) => p.split(",")).map((p) => p.trim()).filter(Boolean)) {
    const parsed = Purpose.safeParse(raw);
    if (!parsed.success) errors.purposes = t(locale, "error.unknownPurpose", { value: raw.slice(0, 40) });
    else if (!purposes.includes(parsed.data)) purposes.push(parsed.data);
  }
  if (purposes.length === 0 && !errors.purposes) errors.purposes = t(locale, "error.purposes");
  const goals = list("goals");
  const outcomes = list("outcomes");
  const guidelines = {
    participation: optional("participation"),
    contribution: optional("contribution"),
    conflictResolution: optional("conflictResolution"),
  };

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // Keep the declared order of purposes so every rendering lists them the same way.
  const ordered = PURPOSES.filter((p) => purposes.includes(p));
  return { ok: true, charter: { name, domain, audience, purposes: ordered, goals, outcomes, guidelines } };
}

/** The form pre-filled from a stored charter, for editing. */
export function charterToForm(charter: Charter): CharterForm {
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

export const EMPTY_CHARTER_FORM: CharterForm = {
  name: "",
  domain: "",
  audience: "",
  purposes: [],
  goals: "",
  outcomes: "",
  participation: "",
  contribution: "",
  conflictResolution: "",
};
