import { decodeKey, type Platform } from "../core/domain.js";
import type { DeliveryTarget } from "../core/ports.js";
import { targetKey } from "./records.js";

/** A sustained rate with a burst allowance (GCRA: `burst` requests may go at once after a quiet spell). */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** One shared bucket a delivery draws from: all instances pace themselves by its stored state. */
export interface BucketRule extends Rate {
  key: string;
}

export interface PlatformRates {
  /** Everything the app sends into one tenant (Teams) or workspace (Slack). */
  tenant: Rate;
  /** Messages into one channel or chat (space targets). */
  conversation: Rate;
}

export type RateLimitTable = Record<Platform, PlatformRates>;

/**
 * The platforms' documented limits, applied per tenant/workspace and per conversation.
 * Teams (learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit): 50 requests/s per app per
 * tenant; per bot per thread 7/1 s, 8/2 s, 60/30 s, 1800/3600 s. As one GCRA bucket per conversation:
 * 1.9/s with a burst of 3 stays inside the 2 s and 30 s windows.
 * Slack (docs.slack.dev/apis/web-api/rate-limits): chat.postMessage 1/s per channel with short bursts, plus
 * an unpublished workspace-wide limit (10/s here: an assumption, tune it from the 429s you see);
 * conversations.open is Tier 3 (50+/min) and is paced by the Slack Messenger, which caches DM channels.
 */
export const PLATFORM_RATE_LIMITS: RateLimitTable = {
  teams: { tenant: { perSecond: 50, burst: 5 }, conversation: { perSecond: 1.9, burst: 3 } },
  slack: { tenant: { perSecond: 10, burst: 10 }, conversation: { perSecond: 1, burst: 3 } },
};

export type RateLimitOverrides = Partial<Record<Platform, Partial<PlatformRates>>>;

export function rateLimitTable(overrides: RateLimitOverrides = {}): RateLimitTable {
  return {
    teams: { ...PLATFORM_RATE_LIMITS.teams, ...overrides.teams },
    slack: { ...PLATFORM_RATE_LIMITS.slack, ...overrides.slack },
  };
}

/** The buckets one delivery draws from: its tenant's, and for a channel or chat, that conversation's. */
export function bucketsFor(target: DeliveryTarget, table: RateLimitTable): BucketRule[] {
  const { platform, tenant, id } = decodeKey(targetKey(target));
  const rates = table[platform];
  const rules: BucketRule[] = [{ key: `${platform}:${tenant}`, ...rates.tenant }];
  if (target.kind === "space") rules.push({ key: `${platform}:${tenant}:${id}`, ...rates.conversation });
  return rules;
}
