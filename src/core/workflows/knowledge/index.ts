import type { Workflow } from "../../kernel/workflow.js";
import { removeResource, resources, share, shareSubmit } from "./commands.js";
import { duplicatePresenter, listPresenter, sharedPresenter } from "./presenters.js";
import { saveMessage } from "./saveMessage.js";
import { shareForm } from "./shareForm.js";

/** Knowledge: the community's shared library of links and saved messages, searched across linked spaces. */
export const knowledgeWorkflow: Workflow = {
  name: "knowledge",
  commands: [share, shareSubmit, resources, removeResource, saveMessage],
  presenters: [sharedPresenter, listPresenter, duplicatePresenter],
  forms: [shareForm],
};
