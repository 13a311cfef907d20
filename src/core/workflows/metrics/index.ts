import type { Workflow } from "../../kernel/workflow.js";
import { metricsEvents, refreshJob } from "./activity.js";
import { showMetrics } from "./commands.js";
import { metricsPresenter } from "./presenters.js";
import { downloadCsv, downloadMarkdown, showReport } from "./reportCommands.js";
import { reportPresenter } from "./reportPresenter.js";

/** Metrics and the sponsor report: per-period figures kept current from raw rows, and the report with its downloads. */
export const metricsWorkflow: Workflow = {
  name: "metrics",
  commands: [showMetrics, showReport, downloadMarkdown, downloadCsv],
  presenters: [metricsPresenter, reportPresenter],
  jobs: [refreshJob],
  events: metricsEvents,
};
