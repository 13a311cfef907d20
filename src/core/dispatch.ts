import type { Request } from "./commands.js";
import type { CoreDeps } from "./ports.js";
import type { Outcome } from "./views.js";
import { ConcurrencyError, DomainError } from "./errors.js";
import * as community from "./community.js";
import { redeemLink, startLink } from "./linking.js";

/**
 * The one entry point every adapter calls: runs the command's workflow and turns expected failures
 * into a private notice for the person who asked. Unexpected errors propagate to the adapter.
 */
export async function handleRequest(deps: CoreDeps, request: Request): Promise<Outcome> {
  try {
    return await route(deps, request);
  } catch (error) {
    const locale = request.actor.locale;
    if (error instanceof DomainError) {
      const tone = error.code === "forbidden" || error.code === "invalid_input" ? "error" : "warning";
      return { replies: [{ audience: "actor", view: { kind: "notice", locale, tone, message: { key: error.messageKey, params: error.params } } }] };
    }
    if (error instanceof ConcurrencyError) {
      return { replies: [{ audience: "actor", view: { kind: "notice", locale, tone: "warning", message: { key: "notice.tryAgain", params: {} } } }] };
    }
    throw error;
  }
}

async function route(deps: CoreDeps, request: Request): Promise<Outcome> {
  const ctx = await community.loadContext(deps, request);
  const { command } = request;
  switch (command.type) {
    case "help":
      return community.showHelp(request, ctx);
    case "unknown":
      return {
        replies: [
          {
            audience: "actor",
            view: community.helpView(request, ctx, { key: "help.unknown", params: { text: command.text.slice(0, 80) } }),
          },
        ],
      };
    case "community.setup.open":
      return community.openSetup(request, ctx);
    case "community.setup":
      return community.setUp(deps, request, ctx, command);
    case "community.charter.show":
      return community.showCharter(deps, request, ctx);
    case "community.charter.edit":
      return community.editCharter(deps, request, ctx);
    case "community.charter.update":
      return community.updateCharter(deps, request, ctx, command);
    case "community.status.set":
      return community.setStatus(deps, request, ctx, command);
    case "community.roles.show":
      return community.showRoles(deps, request, ctx);
    case "community.role.assign":
      return community.assignRole(deps, request, ctx, command);
    case "space.link.start":
      return startLink(deps, request, ctx);
    case "space.link.redeem":
      return redeemLink(deps, request, ctx, command);
  }
}
