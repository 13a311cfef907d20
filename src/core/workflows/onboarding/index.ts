import type { Workflow } from "../../kernel/workflow.js";
import { listMembers, whoKnows } from "./directory.js";
import { openProfile, saveProfile, showProfile } from "./profile.js";
import { profileForm } from "./profileForm.js";
import { introPresenter, membersPresenter, profilePresenter, profilePromptPresenter, welcomePresenter, whoKnowsPresenter } from "./presenters.js";
import { editWelcome, previewWelcome, saveWelcome, welcomeCheck, welcomeEvents } from "./welcome.js";
import { welcomeForm } from "./welcomeForm.js";

/** Onboarding: a welcome for each newcomer, intro profiles, the roster and the expertise finder. */
export const onboardingWorkflow: Workflow = {
  name: "onboarding",
  // `profile` opens one's own form; `profile @person` / `profile NAME` shows someone's (the same first word).
  commands: [openProfile, showProfile, saveProfile, listMembers, whoKnows, previewWelcome, editWelcome, saveWelcome],
  presenters: [welcomePresenter, profilePromptPresenter, profilePresenter, introPresenter, membersPresenter, whoKnowsPresenter],
  forms: [profileForm, welcomeForm],
  jobs: [welcomeCheck],
  events: welcomeEvents,
};
