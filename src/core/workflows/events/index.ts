import type { Workflow } from "../../kernel/workflow.js";
import { listEvents, openSchedule, rsvp, submitSchedule } from "./commands.js";
import { mineHome, minePresenter, myEvents } from "./mine.js";
import { eventForm } from "./eventForm.js";
import { announcementPresenter, answeredPresenter, listPresenter, reminderPresenter } from "./presenters.js";
import { reminderJob } from "./reminders.js";
import { muteReminders, setReminders, unmuteReminders } from "./beforeCommands.js";
import { guidePresenter, personalReminderPresenter } from "./beforePresenters.js";

/** Events: scheduled by stewards, announced in every linked space, answered, reminded, listed. */
export const eventsWorkflow: Workflow = {
  name: "events",
  commands: [openSchedule, submitSchedule, rsvp, listEvents, setReminders, muteReminders, unmuteReminders, myEvents],
  presenters: [announcementPresenter, reminderPresenter, listPresenter, answeredPresenter, guidePresenter, personalReminderPresenter, minePresenter],
  forms: [eventForm],
  jobs: [reminderJob],
  events: { home: mineHome },
};
