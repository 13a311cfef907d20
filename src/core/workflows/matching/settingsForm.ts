import type { RawValues } from "../../kernel/forms.js";
import type { FormSpec } from "../../kernel/forms.js";
import { MAX_SIZE, MIN_SIZE, type MatchingSettings } from "./model.js";

/** What the steward sets in one go: the form's input, and what the one-line commands change piece by piece. */
export type SettingsChoice = Pick<MatchingSettings, "on" | "cadenceWeeks" | "size" | "crossOrganisation" | "crossPlatform" | "buddies">;

const onOff = [
  { value: "on", label: "matching.field.on" },
  { value: "off", label: "matching.field.off" },
] as const;

export const SETTINGS_FORM = "matching.settings";

/** Peer matching's settings as a form (Teams card, Slack modal), for stewards who prefer it to the one-line commands. */
export const settingsForm: FormSpec<SettingsChoice> = {
  name: SETTINGS_FORM,
  verb: "matching.settings.save",
  title: "matching.form.title",
  submit: "matching.form.save",
  intro: "matching.form.intro",
  opener: "matching.settings.open",
  fields: [
    { name: "on", kind: "choice", label: "matching.field.rounds", required: true, choices: onOff },
    {
      name: "cadence",
      kind: "choice",
      label: "matching.field.cadence",
      required: true,
      choices: [
        { value: "1", label: "matching.field.cadence.1" },
        { value: "2", label: "matching.field.cadence.2" },
        { value: "4", label: "matching.field.cadence.4" },
      ],
    },
    { name: "size", kind: "number", label: "matching.field.size", hint: "matching.field.size.hint", required: true, min: MIN_SIZE, max: MAX_SIZE },
    { name: "crossOrganisation", kind: "choice", label: "matching.field.crossOrganisation", required: true, choices: onOff },
    { name: "crossPlatform", kind: "choice", label: "matching.field.crossPlatform", required: true, choices: onOff },
    { name: "buddies", kind: "choice", label: "matching.field.buddies", required: true, choices: onOff },
  ],
  toInput(values) {
    const size = typeof values.size === "number" ? values.size : Number(values.size);
    const cadence = Number(values.cadence);
    return {
      ok: true,
      value: {
        on: values.on === "on",
        cadenceWeeks: cadence === 1 || cadence === 4 ? cadence : 2,
        size,
        crossOrganisation: values.crossOrganisation === "on",
        crossPlatform: values.crossPlatform === "on",
        buddies: values.buddies === "on",
      },
    };
  },
};

const word = (on: boolean) => (on ? "on" : "off");

/** The form's fields holding the settings as they are. */
export const settingsValues = (s: SettingsChoice): RawValues => ({
  on: word(s.on),
  cadence: String(s.cadenceWeeks),
  size: String(s.size),
  crossOrganisation: word(s.crossOrganisation),
  crossPlatform: word(s.crossPlatform),
  buddies: word(s.buddies),
});
