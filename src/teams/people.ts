import { TeamsInfo, type TurnContext } from "botbuilder";
import type { People } from "../core/kernel/workflow.js";
import type { Logger } from "../log.js";
import { mentionsOf, teamsIds, teamsPersonKey } from "./inbound.js";

/**
 * People named in a Teams turn, resolved on the server: the AAD object id Teams puts in the mention (the
 * same id their own messages carry), else Teams' member lookup in this conversation. A person who cannot
 * be looked up is undefined, never a guessed identity; an id from card data is only ever looked up.
 */
export function teamsPeople(context: TurnContext, log: Logger): People {
  const { tenantId } = teamsIds(context.activity);
  return {
    async resolve(id) {
      const mentioned = mentionsOf(context.activity).find((m) => m.id === id);
      if (mentioned?.aadObjectId) return { personKey: teamsPersonKey(tenantId, mentioned), displayName: mentioned.name };
      try {
        const member = await TeamsInfo.getMember(context, id);
        return { personKey: teamsPersonKey(tenantId, member), displayName: member.name ?? mentioned?.name ?? "" };
      } catch (error) {
        log.warn({ err: error, userId: id.slice(0, 80) }, "could not look up a Teams person");
        return undefined;
      }
    },
  };
}
