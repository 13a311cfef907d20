import { noticePresenter } from "../kernel/notice.js";
import { progressPresenter } from "../kernel/progress.js";
import { Registry } from "../kernel/registry.js";
import type { Workflow } from "../kernel/workflow.js";
import { communityWorkflow } from "./community/index.js";
import { eventsWorkflow } from "./events/index.js";
import { helpWorkflow } from "./help/index.js";
import { linkingWorkflow } from "./linking/index.js";
import { surveysWorkflow } from "./surveys/index.js";
import { onboardingWorkflow } from "./onboarding/index.js";
import { recognitionWorkflow } from "./recognition/index.js";
import { planWorkflow } from "./plan/index.js";
import { knowledgeWorkflow } from "./knowledge/index.js";
import { matchingWorkflow } from "./matching/index.js";
import { summariesWorkflow } from "./summaries/index.js";
import { draftsWorkflow } from "./drafts/index.js";
import type { CoreDeps } from "../ports.js";
import { metricsWorkflow } from "./metrics/index.js";

/** Presenters every workflow uses: a one-line notice, and a fan-out's progress. */
const kernelWorkflow: Workflow = { name: "kernel", commands: [], presenters: [noticePresenter, progressPresenter] };

/** Every workflow the app runs: adding one is a folder under workflows/ and a line here. */
export const WORKFLOWS: readonly Workflow[] = [kernelWorkflow, helpWorkflow, communityWorkflow, linkingWorkflow, eventsWorkflow, surveysWorkflow, onboardingWorkflow, recognitionWorkflow, knowledgeWorkflow, matchingWorkflow, summariesWorkflow, planWorkflow, metricsWorkflow];

/** Every workflow, with those whose service is configured (absent otherwise, never faked): drafts need `deps.drafts`. */
export const workflowsFor = (deps: Pick<CoreDeps, "drafts">): readonly Workflow[] => [...WORKFLOWS, ...(deps.drafts ? [draftsWorkflow] : [])];

export const createRegistry = (workflows: readonly Workflow[] = WORKFLOWS): Registry => new Registry(workflows);
