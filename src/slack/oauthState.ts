import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TableClient } from "@azure/data-tables";
import type { InstallURLOptions, StateStore } from "@slack/bolt";
import { z } from "zod";
import type { Logger } from "../log.js";
import { fromRow, getRow, insertRow, keyPart, statusOf, toRow } from "../store/entity.js";

/** How long an install link stays usable (as @slack/oauth's default state cookie). */
export const STATE_LIFETIME_SECONDS = 600;
export const STATE_COOKIE = "slack-app-oauth-state";

/** @slack/oauth's code for a state it refuses; its failure callback logs the code. */
export class InvalidStateError extends Error {
  readonly code = "slack_oauth_invalid_state";
  constructor(message: string) {
    super(message);
    this.name = "InvalidStateError";
  }
}

const Scopes = z.union([z.string(), z.array(z.string())]);
const StoredState = z.object({
  installOptions: z.object({
    scopes: Scopes,
    userScopes: Scopes.optional(),
    teamId: z.string().optional(),
    redirectUri: z.string().optional(),
    metadata: z.string().optional(),
  }) satisfies z.ZodType<InstallURLOptions>,
  issuedAt: z.string(),
});

// `<issued at, base-36 seconds>.<32 random characters>`: the time names the row's day partition, so old
// days (abandoned installs) can be dropped whole; the random part is what makes the state unguessable.
const STATE = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{32})$/;
const dayPartition = (seconds: number) => `d:${new Date(seconds * 1000).toISOString().slice(0, 10)}`;

/**
 * OAuth states on Azure Table Storage, each usable once: Bolt's default store is stateless, so a state
 * could be replayed for its whole lifetime. A state is a row inserted when the install page is served
 * and deleted, conditionally on its ETag, when Slack sends the person back: of two uses, one wins.
 */
export class TableStateStore implements StateStore {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
    private readonly lifetimeSeconds = STATE_LIFETIME_SECONDS,
  ) {}

  async generateStateParam(installOptions: InstallURLOptions, now: Date): Promise<string> {
    const issued = Math.floor(now.getTime() / 1000);
    const state = `${issued.toString(36)}.${randomBytes(24).toString("base64url")}`;
    const row = toRow(StoredState, dayPartition(issued), keyPart(state), "slackOAuthState", { installOptions, issuedAt: now.toISOString() });
    if ((await insertRow(this.table, row)) !== "created") throw new Error("could not record a new OAuth state");
    return state;
  }

  async verifyStateParam(now: Date, state: string): Promise<InstallURLOptions> {
    const match = STATE.exec(state);
    if (!match) throw new InvalidStateError("The state parameter is malformed.");
    const partition = dayPartition(Number.parseInt(match[1]!, 36));
    const row = await getRow(this.table, partition, keyPart(state));
    if (!row) throw new InvalidStateError("The state parameter is unknown or was already used.");
    try {
      await this.table.deleteEntity(partition, keyPart(state), { etag: row.etag });
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 412) throw new InvalidStateError("The state parameter was already used.");
      throw error;
    }
    const stored = fromRow(StoredState, row, this.log);
    if (!stored) throw new InvalidStateError("The state parameter is unreadable.");
    if (now.getTime() - Date.parse(stored.issuedAt) > this.lifetimeSeconds * 1000) throw new InvalidStateError("The state parameter has expired.");
    return stored.installOptions;
  }
}

const withSameSiteLax = (cookie: string) => (cookie.startsWith(`${STATE_COOKIE}=`) && !/;\s*SameSite=/i.test(cookie) ? `${cookie}; SameSite=Lax` : cookie);

/**
 * @slack/oauth sets its state cookie without a SameSite attribute and has no option for one. Its install
 * path calls `beforeRedirection` just before setting the cookie: the response then adds `SameSite=Lax`
 * to that cookie (Lax still sends it on Slack's top-level redirect back to us).
 */
export const stateCookieSameSiteLax = {
  beforeRedirection: async (_req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name: string, value: number | string | readonly string[]) => {
      if (name.toLowerCase() !== "set-cookie") return setHeader(name, value);
      return setHeader(name, typeof value === "string" ? withSameSiteLax(value) : Array.isArray(value) ? value.map(withSameSiteLax) : value);
    };
    return true;
  },
};
