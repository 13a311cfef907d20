import type { Workflow } from "../../kernel/workflow.js";
import { buddyEvents } from "./buddies.js";
import { matchingAcrossOrganisations, matchingAcrossPlatforms, matchingBuddies, matchingOff, matchingOn, openSettings, saveSettings, showMatching } from "./commands.js";
import { settingsForm } from "./settingsForm.js";
import { answerMet, optIn, optOut, snooze } from "./memberCommands.js";
import { checkInPresenter, introPresenter, statusPresenter } from "./presenters.js";
import { checkInJob, roundJob } from "./rounds.js";

/** Peer matching: recurring rounds of small groups of opted-in members, newcomer buddies, and "did you meet?". */
export const matchingWorkflow: Workflow = {
  name: "matching",
  commands: [showMatching, matchingOn, matchingOff, matchingBuddies, matchingAcrossOrganisations, matchingAcrossPlatforms, openSettings, saveSettings, optIn, optOut, snooze, answerMet],
  presenters: [statusPresenter, introPresenter, checkInPresenter],
  forms: [settingsForm],
  jobs: [roundJob, checkInJob],
  events: buddyEvents,
};
