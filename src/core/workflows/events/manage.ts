import { z } from "zod";
import { fingerprints, mergeStale, shownValue } from "../../kernel/formVersions.js";
import type { FieldErrors, FormSpec, RawValues } from "../../kernel/forms.js";
import { tell, typedParam } from "../../kernel/notice.js";
import { openForm, outcome, post, reply, type Effect, type Outcome } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import type { Versioned } from "../../ports.js";
import { shownValues } from "./eventForm.js";
import {
  cancelOccurrenceForm,
  cancelSeriesForm,
  CANCEL_VERB,
  editOccurrenceForm,
  editSeriesForm,
  EDIT_VERB,
  seriesBase,
  shiftedStart,
  valuesOf,
  type CancelInput,
  type EditInput,
} from "./manageForms.js";
import { CANCEL_OPEN, EDIT_OPEN } from "./managePresenters.js";
import type { CopEvent, EventDraft, OccurrenceChange } from "./model.js";
import { changeOf, liveOccurrences, localIn, nextLive, occurrenceAt, occurrenceById, occurrenceView, eventByTypedId, type Occurrence } from "./occurrences.js";
import { dayIn, plan, zonedStart } from "./recurrence.js";
import { scheduleReminders } from "./reminders.js";

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** Which event (its id, or the start of it as typed), and which date of it: an instant (buttons) or a day (typed). */
const Target = z.object({ event: z.string().max(100).default(""), at: z.string().datetime().optional(), day: LocalDate.optional() });
type Target = z.infer<typeof Target>;

/** `edit event ID [YYYY-MM-DD]` as typed. */
const parseTarget = (rest: string) => {
  const [event = "", day] = rest.split(/\s+/);
  return { event, ...(day ? { day } : {}) };
};

const ATTENDING = new Set(["going", "maybe"]);
/** At most this many people per direct-message fan-out (the audience's limit). */
const PER_FANOUT = 1000;

/**
 * Everyone who said going or maybe to any of these dates, messaged directly on their own platform with
 * `card` (rendered for each of them when delivered); returns the effects and how many people.
 */
async function tellAttending(ctx: CommunityContext, event: CopEvent, dates: Occurrence[], fanoutId: string, card: { presenter: string; data: unknown }): Promise<{ effects: Effect[]; people: number }> {
  const ids = new Set(dates.map((o) => Date.parse(o.id)));
  const answers = await ctx.deps.repos.events.answers(ctx.community.id, event.id, dates.length === 1 ? dates[0]!.id : undefined);
  const people = [...new Set(answers.filter((a) => ids.has(Date.parse(a.occurrence)) && ATTENDING.has(a.answer)).map((a) => a.personKey))];
  const effects: Effect[] = [];
  for (let i = 0; i < people.length; i += PER_FANOUT) {
    effects.push({ kind: "fanout", fanoutId: `${fanoutId}:${i / PER_FANOUT}`, audience: { kind: "people", people: people.slice(i, i + PER_FANOUT) }, card });
  }
  return { effects, people: people.length };
}

type Found = { ok: true; stored: Versioned<CopEvent> } | { ok: false; refusal: Outcome };
const refuse = (...args: Parameters<typeof tell>): { ok: false; refusal: Outcome } => ({ ok: false, refusal: outcome(tell(...args)) });

/** The event by its full id, or by the start of it (at least 4 characters) among those still to come. */
async function findEvent(ctx: CommunityContext, ref: string, usage: string): Promise<Found> {
  const { deps, community } = ctx;
  if (!ref) return refuse("events.manage.usage", { usage: { code: ctx.words.plain(usage === "edit" ? "help.usage.editEvent" : "help.usage.cancelEvent") }, example: typedParam(`${usage} event 3f2a9c1b 2027-02-11`) }, "warning", true);
  const found = await eventByTypedId(deps, community.id, ref, deps.clock.now());
  if (found === "several") return refuse("events.manage.ambiguous", { id: ref }, "warning", true);
  return found === "none" ? refuse("events.manage.unknown", { id: ref, events: typedParam("events") }, "warning", true) : { ok: true, stored: found };
}

/** The date asked for, by identity (a button) or by its day in the event's zone (typed); undefined: the series. */
function pickDate(event: CopEvent, target: Target, now: Date): { ok: true; occurrence?: Occurrence } | { ok: false; refusal: Outcome } {
  if (event.cancelled) return refuse("events.cancelled.already", {}, "warning", true);
  let occurrence: Occurrence | undefined;
  if (target.at) {
    occurrence = occurrenceAt(event, target.at);
    if (!occurrence) return refuse("events.notAnOccurrence", {}, "warning", true);
  } else if (target.day) {
    occurrence = liveOccurrences(event).find((o) => dayIn(o.at, event.zone) === target.day || dayIn(o.id, event.zone) === target.day);
    if (!occurrence) return refuse("events.manage.noDate", { title: event.title, day: target.day }, "warning", true);
  }
  if (occurrence?.cancelled) return refuse("events.cancelled.already", {}, "warning", true);
  if (occurrence && Date.parse(occurrence.at) <= now.getTime()) return refuse("events.manage.over", { title: occurrence.title }, "info", true);
  if (!occurrence && !nextLive(event, now)) return refuse("events.manage.over", { title: event.title }, "info", true);
  // A one-off event has one date: changing it is changing the event.
  return { ok: true, occurrence: event.recurrence === "none" ? undefined : occurrence };
}

/** The edit form for a date (with its scope choice) or for the series, sealed at the event's version. */
function editFormFor(ctx: CommunityContext, stored: Versioned<CopEvent>, occurrence: Occurrence | undefined, extra: { values?: RawValues; errors?: FieldErrors; error?: string } = {}): Outcome {
  const event = stored.value;
  const spec = occurrence ? editOccurrenceForm : editSeriesForm;
  const base = occurrence ? localIn(occurrence.at, event.zone) : (seriesBase(event, ctx.deps.clock.now()) ?? event.start);
  const current = valuesOf(event, occurrence, base);
  const which = { event: event.id, ...(occurrence ? { at: occurrence.id } : {}) };
  const args = { ...which, base, ...fingerprints(spec, current, ctx.words) };
  return outcome(openForm({ form: spec.name, values: extra.values ?? current, errors: extra.errors, error: extra.error, version: stored.etag, args, reopenWith: which }));
}

export const openEdit = command({
  verb: EDIT_OPEN,
  permission: "steward",
  where: "community",
  input: Target,
  text: { words: ["edit event", "change event"], parse: parseTarget },
  help: { usage: "help.usage.editEvent", describe: "help.cmd.editEvent" },
  async handle(ctx, target) {
    const found = await findEvent(ctx, target.event, "edit");
    if (!found.ok) return found.refusal;
    const picked = pickDate(found.stored.value, target, ctx.deps.clock.now());
    return picked.ok ? editFormFor(ctx, found.stored, picked.occurrence) : picked.refusal;
  },
});

const ROW_ROOM = 30_000;
const sameText = (a: string | undefined, b: string | undefined) => (a ?? "") === (b ?? "");

/** One date changed on its own: kept under its original instant, so its answers stay; reminders at its new time. */
async function editOccurrence(ctx: CommunityContext, stored: Versioned<CopEvent>, o: Occurrence, draft: EventDraft): Promise<Outcome> {
  const { deps, words, community } = ctx;
  const event = stored.value;
  const now = deps.clock.now();
  const values = shownValues(ctx.submitted?.values ?? {});
  const start = zonedStart(draft.start, draft.zone);
  const fieldError = (error: string) => editFormFor(ctx, stored, o, { values, errors: { start: error } });
  if (!start) return fieldError(words.plain("form.error.zone", { zone: draft.zone.slice(0, 64) }));
  const at = start.toInstant().toString();
  if (Date.parse(at) <= now.getTime()) return fieldError(words.plain("events.error.past"));
  if (liveOccurrences(event).some((x) => x.id !== o.id && Date.parse(x.at) === Date.parse(at))) return fieldError(words.plain("events.error.clash"));
  const change: OccurrenceChange = {
    at: o.id,
    ...(Date.parse(at) !== Date.parse(o.id) ? { start: at } : {}),
    ...(draft.minutes !== event.minutes ? { minutes: draft.minutes } : {}),
    ...(draft.title !== event.title ? { title: draft.title } : {}),
    ...(draft.kind !== event.kind ? { kind: draft.kind } : {}),
    ...(draft.agenda !== event.agenda ? { agenda: draft.agenda } : {}),
    ...(!sameText(draft.joinUrl, event.joinUrl) ? { joinUrl: draft.joinUrl ?? "" } : {}),
  };
  const updated: CopEvent = {
    ...event,
    changes: [...(event.changes ?? []).filter((c) => c !== changeOf(event, o.id)), change],
    lastAt: Date.parse(at) > Date.parse(event.lastAt) ? at : event.lastAt,
    updatedBy: ctx.request.actor.personKey,
    updatedAt: now.toISOString(),
  };
  // The event is one table row: its dates' own changes must fit in it (a property holds 32K characters).
  if (JSON.stringify(updated).length > ROW_ROOM) return editFormFor(ctx, stored, o, { values, error: words.t("events.error.tooManyChanges") });
  await deps.repos.events.update(updated, stored.etag);
  const now_ = occurrenceById(updated, o.id)!;
  // The moved date's own reminders (new keys, at the new time); those at the old time find it gone and send nothing.
  const reminders = scheduleReminders({ ...updated, start: localIn(at, event.zone), rrule: undefined, recurrence: "none", changes: [] }, now);
  const changed = { ...(await occurrenceView(deps, updated, now_)), scope: "occurrence", was: o.at };
  const told = await tellAttending(ctx, event, [o], `events-change:${community.id}:${event.id}:${o.id}:${updated.updatedAt}`, { presenter: "events.changed", data: { ...changed, personal: true } });
  return outcome(
    tell("events.edited.occurrence", { title: now_.title, name: community.charter.name }, "success", true),
    post("community", "events.changed", changed),
    ...told.effects,
    ...reminders,
  );
}

/** The whole series: the rule recomputed from its (moved) start; its own dates' changes kept where the date still is one. */
async function editSeries(ctx: CommunityContext, stored: Versioned<CopEvent>, shown: string, draft: EventDraft): Promise<Outcome> {
  const { deps, words, community } = ctx;
  const event = stored.value;
  const now = deps.clock.now();
  const values = shownValues(ctx.submitted?.values ?? {});
  const base = seriesBase(event, now);
  if (!base) return outcome(tell("events.manage.over", { title: event.title }, "info", true));
  const moved: EventDraft = { ...draft, start: shiftedStart(base, shown, draft.start) };
  const checked = plan(moved, now);
  if (!checked.ok) {
    const errors: FieldErrors = Object.fromEntries(Object.entries(checked.errors).map(([field, e]) => [field, words.plain(e.key, e.params)]));
    return editFormFor(ctx, stored, undefined, { values, errors });
  }
  const { plan: p } = checked;
  const kept = new Set(p.occurrences.map((at) => Date.parse(at)));
  // Each date moves as the series does; a date's own changes and answers go with it where it is still one.
  const renamed = (id: string) => zonedStart(shiftedStart(localIn(id, event.zone), shown, draft.start), moved.zone)?.toInstant().toString();
  const carried = (id: string) => {
    const to = renamed(id);
    return to && kept.has(Date.parse(to)) ? to : undefined;
  };
  const updated: CopEvent = {
    ...event,
    ...moved,
    until: moved.recurrence === "none" ? undefined : (moved.until ?? dayIn(p.lastAt, moved.zone)),
    rrule: p.rrule,
    firstAt: p.firstAt,
    lastAt: p.lastAt,
    changes: (event.changes ?? []).flatMap((c) => {
      const at = carried(c.at);
      return at ? [{ ...c, at }] : [];
    }),
    updatedBy: ctx.request.actor.personKey,
    updatedAt: now.toISOString(),
  };
  await deps.repos.events.update(updated, stored.etag);
  for (const answer of await deps.repos.events.answers(community.id, event.id)) {
    const to = Date.parse(answer.occurrence) > now.getTime() ? carried(answer.occurrence) : undefined;
    if (to && Date.parse(to) !== Date.parse(answer.occurrence)) await deps.repos.events.answer(community.id, { ...answer, occurrence: to });
  }
  const next = nextLive(updated, now);
  const changed = next && { ...(await occurrenceView(deps, updated, next)), scope: "series" };
  const ahead = liveOccurrences(event).filter((o) => Date.parse(o.at) > now.getTime());
  const told = changed ? await tellAttending(ctx, event, ahead, `events-change:${community.id}:${event.id}:series:${updated.updatedAt}`, { presenter: "events.changed", data: { ...changed, personal: true } }) : { effects: [] };
  return outcome(
    tell("events.edited.series", { title: updated.title, name: community.charter.name }, "success", true),
    ...(changed ? [post("community", "events.changed", changed)] : []),
    ...told.effects,
    ...scheduleReminders(updated, now),
  );
}

export const submitEdit = command({
  verb: EDIT_VERB,
  permission: "steward",
  where: "community",
  input: z.custom<EditInput>(),
  form: editSeriesForm,
  async handle(ctx, { scope, draft }) {
    const { deps, community, words } = ctx;
    const { args = {}, version, values = {} } = ctx.submitted ?? {};
    const stored = args.event ? await deps.repos.events.get(community.id, args.event) : undefined;
    if (!stored) return outcome(tell("events.notFound", {}, "warning", true));
    const event = stored.value;
    const occurrence = args.at ? occurrenceById(event, args.at) : undefined;
    if (event.cancelled || occurrence?.cancelled) return outcome(tell("events.cancelled.already", {}, "warning", true));
    if (args.at && !occurrence) return outcome(tell("events.notAnOccurrence", {}, "warning", true));
    if (version && version !== stored.etag) {
      // Saved by someone else since this form opened: refused where they changed a field shown here, with
      // their values in the fields this person left alone and this person's own entries everywhere else.
      const spec: FormSpec = occurrence ? editOccurrenceForm : editSeriesForm;
      const current: RawValues = { ...valuesOf(event, occurrence, occurrence ? localIn(occurrence.at, event.zone) : (seriesBase(event, deps.clock.now()) ?? event.start)), ...(occurrence ? { scope } : {}) };
      const merged = mergeStale(spec, args, current, shownValues(values), words);
      if (merged.changed.length > 0) {
        if (merged.changed.includes("start") && merged.values.start === current.start) merged.values["start.zone"] = current["start.zone"]!;
        const shown = Object.fromEntries(Object.entries(merged.values).filter(([name]) => !["start.date", "start.time"].includes(name) || !merged.changed.includes("start")));
        const errors = Object.fromEntries(
          merged.changed.map((name) => [name, words.plain("field.changedTo", { value: shownValue(current[name], spec.fields.find((f) => f.name === name)?.choices, words) || "—" })]),
        );
        return editFormFor(ctx, stored, occurrence, { values: shown, errors, error: words.t("events.stale", { title: event.title }) });
      }
    }
    if (scope === "occurrence" && occurrence) return editOccurrence(ctx, stored, occurrence, draft);
    return editSeries(ctx, stored, args.base ?? event.start, draft);
  },
});

export const openCancel = command({
  verb: CANCEL_OPEN,
  permission: "steward",
  where: "community",
  input: Target,
  text: { words: ["cancel event", "delete event"], parse: parseTarget },
  help: { usage: "help.usage.cancelEvent", describe: "help.cmd.cancelEvent" },
  async handle(ctx, target) {
    const now = ctx.deps.clock.now();
    const found = await findEvent(ctx, target.event, "cancel");
    if (!found.ok) return found.refusal;
    const { value: event, etag } = found.stored;
    const picked = pickDate(event, target, now);
    if (!picked.ok) return picked.refusal;
    const o = picked.occurrence;
    const spec = o ? cancelOccurrenceForm : cancelSeriesForm;
    const which = { event: event.id, ...(o ? { at: o.id } : {}) };
    return outcome(
      reply("events.cancel.about", { title: o?.title ?? event.title, at: (o ?? nextLive(event, now))!.at, series: !o && event.recurrence !== "none" }, true),
      openForm({ form: spec.name, values: o ? { scope: "occurrence" } : {}, version: etag, args: which, reopenWith: which }),
    );
  },
});

export const submitCancel = command({
  verb: CANCEL_VERB,
  permission: "steward",
  where: "community",
  input: z.custom<CancelInput>(),
  form: cancelSeriesForm,
  async handle(ctx, { scope, message }) {
    const { deps, community } = ctx;
    const now = deps.clock.now();
    const args = ctx.submitted?.args ?? {};
    const stored = args.event ? await deps.repos.events.get(community.id, args.event) : undefined;
    if (!stored) return outcome(tell("events.notFound", {}, "warning", true));
    const event = stored.value;
    const one = scope === "occurrence" && args.at ? occurrenceById(event, args.at) : undefined;
    if (scope === "occurrence" && args.at && !one) return outcome(tell("events.notAnOccurrence", {}, "warning", true));
    if (event.cancelled || one?.cancelled) return outcome(tell("events.cancelled.already", {}, "warning", true));
    // What is called off: that date, or every date still ahead.
    const ahead = one ? [one] : liveOccurrences(event).filter((o) => Date.parse(o.at) > now.getTime());
    if (ahead.length === 0 || Date.parse(ahead[0]!.at) <= now.getTime()) return outcome(tell("events.manage.over", { title: event.title }, "info", true));
    const updated: CopEvent = one
      ? { ...event, changes: [...(event.changes ?? []).filter((c) => c !== changeOf(event, one.id)), { ...changeOf(event, one.id), at: one.id, cancelled: true }] }
      : { ...event, cancelled: true };
    await deps.repos.events.update({ ...updated, updatedBy: ctx.request.actor.personKey, updatedAt: now.toISOString() }, stored.etag);

    const notice = { title: one?.title ?? event.title, at: ahead[0]!.at, series: !one && event.recurrence !== "none", message };
    const told = await tellAttending(ctx, event, ahead, `events-cancel:${community.id}:${event.id}:${one?.id ?? "series"}`, { presenter: "events.cancelled", data: { ...notice, personal: true } });
    return outcome(
      tell("events.cancelled.done", { title: notice.title, name: community.charter.name, people: told.people }, "success", true),
      post("community", "events.cancelled", notice),
      ...told.effects,
    );
  },
});
