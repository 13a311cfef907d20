import type { webApi } from "@slack/bolt";
import type { Logger } from "../log.js";
import { lookupErrorCode, SlackLookupError } from "./errors.js";

/** A small expiring cache with a size bound (oldest entry dropped first). */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}

/** A person as users.info reports them: their own team (Slack Connect guests keep theirs), name, locale. */
export interface SlackUser {
  id: string;
  teamId?: string;
  displayName: string;
  locale?: string;
  timezone?: string;
}

/** A channel as conversations.info reports it: the workspace hosting it, and its name. */
export interface SlackChannel {
  id: string;
  hostTeamId?: string;
  name?: string;
  isShared: boolean;
}

interface UsersInfoUser {
  team_id?: string;
  name?: string;
  real_name?: string;
  locale?: string;
  tz?: string;
  profile?: { real_name?: string; display_name?: string };
}

interface ConversationsInfoChannel {
  name?: string;
  conversation_host_id?: string;
  context_team_id?: string;
  is_shared?: boolean;
  is_ext_shared?: boolean;
  is_org_shared?: boolean;
}

/**
 * users.info and conversations.info, cached briefly: names and locales change rarely, rate limits apply.
 * Every entry is kept under the installation that asked (`t:<team>` / `e:<enterprise>`) as well as the
 * id: what one workspace's token sees must never answer for another workspace.
 */
export class SlackDirectory {
  private readonly users: TtlCache<string, SlackUser>;
  private readonly channels: TtlCache<string, SlackChannel>;

  constructor(
    private readonly log: Logger,
    ttlMs = 5 * 60_000,
    now: () => number = Date.now,
  ) {
    this.users = new TtlCache(ttlMs, 5_000, now);
    this.channels = new TtlCache(ttlMs, 5_000, now);
  }

  /** The person as `installation` sees them; throws SlackLookupError when Slack does not say. */
  async user(client: webApi.WebClient, installation: string, userId: string): Promise<SlackUser> {
    const key = `${installation}|${userId}`;
    const cached = this.users.get(key);
    if (cached) return cached;
    let u: UsersInfoUser | undefined;
    try {
      u = (await client.users.info({ user: userId, include_locale: true })).user as UsersInfoUser | undefined;
    } catch (error) {
      this.log.warn({ err: error, installation, userId }, "users.info failed");
      throw new SlackLookupError("user_lookup_failed", userId, lookupErrorCode(error), { cause: error });
    }
    if (!u) throw new SlackLookupError("user_lookup_failed", userId, "no_user");
    const user: SlackUser = {
      id: userId,
      teamId: u.team_id,
      displayName: u.real_name || u.profile?.real_name || u.profile?.display_name || u.name || "",
      locale: u.locale,
      timezone: u.tz,
    };
    this.users.set(key, user);
    return user;
  }

  /** The channel as `installation` sees it; throws SlackLookupError when Slack does not say. */
  async channel(client: webApi.WebClient, installation: string, channelId: string): Promise<SlackChannel> {
    const key = `${installation}|${channelId}`;
    const cached = this.channels.get(key);
    if (cached) return cached;
    let c: ConversationsInfoChannel | undefined;
    try {
      c = (await client.conversations.info({ channel: channelId })).channel as ConversationsInfoChannel | undefined;
    } catch (error) {
      this.log.warn({ err: error, installation, channelId }, "conversations.info failed");
      throw new SlackLookupError("channel_lookup_failed", channelId, lookupErrorCode(error), { cause: error });
    }
    if (!c) throw new SlackLookupError("channel_lookup_failed", channelId, "no_channel");
    const channel: SlackChannel = {
      id: channelId,
      // Slack Connect: every party sees the same channel id; the host's team makes the same space key for all.
      hostTeamId: c.conversation_host_id || c.context_team_id || undefined,
      name: c.name,
      isShared: Boolean(c.is_shared || c.is_ext_shared || c.is_org_shared),
    };
    this.channels.set(key, channel);
    return channel;
  }
}
