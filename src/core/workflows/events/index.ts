import type { Workflow } from "../../kernel/workflow.js";
import { listEvents, openSchedule, rsvp, submitSchedule } from "./commands.js";
import { calendarRoute } from "./calendar.js";
import { eventForm } from "./eventForm.js";
import { announcementPresenter, answeredPresenter, listPresenter, reminderPresenter } from "./presenters.js";
import { reminderJob } from "./reminders.js";

/** Events: scheduled by stewards, announced in every linked space, answered, reminded, listed. */
export const eventsWorkflow: Workflow = {
  name: "events",
  commands: [openSchedule, submitSchedule, rsvp, listEvents],
  presenters: [announcementPresenter, reminderPresenter, listPresenter, answeredPresenter],
  forms: [eventForm],
  jobs: [reminderJob],
  routes: [calendarRoute],
};
