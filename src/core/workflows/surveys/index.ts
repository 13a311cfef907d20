import type { Workflow } from "../../kernel/workflow.js";
import { closeByHand, listSurveys, openPoll, vote } from "./commands.js";
import { announcementPresenter, answerPromptPresenter, listPresenter, pollPresenter, resultsPresenter, votedPresenter } from "./presenters.js";
import { closeJob, openAnswerForm, openSurveyForm, showResults, submitAnswer, submitSurvey } from "./surveyCommands.js";
import { surveyForm } from "./surveyForm.js";
import { invitePresenter } from "./invite.js";
import { surveyAfterEvents } from "./afterEvents.js";
import { ANSWER_FORMS } from "./templates.js";
import { customAnswerForm, customSurveyForm, openCustomForm, submitCustomSurvey } from "./customSurvey.js";
import { pollSource } from "./pollCopies.js";
import { exportSurvey } from "./exportCsv.js";
import { muteSurveyReminders, nudgeJob, nudgePresenter, remindNow, unmuteSurveyReminders } from "./nudges.js";

/** Surveys: quick polls and surveys from templates, posted in every linked space, anonymous by default. */
export const surveysWorkflow: Workflow = {
  name: "surveys",
  commands: [
    openPoll, vote, closeByHand, listSurveys, openSurveyForm, submitSurvey, openAnswerForm, submitAnswer, showResults, exportSurvey, remindNow,
    muteSurveyReminders, unmuteSurveyReminders, openCustomForm, submitCustomSurvey, surveyAfterEvents,
  ],
  presenters: [pollPresenter, votedPresenter, resultsPresenter, listPresenter, announcementPresenter, answerPromptPresenter, nudgePresenter, invitePresenter],
  forms: [surveyForm, ...ANSWER_FORMS, customSurveyForm, customAnswerForm],
  jobs: [closeJob, nudgeJob],
  copySources: [pollSource],
};
