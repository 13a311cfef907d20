import type { Workflow } from "../../kernel/workflow.js";
import { openDraft, submitDraft } from "./commands.js";
import { notesForm } from "./notesForm.js";

/**
 * Follow-ups drafted from a steward's notes by a language model. Registered only when one is configured
 * (`deps.drafts`): without it there is no command, no help line and no button.
 */
export const draftsWorkflow: Workflow = {
  name: "drafts",
  commands: [openDraft, submitDraft],
  presenters: [],
  forms: [notesForm],
};
