import { LIMITS, Profile } from "../../domain.js";
import type { CheckedValues, FieldSpec, FormSpec, RawValues } from "../../kernel/forms.js";
import type { Words } from "../../kernel/words.js";

/** What the profile form gives: the profile, and whether to post it as an introduction. */
export interface ProfileInput {
  profile: Profile;
  introduce: boolean;
}

const YES_NO = [
  { value: "yes", label: "onboarding.choice.yes" },
  { value: "no", label: "onboarding.choice.no" },
] as const;

const FIELDS: readonly FieldSpec[] = [
  { name: "organisation", kind: "shortText", label: "onboarding.field.organisation", max: LIMITS.shortText },
  { name: "role", kind: "shortText", label: "onboarding.field.role", max: LIMITS.shortText },
  { name: "expertise", kind: "longText", label: "onboarding.field.expertise", lines: LIMITS.listItems, max: LIMITS.shortText },
  { name: "interests", kind: "longText", label: "onboarding.field.interests", lines: LIMITS.listItems, max: LIMITS.shortText },
  { name: "offers", kind: "longText", label: "onboarding.field.offers", max: LIMITS.longText },
  { name: "wantsToLearn", kind: "longText", label: "onboarding.field.wantsToLearn", max: LIMITS.longText },
  { name: "timezone", kind: "shortText", label: "onboarding.field.timezone", hint: "onboarding.field.timezone.hint", max: 64 },
  { name: "visible", kind: "choice", label: "onboarding.field.visible", required: true, choices: YES_NO },
  { name: "introduce", kind: "choice", label: "onboarding.field.introduce", required: true, choices: YES_NO },
];

/** A time zone the runtime knows by its IANA name (an offset or abbreviation is not one). */
export function isIanaZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function toProfile(values: CheckedValues, words: Words): { ok: true; value: ProfileInput } | { ok: false; errors: Record<string, string> } {
  const text = (name: string) => String(values[name] ?? "");
  const list = (name: string) => (Array.isArray(values[name]) ? (values[name] as string[]) : []);
  const timezone = text("timezone");
  if (timezone && !isIanaZone(timezone)) return { ok: false, errors: { timezone: words.plain("onboarding.error.timezone", { zone: timezone.slice(0, 64) }) } };
  const visible = text("visible") === "yes";
  const introduce = text("introduce") === "yes";
  if (introduce && !visible) return { ok: false, errors: { introduce: words.plain("onboarding.error.introduceHidden") } };
  const profile = Profile.parse({
    organisation: text("organisation"),
    role: text("role"),
    expertise: list("expertise"),
    interests: list("interests"),
    offers: text("offers"),
    wantsToLearn: text("wantsToLearn"),
    timezone,
    visible,
  });
  return { ok: true, value: { profile, introduce } };
}

export const profileForm: FormSpec<ProfileInput> = {
  name: "onboarding.profile.form",
  verb: "onboarding.profile.save",
  title: "onboarding.profileForm.title",
  submit: "action.save",
  intro: "onboarding.profileForm.intro",
  opener: "onboarding.profile.open",
  fields: FIELDS,
  toInput: toProfile,
};

/** A stored profile as the form's values (a new one starts with the zone the platform reported). */
export function profileValues(profile: Profile, zone: string | undefined): RawValues {
  return {
    organisation: profile.organisation,
    role: profile.role,
    expertise: profile.expertise.join("\n"),
    interests: profile.interests.join("\n"),
    offers: profile.offers,
    wantsToLearn: profile.wantsToLearn,
    timezone: profile.timezone || zone || "",
    visible: profile.visible ? "yes" : "no",
    introduce: "no",
  };
}
