/** The drafts workflow's messages: follow-ups drafted from notes (present only when a model is configured). */
export const draftsEn = {
  "help.cmd.draftFollowUp":
    "Paste your notes of an event that took place (the latest date, or the one its button is for) and get its follow-up drafted: the follow-up form opens filled in, for you to edit before it is posted (stewards).",
  "help.usage.draftFollowUp": "draft follow-up EVENT-ID",
  "drafts.ask.button": "Draft from notes",
  "drafts.form.title": "Draft the follow-up",
  "drafts.form.submit": "Draft",
  "drafts.form.intro": "Paste your notes. A language model drafts the follow-up from them; you then edit it, and nothing is posted until you submit it.",
  "drafts.field.notes": "Notes",
  "drafts.field.notes.hint": "As you took them: who said what, decisions, actions with their owners, links.",
  "drafts.noOwner": "to decide",
  "drafts.unknownEvent": "No event has the id {id}. Type events to see them.",
  "drafts.severalEvents": "Several events start with {id}: type more of its id.",
  "drafts.notYet": "{title} has not taken place yet: its follow-up can be drafted once it has.",
  "drafts.error.busy": "The drafting service is busy{seconds, plural, =0 {} one {: try again in # second} other {: try again in # seconds}}. Your notes are kept below.",
  "drafts.error.timeout": "The drafting service took too long to answer. Your notes are kept below: try again, or write the follow-up yourself.",
  "drafts.error.unavailable": "The drafting service is not answering just now. Your notes are kept below: try again later.",
  "drafts.error.filtered": "The drafting service's content filter refused these notes. Your notes are kept below: edit them, or write the follow-up yourself.",
  "drafts.error.malformed": "The drafting service answered with something that is not a follow-up. Your notes are kept below: try again.",
} as const;
