import type { Workflow } from "../../kernel/workflow.js";
import { confirmPlan, openImport, showPlan, submitImport, undoPlan } from "./commands.js";
import { importForm } from "./importForm.js";
import { duePresenter, previewPresenter, statusPresenter } from "./presenters.js";
import { stepJob } from "./stepJob.js";

/** The programme plan: a plan file or the built-in year becomes events, surveys and steps in one confirmed, undoable step. */
export const planWorkflow: Workflow = {
  name: "plan",
  // `plan import` and `plan undo` before `plan`: the longest first words win anyway, listed as people read them.
  commands: [openImport, submitImport, confirmPlan, undoPlan, showPlan],
  presenters: [previewPresenter, statusPresenter, duePresenter],
  forms: [importForm],
  jobs: [stepJob],
};
