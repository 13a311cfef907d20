import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/child.js";

const run = promisify(execFile);

// In a fresh process, as the app starts: what loading the Teams adapter loads, and that Teams AI's sign-in,
// whose botbuilder-dialogs is deferred, still builds its OAuth and SSO prompts when configured.
const SCRIPT = `
import { createRequire } from "node:module";
const require = createRequire(process.cwd() + "/package.json");
const loaded = (name) => Object.keys(require.cache).some((file) => file.includes("/node_modules/" + name + "/"));
await import("./src/teams/index.ts");
const atStart = { dialogs: loaded("botbuilder-dialogs"), templating: loaded("adaptivecards-templating") };
const { Application } = require("@microsoft/teams-ai/lib/Application.js");
const { MemoryStorage } = require("botbuilder");
const { HttpTeamsAdapter } = await import("./src/teams/httpAdapter.ts");
const app = new Application({
  adapter: new HttpTeamsAdapter({}),
  storage: new MemoryStorage(),
  authentication: { settings: {
    graph: { connectionName: "graph", title: "Sign in" },
    sso: { scopes: ["User.Read"], signInLink: "https://example.invalid/start", msalConfig: { auth: { clientId: "00000000-0000-0000-0000-000000000001", clientSecret: "x", authority: "https://login.microsoftonline.com/common" } } },
  } },
});
const dialogs = require("botbuilder-dialogs");
const oauth = app.authentication.get("graph")._botAuth._oauthPrompt;
const sso = app.authentication.get("sso")._botAuth._prompt;
console.log(JSON.stringify({
  atStart,
  oauthPrompt: oauth instanceof dialogs.OAuthPrompt,
  ssoPrompt: sso instanceof dialogs.Dialog && sso.constructor.name,
  complete: dialogs.DialogTurnStatus.complete,
}));
`;

describe("loading the Teams adapter", () => {
  it("leaves botbuilder-dialogs and the card template engine unloaded until sign-in or a card needs them", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], { cwd: ROOT });
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({
      atStart: { dialogs: false, templating: false },
      oauthPrompt: true,
      ssoPrompt: "TeamsSsoPrompt",
      complete: "complete",
    });
  }, 30_000);
});
