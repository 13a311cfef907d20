import { LRUCache } from "lru-cache";
import { z } from "zod";
import { upTo } from "../../cacheBound.js";
import { outcome, type Outcome } from "../../kernel/outcome.js";
import { job, type SpaceEvents } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { refreshAggregates } from "./compute.js";
import { periodEnd, periodOf, previousPeriod, weekOf } from "./model.js";
import type { MetricsBook } from "./ports.js";

export const REFRESH_JOB = "metrics.refresh";
/** Activity within one minute shares one recount, run when the minute is over. */
const WINDOW_MS = 60_000;
/** How long after a period ends activity still recounts it. */
const LATE_MS = 7 * 86_400_000;
export const refreshDueAt = (now: Date) => new Date((Math.floor(now.getTime() / WINDOW_MS) + 1) * WINDOW_MS);
export const refreshKey = (communityId: string, dueAt: Date) => `metrics.refresh:${communityId}@${dueAt.toISOString()}`;

/**
 * What this instance wrote or scheduled lately, per store (so each store, e.g. each test's, has its own): one
 * mark per person and month, one refresh per community and minute, whatever the number of requests.
 */
const recent = new WeakMap<MetricsBook, LRUCache<string, true>>();
const seenIn = (book: MetricsBook) => {
  let cache = recent.get(book);
  if (!cache) recent.set(book, (cache = new LRUCache<string, true>({ ...upTo(50_000), ttl: 36 * 3_600_000 })));
  return cache;
};

/** The recount of a community's open period, due at the end of the current minute. */
export function scheduleRefresh(deps: CoreDeps, communityId: string) {
  const dueAt = refreshDueAt(deps.clock.now());
  return { kind: "schedule" as const, job: { kind: REFRESH_JOB, key: refreshKey(communityId, dueAt), dueAt, payload: { communityId } } };
}

/** A member acted: their marks for the month and the week (each written once), and the recount of the month (scheduled once a minute). */
export const metricsEvents: SpaceEvents = {
  async acted(ctx) {
    const { deps, community, request, space } = ctx;
    const seen = seenIn(deps.repos.metrics);
    const now = deps.clock.now();
    // The month's mark and the week's, written together (each at most once per instance).
    await Promise.all(
      [periodOf(now), weekOf(now)].map(async (period) => {
        const markKey = `${community.id}\u0000${request.actor.personKey}\u0000${period}`;
        if (seen.has(markKey)) return;
        await deps.repos.metrics.markActive(community.id, { personKey: request.actor.personKey, period, spaceKey: space.spaceKey, at: now.toISOString() });
        seen.set(markKey, true);
      }),
    );
    return recountSoon(deps, community.id);
  },
  // Joins and leaves change the figures too (members, joined, left) though nobody typed anything.
  joined: async (ctx) => recountSoon(ctx.deps, ctx.community.id) ?? outcome(),
  left: async (ctx) => recountSoon(ctx.deps, ctx.community.id) ?? outcome(),
};

/** The recount of a community's open period, asked for once a minute by this instance however often things happen. */
function recountSoon(deps: CoreDeps, communityId: string): Outcome | undefined {
  const seen = seenIn(deps.repos.metrics);
  const refresh = scheduleRefresh(deps, communityId);
  if (seen.has(refresh.job.key)) return undefined;
  seen.set(refresh.job.key, true);
  return outcome(refresh);
}

/** Recounts the open period of a community from its raw rows (idempotent: a second run stores the same). */
export const refreshJob = job({
  kind: REFRESH_JOB,
  schema: z.object({ communityId: z.string().min(1).max(200) }),
  async run({ communityId }, ctx) {
    // The minute the activity fell in (a refresh due at midnight counts the month and week that just ended).
    const at = new Date(ctx.dueAt.getTime() - WINDOW_MS);
    // Late rows (attendance confirmed, a survey closed days after) still reach the period just ended.
    const periods = [periodOf(at), weekOf(at)].flatMap((period) => {
      const before = previousPeriod(period);
      return at.getTime() - periodEnd(before).getTime() < LATE_MS ? [period, before] : [period];
    });
    await refreshAggregates(ctx.deps, communityId, periods);
    return outcome();
  },
});
