import { z } from "zod";
import { outcome } from "../../kernel/outcome.js";
import { job } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { gatherDigest, happened, type DigestData } from "./gather.js";
import type { DigestSchedule } from "./model.js";
import { DIGEST_JOB, nextAfter, sameLocalDay, scheduleDigest } from "./schedule.js";

export const DIGEST_PRESENTER = "summaries.digest";
const WEEK_MS = 7 * 86_400_000;

/**
 * Where a digest due at `at` starts: where the last one before it went out; else a period before the series'
 * first digest (so a first digest that was skipped leaves nothing out of the next).
 */
export async function windowStart(deps: CoreDeps, communityId: string, schedule: Pick<DigestSchedule, "cadenceWeeks" | "series">, at: Date): Promise<Date> {
  const last = await deps.repos.summaries.lastRun(communityId, at);
  if (last) return new Date(last.at);
  const first = Date.parse(schedule.series);
  return new Date((Number.isNaN(first) || first > at.getTime() ? at.getTime() : first) - schedule.cadenceWeeks * WEEK_MS);
}

/**
 * One digest: what happened since the last, to every linked space (rendered per reader at delivery). Nothing is
 * posted when nothing happened, or when it is no longer the day it was due (the app was down); either way the
 * next one is scheduled. The occurrence is claimed insert-only and the fan-out keyed by it: it goes out once.
 */
export const digestJob = job({
  kind: DIGEST_JOB,
  schema: z.object({ communityId: z.string().min(1), series: z.string().min(1) }),
  async run({ communityId, series }, { deps, dueAt }) {
    const [stored, community] = await Promise.all([deps.repos.summaries.schedule(communityId), deps.repos.communities.get(communityId)]);
    const schedule = stored?.value;
    if (!schedule?.on || schedule.series !== series || !community) return outcome();
    const now = deps.clock.now();
    const next = scheduleDigest(communityId, series, nextAfter(schedule, dueAt, now));
    // The next one first (its key makes this idempotent): a run that keeps failing must not end the series.
    if (next.kind === "schedule") await deps.jobs.schedule(next.job);
    if (community.value.status === "closed" || !sameLocalDay(schedule.zone, dueAt, now)) return outcome(next);
    const from = await windowStart(deps, communityId, schedule, dueAt);
    const claimed = await deps.repos.summaries.claimRun({ communityId, at: dueAt.toISOString(), from: from.toISOString() });
    const start = claimed.result === "duplicate" && claimed.stored ? new Date(claimed.stored.from) : from;
    const data: DigestData = await gatherDigest(deps, communityId, community.value.charter.name, start, dueAt);
    if (!happened(data)) return outcome(next);
    return outcome(
      { kind: "fanout", fanoutId: `summaries:${communityId}:digest:${dueAt.toISOString()}`, audience: { kind: "spaces", communityId }, card: { presenter: DIGEST_PRESENTER, data } },
      next,
    );
  },
});
