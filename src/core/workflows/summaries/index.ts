import type { Workflow } from "../../kernel/workflow.js";
import { digestOff, digestOn, setDigest, showDigest } from "./commands.js";
import { digestJob } from "./digest.js";
import { digestPresenter, digestStatusPresenter, storiesPresenter, storyOutcomePresenter, storyReviewPresenter } from "./presenters.js";
import { decideStory, listStories, openStory, submitStory } from "./stories.js";
import { storyForm } from "./storyForm.js";

/** Summaries: the recurring digest of what happened, and members' success stories and reflections approved by stewards. */
export const summariesWorkflow: Workflow = {
  name: "summaries",
  commands: [showDigest, setDigest, digestOn, digestOff, openStory, submitStory, listStories, decideStory],
  presenters: [digestPresenter, digestStatusPresenter, storyReviewPresenter, storiesPresenter, storyOutcomePresenter],
  forms: [storyForm],
  jobs: [digestJob],
};

export { setDigestSchedule } from "./schedule.js";
