import type { Workflow } from "../../kernel/workflow.js";
import { closeByHand, listSurveys, openPoll, vote } from "./commands.js";
import { listPresenter, pollPresenter, resultsPresenter, votedPresenter } from "./presenters.js";

/** Surveys: quick polls (and surveys) posted in every linked space, answered in place, anonymous by default. */
export const surveysWorkflow: Workflow = {
  name: "surveys",
  commands: [openPoll, vote, closeByHand, listSurveys],
  presenters: [pollPresenter, votedPresenter, resultsPresenter, listPresenter],
};
