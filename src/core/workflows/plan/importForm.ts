import type { FieldErrors, FormSpec } from "../../kernel/forms.js";
import type { Words } from "../../kernel/words.js";
import { PLAN_LIMITS, type PlanFile } from "./model.js";
import { parsePlan } from "./parse.js";
import { isZone } from "./placement.js";
import { builtInPlan } from "./template.js";

export const IMPORT_FORM = "plan.import";
export const IMPORT_VERB = "plan.import.submit";

/** A plan checked as a whole: the file (or the built-in one), from which day, in which zone. */
export interface ImportInput {
  builtIn: boolean;
  plan: PlanFile;
  start: string;
  zone: string;
}

/** The start as a day: the form's date, or the file's `start` (a month begins on its 1st). */
const startOf = (typed: unknown, plan: PlanFile) => (typeof typed === "string" && typed ? typed : plan.start ? (plan.start.length === 7 ? `${plan.start}-01` : plan.start) : undefined);

export const importForm: FormSpec<ImportInput> = {
  name: IMPORT_FORM,
  verb: IMPORT_VERB,
  title: "plan.form.title",
  submit: "plan.form.preview",
  intro: "plan.form.intro",
  opener: "plan.import.open",
  fields: [
    {
      name: "source",
      kind: "choice",
      label: "plan.field.source",
      required: true,
      choices: [
        { value: "builtIn", label: "plan.field.source.builtIn" },
        { value: "file", label: "plan.field.source.file" },
      ],
    },
    { name: "file", kind: "longText", label: "plan.field.file", hint: "plan.field.file.hint", max: PLAN_LIMITS.file },
    { name: "start", kind: "date", label: "plan.field.start", hint: "plan.field.start.hint" },
    { name: "zone", kind: "shortText", label: "plan.field.zone", hint: "plan.field.zone.hint", max: 64 },
  ],
  toInput(values, words: Words) {
    const errors: FieldErrors = {};
    const builtIn = values.source !== "file";
    let plan: PlanFile | undefined;
    if (builtIn) plan = builtInPlan();
    else if (typeof values.file !== "string" || !values.file) errors.file = words.plain("plan.error.fileMissing");
    else {
      const parsed = parsePlan(values.file);
      if (parsed.ok) plan = parsed.plan;
      else {
        const lines = parsed.errors.map((e) => words.plain("plan.error.line", { line: e.line, field: e.field, message: e.message }));
        errors.file = words.plain("plan.error.file", { count: lines.length, errors: lines.join("; ") });
      }
    }
    const zone = (typeof values.zone === "string" && values.zone) || plan?.zone || words.reader.timezone || "UTC";
    if (!isZone(zone)) errors.zone = words.plain("plan.error.zone", { zone: zone.slice(0, 64) });
    const start = plan ? startOf(values.start, plan) : undefined;
    if (plan && !start) errors.start = words.plain("plan.error.startMissing");
    if (!plan || !start || Object.keys(errors).length) return { ok: false, errors };
    return { ok: true, value: { builtIn, plan, start, zone } };
  },
};
