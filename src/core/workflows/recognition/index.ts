import type { Workflow } from "../../kernel/workflow.js";
import { giveKudos, listKudos, recognitionEvents, setMilestones } from "./commands.js";
import { milestonesJob } from "./milestones.js";
import { kudosDmPresenter, kudosListPresenter, kudosPresenter, milestoneDmPresenter, milestonePresenter } from "./presenters.js";

/** Recognition: kudos between members, and milestones celebrated once each, in every linked space. */
export const recognitionWorkflow: Workflow = {
  name: "recognition",
  commands: [giveKudos, listKudos, setMilestones],
  presenters: [kudosPresenter, kudosDmPresenter, kudosListPresenter, milestonePresenter, milestoneDmPresenter],
  jobs: [milestonesJob],
  events: recognitionEvents,
};
