import { TeamsInfo, type TurnContext } from "botbuilder";
import { LRUCache } from "lru-cache";
import { LIMITS } from "../core/domain.js";
import type { Logger } from "../log.js";
import { teamsIds } from "./inbound.js";

/** Teams leaves the General channel unnamed in getTeamChannels (its id is the team's). */
const GENERAL = "General";

interface Names {
  team?: string;
  channel?: string;
}

export interface SpaceNameCacheOptions {
  log: Logger;
  /** Channels remembered at once. */
  max?: number;
  /** How long a name is kept (a renamed team or channel shows its new name after this). */
  ttlMs?: number;
  /** How long a failed lookup is remembered, so a busy channel does not ask on every message. */
  failureTtlMs?: number;
}

/** Team and channel names per (tenant, team, channel), bounded in size and age. */
export class SpaceNameCache {
  readonly log: Logger;
  readonly failureTtlMs: number;
  readonly entries: LRUCache<string, Names>;

  constructor({ log, max = 2_000, ttlMs = 6 * 60 * 60_000, failureTtlMs = 60_000 }: SpaceNameCacheOptions) {
    this.log = log;
    this.failureTtlMs = failureTtlMs;
    this.entries = new LRUCache<string, Names>({ max, ttl: ttlMs });
  }
}

/**
 * A channel space's name, "Team / Channel". Teams often leaves the names out of channelData; then they are
 * asked of Teams (getTeamDetails, getTeamChannels) and cached. Undefined outside a channel, or when Teams
 * would not say.
 */
export async function teamsSpaceName(context: TurnContext, cache: SpaceNameCache): Promise<string | undefined> {
  const ids = teamsIds(context.activity);
  if (ids.conversationType !== "channel" || !ids.teamId) return undefined;
  const data = (context.activity.channelData ?? {}) as { team?: { name?: string }; channel?: { name?: string } };
  const given: Names = { team: data.team?.name || undefined, channel: data.channel?.name || undefined };
  if (given.team && given.channel) return format(given);
  const key = `${ids.tenantId}|${ids.teamId}|${ids.placeId}`;
  let names = cache.entries.get(key);
  if (!names) {
    names = await lookUp(context, ids.teamId, ids.placeId, given, cache.log);
    cache.entries.set(key, names, names.team && names.channel ? {} : { ttl: cache.failureTtlMs });
  }
  return names.team && names.channel ? format(names) : undefined;
}

async function lookUp(context: TurnContext, teamId: string, channelId: string, given: Names, log: Logger): Promise<Names> {
  const names = { ...given };
  try {
    names.team ??= (await TeamsInfo.getTeamDetails(context, teamId)).name || undefined;
    if (!names.channel) {
      const channel = (await TeamsInfo.getTeamChannels(context, teamId)).find((c) => c.id === channelId);
      names.channel = channel?.name || (channel || channelId === teamId ? GENERAL : undefined);
    }
  } catch (error) {
    log.debug({ err: error, teamId, channelId }, "could not look up the Teams team or channel name");
  }
  return names;
}

const format = (names: Names) => `${names.team} / ${names.channel}`.slice(0, LIMITS.displayName);
