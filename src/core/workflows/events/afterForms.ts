import { createHash } from "node:crypto";
import type { CheckedValues, FieldSpec, FormSpec, RawValues } from "../../kernel/forms.js";
import { FOLLOW_UP_LIMITS as L, type ActionItem, type FollowUp, type FollowUpDraft } from "./afterModel.js";

/** A person as a form choice: a short stand-in for their key, so the sealed form stays small (Slack: 3,000 characters). */
export const choiceOf = (personKey: string) => createHash("sha256").update(personKey).digest("base64url").slice(0, 10);

/** What the attendance forms submit: the chosen people (as choices) and how many others came. */
export interface AttendanceInput {
  present: string[];
  others: number;
}

const OTHERS: FieldSpec = { name: "others", kind: "number", label: "events.attendance.field.others", hint: "events.attendance.field.others.hint", min: 0, max: L.others };

const attendanceInput = (values: CheckedValues): { ok: true; value: AttendanceInput } => ({
  ok: true,
  value: { present: Array.isArray(values.present) ? values.present : [], others: typeof values.others === "number" ? values.others : 0 },
});

/** Attendance, pre-filled from the answers: the people who answered (sealed with the form), and a count of others. */
export const attendanceForm: FormSpec<AttendanceInput> = {
  name: "events.attendance",
  verb: "events.attendance",
  title: "events.attendance.form.title",
  submit: "events.attendance.form.submit",
  intro: "events.attendance.form.intro",
  fields: [{ name: "present", kind: "multiChoice", label: "events.attendance.field.present", hint: "events.attendance.field.present.hint", choicesFrom: "people" }, OTHERS],
  toInput: attendanceInput,
};

/** The same, when nobody answered: only the count (a choice list may not be empty on Slack). */
export const attendanceCountForm: FormSpec<AttendanceInput> = {
  name: "events.attendance.count",
  verb: "events.attendance",
  title: "events.attendance.form.title",
  submit: "events.attendance.form.submit",
  intro: "events.attendance.form.introNoAnswers",
  fields: [{ ...OTHERS, label: "events.attendance.field.count" }],
  toInput: attendanceInput,
};

const FIELDS: readonly FieldSpec[] = [
  { name: "discussed", kind: "longText", label: "events.followUp.field.discussed", required: true, max: L.discussed },
  { name: "decisions", kind: "longText", label: "events.followUp.field.decisions", hint: "events.followUp.field.onePerLine", lines: L.decisions, max: L.line },
  { name: "actions", kind: "longText", label: "events.followUp.field.actions", hint: "events.followUp.field.actions.hint", lines: L.actions, max: L.line },
  { name: "resources", kind: "longText", label: "events.followUp.field.resources", hint: "events.followUp.field.resources.hint", lines: L.resources, max: L.url },
  { name: "recording", kind: "url", label: "events.followUp.field.recording", hint: "events.followUp.field.https", max: L.url },
  { name: "slides", kind: "url", label: "events.followUp.field.slides", hint: "events.followUp.field.https", max: L.url },
  { name: "nextSteps", kind: "longText", label: "events.followUp.field.nextSteps", max: L.nextSteps },
];

const isWebLink = (text: string) => {
  try {
    return ["http:", "https:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

/** The follow-up: what was discussed, decisions, actions with owners, links, next steps. */
export const followUpForm: FormSpec<FollowUpDraft> = {
  name: "events.followUp",
  verb: "events.followUp",
  title: "events.followUp.form.title",
  submit: "events.followUp.form.submit",
  intro: "events.followUp.form.intro",
  fields: FIELDS,
  toInput(values, words) {
    const list = (name: string) => (Array.isArray(values[name]) ? (values[name] as string[]) : []);
    const text = (name: string) => (typeof values[name] === "string" && values[name] ? (values[name] as string) : undefined);
    const errors: Record<string, string> = {};
    const actions = list("actions").map((line): ActionItem | undefined => {
      const m = /^([^:]{1,80}):\s*(.+)$/.exec(line);
      return m ? { owner: m[1]!.trim(), action: m[2]!.trim() } : undefined;
    });
    const bad = list("actions").find((_, i) => !actions[i]);
    if (bad !== undefined) errors.actions = words.plain("events.followUp.error.action", { line: bad.slice(0, 60) });
    const notLink = list("resources").find((r) => !isWebLink(r));
    if (notLink !== undefined) errors.resources = words.plain("events.followUp.error.resource", { line: notLink.slice(0, 60) });
    // The kernel's URL kind allows http: recordings and slides must be https.
    for (const name of ["recording", "slides"]) if (text(name) && !text(name)!.toLowerCase().startsWith("https://")) errors[name] = words.plain("events.error.https");
    if (Object.keys(errors).length) return { ok: false, errors };
    return {
      ok: true,
      value: {
        discussed: text("discussed") ?? "",
        decisions: list("decisions"),
        actions: actions.filter((a): a is ActionItem => a !== undefined),
        resources: list("resources"),
        recording: text("recording"),
        slides: text("slides"),
        nextSteps: text("nextSteps") ?? "",
      },
    };
  },
};

/** A stored follow-up as the form's values, to edit it. */
export function followUpValues(f: FollowUp | undefined): RawValues {
  if (!f) return {};
  return {
    discussed: f.discussed,
    decisions: f.decisions.join("\n"),
    actions: f.actions.map((a) => `${a.owner}: ${a.action}`).join("\n"),
    resources: f.resources.join("\n"),
    recording: f.recording ?? "",
    slides: f.slides ?? "",
    nextSteps: f.nextSteps,
  };
}
