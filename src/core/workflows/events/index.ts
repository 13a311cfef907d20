import type { Workflow } from "../../kernel/workflow.js";
import { listEvents, openSchedule, rsvp, submitSchedule } from "./commands.js";
import { mineHome, minePresenter, myEvents } from "./mine.js";
import { calendarFile, calendarRoute } from "./calendar.js";
import { eventForm } from "./eventForm.js";
import { announcementPresenter, answeredPresenter, listPresenter, reminderPresenter } from "./presenters.js";
import { reminderJob } from "./reminders.js";
import { announcementSource } from "./announcementCopies.js";
import { muteReminders, setReminders, unmuteReminders } from "./beforeCommands.js";
import { guidePresenter, personalReminderPresenter } from "./beforePresenters.js";
import { afterJob, confirmAttendance, openAttendance, openFollowUp, postFollowUp } from "./after.js";
import { attendanceCountForm, attendanceForm, followUpForm } from "./afterForms.js";
import { askPresenter, attendanceSavedPresenter, followUpPostedPresenter, followUpPresenter } from "./afterPresenters.js";
import { listPast, showEvent } from "./show.js";
import { eventPresenter, pastPresenter } from "./showPresenters.js";
import { openCancel, openEdit, submitCancel, submitEdit } from "./manage.js";
import { cancelOccurrenceForm, cancelSeriesForm, editOccurrenceForm, editSeriesForm } from "./manageForms.js";
import { cancelAboutPresenter, cancelledPresenter, changedPresenter, scheduledPresenter } from "./managePresenters.js";

/** Events: scheduled by stewards, announced in every linked space, answered, reminded, listed. */
export const eventsWorkflow: Workflow = {
  name: "events",
  // `event ID` is listed before `event …` (scheduling): the same first word, tried in this order.
  commands: [
    showEvent, listPast, openAttendance, confirmAttendance, openFollowUp, postFollowUp, openSchedule, submitSchedule, rsvp, listEvents,
    openEdit, submitEdit, openCancel, submitCancel, setReminders, muteReminders, unmuteReminders, myEvents, calendarFile,
  ],
  presenters: [
    announcementPresenter, reminderPresenter, listPresenter, answeredPresenter, guidePresenter, personalReminderPresenter, minePresenter,
    askPresenter, followUpPresenter, attendanceSavedPresenter, followUpPostedPresenter, eventPresenter, pastPresenter,
    scheduledPresenter, changedPresenter, cancelledPresenter, cancelAboutPresenter,
  ],
  forms: [eventForm, attendanceForm, attendanceCountForm, followUpForm, editSeriesForm, editOccurrenceForm, cancelSeriesForm, cancelOccurrenceForm],
  jobs: [reminderJob, afterJob],
  events: { home: mineHome },
  routes: [calendarRoute],
  copySources: [announcementSource],
};
