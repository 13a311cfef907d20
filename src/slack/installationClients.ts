import { LRUCache } from "lru-cache";
import { webApi, type Logger as SlackLogger } from "@slack/bolt";
import type { ConversationRefs } from "../core/ports.js";
import { installationKey, type Workspace } from "./installationStore.js";
import type { BotTokens } from "./messenger.js";
import { SlackRef } from "./refs.js";
import { slackFetch } from "./transport.js";

export interface InstallationClientsOptions {
  refs: ConversationRefs;
  tokens: BotTokens;
  apiUrl?: string;
  slackLog?: SlackLogger;
}

/** A stored space or person, with a Web API client holding its installation's bot token. */
export interface Reached {
  key: string;
  ref: SlackRef;
  client: webApi.WebClient;
  /** installationKey of the workspace (or org): what rate limits are counted per. */
  installation: string;
}

export interface NotReached {
  status: "unreachable";
  reason: string;
}

/** One Web API client per bot token, found from a stored conversation ref (for the Messenger and the Directory). */
export class InstallationClients {
  /** By token; with many workspaces installed, the least recently used clients are dropped (made again on use). */
  private readonly clients = new LRUCache<string, webApi.WebClient>({ max: 1_000 });

  constructor(private readonly options: InstallationClientsOptions) {}

  /** The stored ref and a client with its installation's token, or why the key cannot be reached. */
  async reach(key: string): Promise<Reached | NotReached> {
    const stored = await this.options.refs.get(key);
    if (!stored || stored.platform !== "slack") return { status: "unreachable", reason: "no_conversation_ref" };
    if (stored.unreachable) return { status: "unreachable", reason: "marked_unreachable" };
    const parsed = SlackRef.safeParse(stored.reference);
    if (!parsed.success || (!parsed.data.channelId && !parsed.data.userId)) return { status: "unreachable", reason: "bad_conversation_ref" };
    const ref = parsed.data;
    const workspace: Workspace = { teamId: ref.teamId, enterpriseId: ref.enterpriseId, isEnterpriseInstall: ref.isEnterpriseInstall };
    const token = await this.options.tokens.botToken(workspace);
    if (!token) {
      await this.options.refs.markUnreachable(key);
      return { status: "unreachable", reason: "not_installed" };
    }
    return { key, ref, client: this.clientFor(token), installation: installationKey(workspace) };
  }

  clientFor(token: string): webApi.WebClient {
    let client = this.clients.get(token);
    if (!client) {
      client = new webApi.WebClient(token, {
        slackApiUrl: this.options.apiUrl,
        fetch: slackFetch,
        // A 429 comes back to the caller with its Retry-After; the caller decides when to try again.
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
        logger: this.options.slackLog,
      });
      this.clients.set(token, client);
    }
    return client;
  }
}
