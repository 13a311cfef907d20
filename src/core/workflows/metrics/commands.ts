import { z } from "zod";
import type { Space } from "../../domain.js";
import { tell, typedParam } from "../../kernel/notice.js";
import { outcome, reply } from "../../kernel/outcome.js";
import { command, type CommunityContext } from "../../kernel/workflow.js";
import type { CoreDeps } from "../../ports.js";
import { aggregatesFor } from "./compute.js";
import { ALL, Period, periodOf, periodStart, previousPeriod, realPeriod, weekOf, type Aggregate } from "./model.js";
import { METRICS_PRESENTER, type MetricsData } from "./presenters.js";

const USAGE = "metrics [YYYY-MM|week|YYYY-Www]";

/** A space's name for columns: as bound, else which platform it is on. */
export const spaceName = (ctx: Pick<CommunityContext, "words">, space: Pick<Space, "displayName" | "platform">) =>
  space.displayName || ctx.words.plain("metrics.space.unnamed", { platform: ctx.words.plain(`platform.${space.platform}`) });

/** The combined scope first, then the community's spaces in the order they were bound. */
export function scopesOf(aggregates: Aggregate[], spaces: Space[]): Aggregate[] {
  const all = aggregates.find((a) => a.scope === ALL);
  const bySpace = spaces.map((s) => aggregates.find((a) => a.scope === s.spaceKey)).filter((a): a is Aggregate => a !== undefined);
  return all ? [all, ...bySpace] : bySpace;
}

export async function metricsData(deps: CoreDeps, ctx: Pick<CommunityContext, "words" | "community">, period: Period): Promise<MetricsData> {
  const communityId = ctx.community.id;
  const previous = previousPeriod(period);
  const [counted, spaces] = await Promise.all([aggregatesFor(deps, communityId, [period, previous]), deps.repos.spaces.listForCommunity(communityId)]);
  const [current = [], before = []] = counted;
  const names = new Map(spaces.map((s) => [s.spaceKey, spaceName(ctx, s)]));
  const scopes = scopesOf(current, spaces).slice(0, 20);
  return {
    communityName: ctx.community.charter.name,
    period,
    previous,
    computedAt: scopes[0]?.computedAt ?? deps.clock.now().toISOString(),
    scopes: scopes.map((a) => ({ name: names.get(a.scope) ?? "", current: a.figures, previous: before.find((b) => b.scope === a.scope)?.figures })),
  };
}

/** `metrics [YYYY-MM|week|YYYY-Www]`: a month's or a week's figures for stewards and sponsors, privately. */
export const showMetrics = command({
  verb: "metrics.show",
  permission: "sponsor",
  where: "community",
  input: z.object({ period: z.string().trim().max(40).default("") }),
  text: { words: ["metrics"], parse: (rest) => ({ period: rest }) },
  help: { usage: "help.usage.metrics", describe: "help.cmd.metrics" },
  async handle(ctx, input) {
    const now = ctx.deps.clock.now();
    const typed = input.period.toUpperCase();
    const parsed = Period.safeParse(typed === "WEEK" ? weekOf(now) : typed || periodOf(now));
    if (!parsed.success || !realPeriod(parsed.data) || periodStart(parsed.data) > now) {
      return outcome(tell("metrics.usage", { said: input.period, usage: typedParam(USAGE), example: typedParam(`metrics ${periodOf(now)}`) }, "warning", true));
    }
    return outcome(reply(METRICS_PRESENTER, await metricsData(ctx.deps, ctx, parsed.data), true));
  },
});
