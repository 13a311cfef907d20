// First: Teams AI's unused sign-in modules then load botbuilder-dialogs only on first use (see the file).
import "./deferredSignIn.js";
import type { Adapter, AdapterContext } from "../adapters.js";
import { jsonBody } from "../server.js";
import { describeAuth } from "./auth.js";
import { createTeamsBot, type TeamsBot } from "./bot.js";
import { TeamsDirectory } from "./directory.js";

export const TEAMS_ENDPOINT = "/api/messages";

const ENDPOINT_INFO = { service: "Microsoft Teams bot", message: `POST Bot Framework activities to ${TEAMS_ENDPOINT}.` } as const;

export interface TeamsAdapterHandle extends Adapter {
  bot: TeamsBot;
}

/** The Teams adapter is always on: authenticated with an app id, else local (loopback, Playground). */
export async function createTeamsAdapter({ config, deps, kernel, log, storage, work }: AdapterContext): Promise<TeamsAdapterHandle> {
  const teamsLog = log.child({ component: "teams" });
  const bot = createTeamsBot({ teams: config.teams, deps, kernel, log: teamsLog, storage, work });
  return {
    name: "teams",
    bot,
    messenger: bot.messenger,
    directory: new TeamsDirectory({ adapter: bot.adapter, appId: config.teams.mode === "authenticated" ? config.teams.appId : "", refs: deps.repos.conversationRefs, log: teamsLog }),
    mount(app) {
      app.post(TEAMS_ENDPOINT, jsonBody, (req, res) => bot.handle(req, res));
      // Agents Playground probes the endpoint with HEAD on every page load; express answers HEAD from GET.
      app.get(TEAMS_ENDPOINT, (_req, res) => {
        res.status(200).json(ENDPOINT_INFO);
      });
    },
    describe(baseUrl) {
      const lines = [`POST ${baseUrl}${TEAMS_ENDPOINT}: Microsoft Teams bot (${describeAuth(config.teams)})`];
      if (config.teams.mode === "local") {
        lines.push(
          config.playground
            ? "Teams in the browser: Agents Playground is starting; its address follows (PLAYGROUND=off turns it off)"
            : "Teams in the browser: run `npm run playground` (Agents Playground) against this app",
        );
      }
      return lines;
    },
  };
}
