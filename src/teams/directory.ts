import { TeamsInfo, type CloudAdapter, type ConversationReference, type TeamsChannelAccount, type TeamsPagedMembersResult } from "botbuilder";
import { decodeKey, LIMITS, type SpaceKey } from "../core/domain.js";
import type { ConversationRefs, Directory, RosterPage } from "../core/ports.js";
import type { Logger } from "../log.js";
import { teamsPersonKey } from "./inbound.js";
import { inTurn } from "./proactiveTurn.js";
import { classifyConnectorError } from "./retry.js";

/** Teams' largest page of members (smaller asks are raised to 50, larger capped at 500; chats come whole). */
const PAGE_SIZE = 500;

export interface TeamsDirectoryOptions {
  /** The app's adapter (HttpTeamsAdapter), so proactive turns authenticate as the bot does. */
  adapter: CloudAdapter;
  /** The bot's Microsoft App ID; empty in local mode. */
  appId: string;
  refs: ConversationRefs;
  log: Logger;
}

/**
 * Lists the people of a Teams space through its stored conversation reference: a channel lists its
 * team, a chat its members. People are keyed by their AAD object id, as their own messages are.
 */
export class TeamsDirectory implements Directory {
  constructor(private readonly options: TeamsDirectoryOptions) {}

  async members(spaceKey: SpaceKey, cursor?: string): Promise<RosterPage> {
    const { adapter, appId, refs, log } = this.options;
    const stored = await refs.get(spaceKey);
    if (!stored || stored.platform !== "teams" || stored.unreachable) {
      log.info({ spaceKey, reason: stored ? "conversation marked unreachable" : "no conversation reference" }, "no Teams members to list");
      return { people: [] };
    }
    const reference = stored.reference as Partial<ConversationReference>;
    let page: TeamsPagedMembersResult;
    try {
      page = await inTurn(
        (logic) => adapter.continueConversationAsync(appId, reference, logic),
        (context) => TeamsInfo.getPagedMembers(context, PAGE_SIZE, cursor),
      );
    } catch (error) {
      const failure = classifyConnectorError(error);
      // 403: the app was removed or blocked; asking again will not help, so the import ends here.
      if (failure.code !== "unreachable") throw error;
      log.warn({ spaceKey, failure }, "Teams refused to list the members");
      return { people: [] };
    }
    const { tenant } = decodeKey(spaceKey);
    const people = (page.members ?? []).filter(isPerson).map((member) => ({
      personKey: teamsPersonKey(tenant, member),
      displayName: (member.name ?? "").slice(0, LIMITS.displayName),
    }));
    return page.continuationToken ? { people, next: page.continuationToken } : { people };
  }
}

/** A person with an AAD identity (the key their messages carry); bots and accounts without one are left out. */
function isPerson(member: TeamsChannelAccount): boolean {
  if (!member.aadObjectId) return false;
  return member.role !== "bot" && member.userRole !== "bot" && !member.id.startsWith("28:");
}
