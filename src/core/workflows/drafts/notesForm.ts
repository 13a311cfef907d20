import type { FormSpec } from "../../kernel/forms.js";
import { NOTES_MAX } from "./model.js";

export const DRAFT_OPEN = "drafts.open";
export const DRAFT_SUBMIT = "drafts.draft";

/** The steward's notes of one occurrence (sealed with its event and date), to draft its follow-up from. */
export const notesForm: FormSpec<{ notes: string }> = {
  name: "drafts.notes",
  verb: DRAFT_SUBMIT,
  title: "drafts.form.title",
  submit: "drafts.form.submit",
  intro: "drafts.form.intro",
  opener: DRAFT_OPEN,
  fields: [{ name: "notes", kind: "longText", label: "drafts.field.notes", hint: "drafts.field.notes.hint", required: true, max: NOTES_MAX }],
  toInput: (values) => ({ ok: true, value: { notes: typeof values.notes === "string" ? values.notes : "" } }),
};
