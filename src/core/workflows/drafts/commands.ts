import { z } from "zod";
import { tell } from "../../kernel/notice.js";
import { openForm, outcome, type Outcome } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import type { MessageKey } from "../../i18n/index.js";
import type { DraftFailure } from "../../ports.js";
import { followUpForm } from "../events/afterForms.js";
import { eventByTypedId, occurrenceAt, occurrencesNow } from "../events/occurrences.js";
import { draftValues } from "./model.js";
import { DRAFT_OPEN, DRAFT_SUBMIT, notesForm } from "./notesForm.js";

/** An id as `event ID` takes it: one word with a digit. */
const ID = /^(?=[^\d]*\d)[A-Za-z0-9-]{4,64}$/;

/** The event and the occurrence the notes are about: the given date, else the latest that has started. */
async function occurrenceOf(ctx: CommunityContext, typed: string, at: string | undefined): Promise<{ eventId: string; title: string; at: string } | Outcome> {
  const found = await eventByTypedId(ctx.deps, ctx.community.id, typed);
  if (found === "none") return outcome(tell("drafts.unknownEvent", { id: typed }, "warning", true));
  if (found === "several") return outcome(tell("drafts.severalEvents", { id: typed }, "warning", true));
  const event = found.value;
  const now = ctx.deps.clock.now().getTime();
  const o = at ? occurrenceAt(event, at) : occurrencesNow(event).filter((x) => !x.cancelled && Date.parse(x.at) <= now).at(-1);
  if (!o || o.cancelled) return outcome(tell(at ? "events.notAnOccurrence" : "drafts.notYet", { title: event.title }, "info", true));
  if (Date.parse(o.at) > now) return outcome(tell("drafts.notYet", { title: event.title }, "info", true));
  return { eventId: event.id, title: event.title, at: o.id };
}

/** `draft follow-up ID` or the ask's button: the notes form for that occurrence. */
export const openDraft = command({
  verb: DRAFT_OPEN,
  permission: "steward",
  where: "community",
  input: z.object({ event: z.string().regex(ID, "an event id"), at: z.string().datetime().optional() }),
  text: { words: ["draft follow-up", "draft followup"], when: (rest) => ID.test(rest), parse: (rest) => ({ event: rest }) },
  help: { usage: "help.usage.draftFollowUp", describe: "help.cmd.draftFollowUp" },
  async handle(ctx, { event, at }) {
    const found = await occurrenceOf(ctx, event, at);
    if ("effects" in found) return found;
    const which = { event: found.eventId, at: found.at };
    return outcome(openForm({ form: notesForm.name, values: {}, args: which, reopenWith: which }));
  },
});

const FAILURE_KEYS: Record<DraftFailure["reason"], MessageKey> = {
  busy: "drafts.error.busy",
  timeout: "drafts.error.timeout",
  unavailable: "drafts.error.unavailable",
  filtered: "drafts.error.filtered",
  malformed: "drafts.error.malformed",
};

/** The notes, drafted into the follow-up form for the steward to edit; nothing is posted until they submit it. */
export const submitDraft = command({
  verb: DRAFT_SUBMIT,
  permission: "steward",
  where: "community",
  input: z.custom<{ notes: string }>(),
  form: notesForm,
  async handle(ctx, { notes }) {
    const args = ctx.submitted?.args ?? {};
    const found = await occurrenceOf(ctx, args.event ?? "", args.at);
    if ("effects" in found) return found;
    const which = { event: found.eventId, at: found.at };
    // Present whenever this workflow is registered; checked anyway, so a missing drafter is never faked.
    const result = ctx.deps.drafts ? await ctx.deps.drafts.draft({ title: found.title, notes, locale: ctx.words.locale }) : ({ ok: false, failure: { reason: "unavailable" } } as const);
    if (!result.ok) {
      const seconds = result.failure.reason === "busy" ? (result.failure.retryAfterSeconds ?? 0) : 0;
      // The notes come back as typed, with why: nothing is lost.
      return outcome(openForm({ form: notesForm.name, values: { notes }, args: which, reopenWith: which, error: ctx.words.t(FAILURE_KEYS[result.failure.reason], { seconds }) }));
    }
    return outcome(openForm({ form: followUpForm.name, values: draftValues(result.draft, ctx.words.plain("drafts.noOwner")), args: which }));
  },
});
