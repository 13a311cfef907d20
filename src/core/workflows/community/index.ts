import type { Workflow } from "../../kernel/workflow.js";
import { charterForm, setupForm } from "./charterForm.js";
import { assignRole, editCharter, join, leave, openSetup, setStatus, setUp, showCharter, showRoles, updateCharter } from "./commands.js";
import { charterPresenter, rolesPresenter, statusConfirmPresenter } from "./presenters.js";
import { rosterEvents, rosterImport } from "./roster.js";

/** A community: its charter, roles, lifecycle and roster. */
export const communityWorkflow: Workflow = {
  name: "community",
  commands: [openSetup, setUp, showCharter, editCharter, updateCharter, showRoles, assignRole, setStatus, join, leave],
  presenters: [charterPresenter, rolesPresenter, statusConfirmPresenter],
  forms: [setupForm, charterForm],
  jobs: [rosterImport],
  events: rosterEvents,
};
