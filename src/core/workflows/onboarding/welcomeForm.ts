import type { FormSpec } from "../../kernel/forms.js";
import { WELCOME_MAX } from "./ports.js";

/** The stewards' words to newcomers (the rest of the welcome comes from the charter and the calendar). */
export const welcomeForm: FormSpec<{ text: string }> = {
  name: "onboarding.welcome.form",
  verb: "onboarding.welcome.save",
  title: "onboarding.welcomeForm.title",
  submit: "action.save",
  intro: "onboarding.welcomeForm.intro",
  opener: "onboarding.welcome.edit",
  fields: [{ name: "text", kind: "longText", label: "onboarding.field.welcome", max: WELCOME_MAX }],
  toInput: (values) => ({ ok: true, value: { text: String(values.text ?? "") } }),
};
