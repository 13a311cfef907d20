import { webApi } from "@slack/bolt";
import { decodeKey, LIMITS, personKey, type PersonKey, type SpaceKey } from "../core/domain.js";
import type { Directory, RosterPage } from "../core/ports.js";
import type { Logger } from "../log.js";
import { slackErrorCode, UNREACHABLE_ERRORS } from "./errors.js";
import { InstallationClients, type InstallationClientsOptions, type Reached } from "./installationClients.js";
import { SLACK_METHOD_RATE_LIMITS } from "./limits.js";
import { RateGate } from "./rateGate.js";

/** conversations.members: Slack recommends no more than 200 a page. */
const PAGE_LIMIT = 200;
/** users.info calls in flight at once for one page. */
const CONCURRENCY = 4;
/** Tries of one call that keeps meeting 429s before the job gives up (and is retried later as a whole). */
const MAX_ATTEMPTS = 5;
// Paced a tenth under the documented tier, as the Messenger is.
const SAFETY = 0.9;

type RosterMethod = "conversations.members" | "users.info";
type Person = RosterPage["people"][number];

export interface SlackRosterDirectoryOptions extends InstallationClientsOptions {
  log: Logger;
  /** Share the Messenger's gate to count one installation's calls together. */
  gate?: RateGate;
  /** Waits out a 429's Retry-After (tests inject a clock). */
  sleep?: (ms: number) => Promise<void>;
  /** Share the Messenger's clients; else built from refs, tokens and apiUrl. */
  clients?: InstallationClients;
}

interface UsersInfoUser {
  id?: string;
  team_id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  locale?: string;
  profile?: { real_name?: string; display_name?: string };
}

/**
 * Lists the people of a Slack channel (conversations.members, then users.info for each), paced to the
 * documented tiers. Each person is keyed by their own team, so a Slack Connect guest is the same person
 * in every channel; bots and deactivated accounts are left out.
 */
export class SlackRosterDirectory implements Directory {
  private readonly clients: InstallationClients;
  private readonly gate: RateGate;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SlackRosterDirectoryOptions) {
    this.clients = options.clients ?? new InstallationClients(options);
    this.gate = options.gate ?? new RateGate();
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async members(spaceKey: SpaceKey, cursor?: string, known?: (person: PersonKey) => Promise<boolean>): Promise<RosterPage> {
    const { log } = this.options;
    const found = await this.clients.reach(spaceKey);
    if ("status" in found || !found.ref.channelId) {
      log.info({ spaceKey, reason: "status" in found ? found.reason : "not_a_channel" }, "no Slack members to list");
      return { people: [] };
    }
    const channel = found.ref.channelId;
    let listed: webApi.ConversationsMembersResponse;
    try {
      listed = await this.paced(found, "conversations.members", () => found.client.conversations.members({ channel, cursor, limit: PAGE_LIMIT }));
    } catch (error) {
      const code = slackErrorCode(error);
      // The app left the channel or lost its install: asking again will not help, so the import ends here.
      if (!code || !UNREACHABLE_ERRORS.has(code)) throw error;
      log.warn({ spaceKey, code }, "Slack refused to list the members");
      return { people: [] };
    }
    const teamHint = found.ref.teamId || decodeKey(spaceKey).tenant;
    // Someone already on the roster under the channel's team is not asked about (users.info is paced to 90 a
    // minute): a re-import of a channel whose people are known takes a page a call, not minutes. A Slack
    // Connect guest's key names their own team, so they are asked about, and the caller skips them then.
    const people = await mapLimited(listed.members ?? [], CONCURRENCY, async (userId) =>
      (await known?.(personKey("slack", teamHint, userId))) ? undefined : this.person(found, userId, teamHint),
    );
    const next = listed.response_metadata?.next_cursor || undefined;
    const page: RosterPage = { people: people.filter((p): p is Person => p !== undefined) };
    return next ? { ...page, next } : page;
  }

  private async person(found: Reached, userId: string, teamHint: string): Promise<Person | undefined> {
    let user: UsersInfoUser | undefined;
    try {
      const info = await this.paced(found, "users.info", () => found.client.users.info({ user: userId, include_locale: true }));
      user = info.user as UsersInfoUser | undefined;
    } catch (error) {
      if (slackErrorCode(error) !== "user_not_found") throw error;
      this.options.log.debug({ userId }, "a channel member Slack no longer knows; left out");
    }
    if (!user || user.deleted || user.is_bot || userId === "USLACKBOT") return undefined;
    return {
      personKey: personKey("slack", user.team_id || teamHint, userId),
      displayName: (user.real_name || user.profile?.real_name || user.profile?.display_name || user.name || "").slice(0, LIMITS.displayName),
      ...(user.locale ? { locale: user.locale.slice(0, 35) } : {}),
    };
  }

  /** One call, paced per installation and method; a 429 holds the method back for its Retry-After, then retries. */
  private async paced<T>(found: Reached, method: RosterMethod, call: () => Promise<T>): Promise<T> {
    const perMinute = (SLACK_METHOD_RATE_LIMITS[method].perMinute ?? 50) * SAFETY;
    const key = `${found.installation}:${method}`;
    for (let attempt = 1; ; attempt++) {
      const blocked = await this.gate.take(key, perMinute, perMinute, Number.POSITIVE_INFINITY);
      if (blocked > 0) {
        await this.sleep(blocked);
        continue;
      }
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof webApi.WebAPIRateLimitedError) || attempt >= MAX_ATTEMPTS) throw error;
        this.gate.block(key, Math.max(1, error.retryAfter) * 1000);
      }
    }
  }
}

/** Maps with at most `limit` calls in flight, keeping the order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
