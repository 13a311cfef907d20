import type { Workflow } from "../../kernel/workflow.js";
import { listEvents, openSchedule, rsvp, submitSchedule } from "./commands.js";
import { eventForm } from "./eventForm.js";
import { announcementPresenter, answeredPresenter, listPresenter, reminderPresenter } from "./presenters.js";
import { reminderJob } from "./reminders.js";
import { openCancel, openEdit, submitCancel, submitEdit } from "./manage.js";
import { cancelOccurrenceForm, cancelSeriesForm, editOccurrenceForm, editSeriesForm } from "./manageForms.js";
import { cancelAboutPresenter, cancelledPresenter, changedPresenter, scheduledPresenter } from "./managePresenters.js";

/** Events: scheduled by stewards, announced in every linked space, answered, reminded, listed. */
export const eventsWorkflow: Workflow = {
  name: "events",
  commands: [openSchedule, submitSchedule, rsvp, listEvents, openEdit, submitEdit, openCancel, submitCancel],
  presenters: [announcementPresenter, reminderPresenter, listPresenter, answeredPresenter, scheduledPresenter, changedPresenter, cancelledPresenter, cancelAboutPresenter],
  forms: [eventForm, editSeriesForm, editOccurrenceForm, cancelSeriesForm, cancelOccurrenceForm],
  jobs: [reminderJob],
};
