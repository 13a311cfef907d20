import { DateTime } from "luxon";
import { z } from "zod";
import { announce, tell, typedParam } from "../../kernel/notice.js";
import { openForm, outcome, reply, type Effect, type Outcome } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import { IMPORT_FORM, importForm, type ImportInput } from "./importForm.js";
import type { StoredPlan } from "./model.js";
import { placeSteps } from "./placement.js";
import { CONFIRM_VERB, PREVIEW_PRESENTER, STATUS_PRESENTER } from "./presenters.js";
import { createPlanned, undoPlanned } from "./effects.js";

/** The import refused while another plan is active: it must be undone first, explicitly. */
async function activeRefusal(ctx: CommunityContext): Promise<Outcome | undefined> {
  if (!(await ctx.deps.repos.plans.activeId(ctx.community.id))) return undefined;
  return outcome(tell("plan.active", { name: ctx.community.charter.name, undo: typedParam("plan undo") }, "warning", true));
}

export const showPlan = command({
  verb: "plan.show",
  permission: "member",
  where: "community",
  readOnly: true,
  input: z.object({}).passthrough(),
  text: { words: ["plan", "programme", "program"] },
  help: { usage: "help.usage.plan", describe: "help.cmd.plan" },
  async handle(ctx) {
    const { deps, community } = ctx;
    const id = await deps.repos.plans.activeId(community.id);
    const stored = id ? await deps.repos.plans.get(community.id, id) : undefined;
    if (!stored) {
      const steward = ctx.can("plan.import.open");
      return outcome(tell(steward ? "plan.none.steward" : "plan.none", { name: community.charter.name, usage: typedParam("plan import") }, "info", true));
    }
    return outcome(reply(STATUS_PRESENTER, { name: stored.value.name, now: deps.clock.now().toISOString(), steps: stored.value.steps }));
  },
});

export const openImport = command({
  verb: "plan.import.open",
  permission: "steward",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["plan import", "import plan"] },
  help: { usage: "help.usage.planImport", describe: "help.cmd.planImport" },
  button: { label: "action.planImport", opensForm: true },
  async handle(ctx) {
    // The first of next month, in the steward's zone: a start that lies ahead, as most plans begin on a month.
    const zone = ctx.reader.timezone ?? "";
    const start = DateTime.fromJSDate(ctx.deps.clock.now(), { zone: zone || "UTC" }).plus({ months: 1 }).startOf("month").toISODate() ?? "";
    return (await activeRefusal(ctx)) ?? outcome(openForm({ form: IMPORT_FORM, values: { source: "builtIn", file: "", start, zone } }));
  },
});

/** A checked plan becomes a draft shown back for confirmation: nothing is created yet. */
export const submitImport = command({
  verb: importForm.verb,
  permission: "steward",
  where: "community",
  input: z.custom<ImportInput>(),
  form: importForm,
  async handle(ctx, input) {
    const refused = await activeRefusal(ctx);
    if (refused) return refused;
    const { deps, community, request, words } = ctx;
    const now = deps.clock.now();
    const steps = placeSteps(input.plan, input.start, input.zone);
    const past = steps.find((s) => Date.parse(s.at) <= now.getTime());
    if (past) return outcome(openForm({ form: IMPORT_FORM, values: ctx.submitted?.values ?? {}, errors: { start: words.plain("plan.error.past", { when: past.at.slice(0, 10) }) } }));
    const plan: StoredPlan = {
      id: deps.ids.newId(),
      communityId: community.id,
      name: input.plan.name ?? words.plain("plan.field.source.builtIn"),
      builtIn: input.builtIn,
      start: input.start,
      zone: input.zone,
      steps,
      status: "draft",
      events: {},
      jobs: [],
      locale: ctx.reader.locale,
      createdBy: request.actor.personKey,
      createdAt: now.toISOString(),
    };
    await deps.repos.plans.save(plan);
    return outcome(reply(PREVIEW_PRESENTER, { planId: plan.id, name: plan.name, start: plan.start, steps }, true));
  },
});

export const confirmPlan = command({
  verb: CONFIRM_VERB,
  permission: "steward",
  where: "community",
  input: z.object({ plan: z.string().min(1).max(40) }),
  async handle(ctx, { plan: planId }) {
    const { deps, community } = ctx;
    const stored = await deps.repos.plans.get(community.id, planId);
    if (!stored || stored.value.status !== "draft") return outcome(tell("plan.gone", { usage: typedParam("plan") }, "warning", true));
    // A preview left waiting until its first date passed is not half-applied: it is imported again.
    const late = stored.value.steps.find((s) => Date.parse(s.at) <= deps.clock.now().getTime());
    if (late) return outcome(tell("plan.stale", { when: { at: late.at }, usage: typedParam("plan import") }, "warning", true));
    // Claimed already by this very plan: a confirmation cut short before the plan was saved. It carries on.
    const claimed = (await deps.repos.plans.claimActive(community.id, planId)) === "claimed" || (await deps.repos.plans.activeId(community.id)) === planId;
    if (!claimed) return outcome(tell("plan.active", { name: community.charter.name, undo: typedParam("plan undo") }, "warning", true));
    const created = await createPlanned(ctx, stored.value);
    const plan: StoredPlan = { ...stored.value, status: "active", events: created.events, jobs: created.jobs, confirmedAt: deps.clock.now().toISOString() };
    await deps.repos.plans.update(plan, stored.etag);
    const events = Object.keys(created.events).length;
    return outcome(
      tell("plan.imported", { plan: plan.name, name: community.charter.name, events, steps: plan.steps.length - events, usage: typedParam("plan") }, "success", true),
      ...created.effects,
    );
  },
});

export const undoPlan = command({
  verb: "plan.undo",
  permission: "steward",
  where: "community",
  input: z.object({}).passthrough(),
  text: { words: ["plan undo", "undo plan"] },
  help: { usage: "help.usage.planUndo", describe: "help.cmd.planUndo" },
  async handle(ctx) {
    const { deps, community } = ctx;
    const id = await deps.repos.plans.activeId(community.id);
    const stored = id ? await deps.repos.plans.get(community.id, id) : undefined;
    if (!stored) return outcome(tell("plan.none", { name: community.charter.name }, "info", true));
    const removed = await undoPlanned(ctx, stored.value);
    await deps.repos.plans.update({ ...stored.value, status: "undone", undoneAt: deps.clock.now().toISOString() }, stored.etag);
    await deps.repos.plans.releaseActive(community.id, stored.value.id);
    const titles = removed.events.join(", ");
    const effects: Effect[] = [tell("plan.undone", { plan: stored.value.name, events: removed.events.length, steps: removed.steps }, "success", true)];
    if (removed.events.length) effects.push(tell("plan.undone.events", { titles }, "info", true), announce("community", "plan.undone.post", { plan: stored.value.name, titles }, "warning"));
    if (removed.digestOff) effects.push(tell("plan.undone.digest", { on: typedParam("digest on") }, "info", true));
    for (const id of removed.openSurveys) effects.push(tell("plan.undone.survey", { id, close: typedParam(`close survey ${id}`) }, "info", true));
    return outcome(...effects);
  },
});
