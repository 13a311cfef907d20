import { createHash } from "node:crypto";
import { z } from "zod";
import { PersonKey, SpaceKey, STEWARD_ROLES, type Community, type SpaceRef } from "../../domain.js";
import { membersWhere } from "../../kernel/members.js";
import { tell, typedParam } from "../../kernel/notice.js";
import { ORIGIN } from "../../kernel/origin.js";
import { openForm, outcome, reply, type Effect } from "../../kernel/outcome.js";
import { command, job, type CommunityContext, type SpaceEvents } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { nextLive } from "../events/occurrences.js";
import type { WelcomeData } from "./presenters.js";
import { welcomeForm } from "./welcomeForm.js";

const WELCOME = "onboarding.welcome";
const CHECK_JOB = "onboarding.welcome.check";
/** How long after sending the welcome is looked at again (to fall back to the space), and how often at most. */
const CHECK_AFTER_MS = 2 * 60_000;
const CHECKS = 5;
const EVENTS_SHOWN = 3;
const ORIGIN_DAYS = 30;
const NoInput = z.object({}).passthrough();

const personTag = (personKey: string) => createHash("sha256").update(personKey).digest("base64url").slice(0, 16);

/** The welcome as it stands: the charter, the stewards' words, who facilitates and the next events. */
export async function welcomeData(deps: CoreDeps, community: Community): Promise<WelcomeData> {
  const now = deps.clock.now();
  const [text, facilitators, upcoming] = await Promise.all([
    deps.repos.onboarding.welcome(community.id),
    membersWhere(deps, community.id, (m) => STEWARD_ROLES.includes(m.role), 10),
    deps.repos.events.upcoming(community.id, now),
  ]);
  const events = upcoming
    .map((e) => ({ title: e.title, at: nextLive(e, now)?.at }))
    .filter((e): e is { title: string; at: string } => e.at !== undefined)
    .sort((a, b) => a.at.localeCompare(b.at))
    .slice(0, EVENTS_SHOWN);
  const { charter } = community;
  return {
    name: charter.name,
    domain: charter.domain,
    audience: charter.audience,
    purposes: charter.purposes,
    guidelines: charter.guidelines,
    facilitators: facilitators.map((m) => m.displayName || m.personKey),
    events,
    text: text?.value.text ?? "",
  };
}

/**
 * Someone joined a bound space: one direct message, once per person and community. The marker row is written
 * first, so a join delivered twice, or a join to a second linked space, sends nothing more. People found in a
 * space when it was bound are not joining (the roster import does not call this), so they are not welcomed.
 */
export const welcomeEvents: SpaceEvents = {
  async joined(ctx, people) {
    const { deps, community, space } = ctx;
    // A closed community takes no newcomers' attention: no welcome (and no marker, should it reopen).
    if (community.status === "closed") return outcome();
    const effects: Effect[] = [];
    let data: WelcomeData | undefined;
    for (const { personKey, displayName } of people) {
      if ((await deps.repos.onboarding.markWelcomed(community.id, personKey, deps.clock.now())) !== "first") continue;
      data ??= await welcomeData(deps, community);
      const ref: SpaceRef = { spaceKey: space.spaceKey, platform: space.platform, displayName: space.displayName, personal: false };
      const origin = await deps.sealer.seal({ form: ORIGIN, space: ref, by: personKey, args: {}, exp: deps.clock.now().getTime() + ORIGIN_DAYS * 86_400_000 });
      const fanoutId = `welcome:${community.id}:${personTag(personKey)}`.slice(0, 200);
      effects.push({ kind: "fanout", fanoutId, audience: { kind: "people", people: [personKey] }, card: { presenter: WELCOME, data: { ...data, origin } } });
      effects.push(checkLater(deps, { communityId: community.id, spaceKey: space.spaceKey, personKey, displayName, fanoutId, attempt: 1 }));
    }
    return outcome(...effects);
  },
};

const CheckPayload = z.object({
  communityId: z.string().min(1),
  spaceKey: SpaceKey,
  personKey: PersonKey,
  displayName: z.string().max(200),
  fanoutId: z.string().min(1).max(200),
  attempt: z.number().int().min(1),
});
type CheckPayload = z.infer<typeof CheckPayload>;

function checkLater(deps: CoreDeps, payload: CheckPayload): Effect {
  const dueAt = new Date(deps.clock.now().getTime() + CHECK_AFTER_MS);
  return { kind: "schedule", job: { kind: CHECK_JOB, key: `${CHECK_JOB}:${payload.fanoutId}:${payload.attempt}`.slice(0, 250), dueAt, payload } };
}

/**
 * A welcome that could not be delivered directly (a guest, a Slack Connect member from another organisation,
 * someone who blocked the app) is posted in the space they joined instead, once the delivery has given up.
 */
export const welcomeCheck = job({
  kind: CHECK_JOB,
  schema: CheckPayload,
  async run(payload, { deps }) {
    const progress = await deps.jobs.fanoutProgress(payload.fanoutId);
    if (!progress?.done) return payload.attempt < CHECKS ? outcome(checkLater(deps, { ...payload, attempt: payload.attempt + 1 })) : outcome();
    // Delivered, or nothing came of it yet: no fallback. Unreachable or refused for good: the space it is.
    if (progress.sent > 0 || progress.unreachable + progress.failed === 0) return outcome();
    const community = await deps.repos.communities.get(payload.communityId);
    const space = await deps.repos.spaces.find(payload.spaceKey);
    if (!community || space?.communityId !== payload.communityId) return outcome();
    const data: WelcomeData = { ...(await welcomeData(deps, community.value)), inSpaceFor: { personKey: payload.personKey, name: payload.displayName } };
    const target = { kind: "space" as const, spaceKey: payload.spaceKey };
    return outcome({ kind: "fanout", fanoutId: `${payload.fanoutId}:space`.slice(0, 200), audience: { kind: "targets", targets: [target] }, card: { presenter: WELCOME, data } });
  },
});

export const previewWelcome = command({
  verb: "onboarding.welcome.preview",
  permission: "steward",
  where: "community",
  input: NoInput,
  text: { words: ["welcome preview", "preview welcome"] },
  help: { usage: "help.usage.welcomePreview", describe: "help.cmd.welcomePreview" },
  handle: async (ctx: CommunityContext) => outcome(reply(WELCOME, await welcomeData(ctx.deps, ctx.community))),
});

export const editWelcome = command({
  verb: "onboarding.welcome.edit",
  permission: "steward",
  where: "community",
  input: NoInput,
  text: { words: ["welcome edit", "edit welcome"] },
  help: { usage: "help.usage.welcomeEdit", describe: "help.cmd.welcomeEdit" },
  async handle(ctx) {
    const stored = await ctx.deps.repos.onboarding.welcome(ctx.community.id);
    return outcome(openForm({ form: welcomeForm.name, values: { text: stored?.value.text ?? "" }, version: stored?.etag }));
  },
});

export const saveWelcome = command({
  verb: "onboarding.welcome.save",
  permission: "steward",
  where: "community",
  input: z.object({ text: z.string() }),
  form: welcomeForm,
  async handle(ctx, { text }) {
    const { deps, community, request } = ctx;
    // At the version the form was opened at: someone else's newer text is never overwritten (the kernel keeps
    // what this person typed in the form, with the reason, when that race is lost).
    await deps.repos.onboarding.saveWelcome(community.id, { text, updatedAt: deps.clock.now().toISOString(), updatedBy: request.actor.personKey }, ctx.submitted?.version);
    return outcome(tell("onboarding.welcome.saved", { preview: typedParam("welcome preview") }, "success"));
  },
});
