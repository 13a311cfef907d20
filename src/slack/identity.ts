import type { webApi } from "@slack/bolt";
import { LIMITS, personKey, spaceKey, type Actor, type PersonKey, type SpaceRef } from "../core/domain.js";
import type { SlackDirectory, SlackUser } from "./directory.js";
import { SlackLookupError } from "./errors.js";
import { installationKey, type Workspace } from "./installationStore.js";

/** Who and where a Slack request came from, before users.info and conversations.info fill the gaps. */
export interface Inbound {
  client: webApi.WebClient;
  /** The installation that received the request. */
  workspace: Workspace;
  userId: string;
  /** The user's own team as the payload says (event.user_team, user.team_id): a fallback for users.info. */
  userTeamHint?: string;
  /** Undefined for the App Home tab. */
  channelId?: string;
  channelName?: string;
}

/** What Bolt's context says about the installation (the same fields for events, commands and actions). */
export function workspaceOf(context: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): Workspace {
  return { teamId: context.teamId, enterpriseId: context.enterpriseId, isEnterpriseInstall: context.isEnterpriseInstall === true };
}

const tenantOf = (ws: Workspace) => ws.teamId ?? ws.enterpriseId ?? "unknown";

/** The installation that received the request: what the directory keys its answers by. */
function installationOf(ws: Workspace): string {
  if (ws.teamId || (ws.isEnterpriseInstall && ws.enterpriseId)) return installationKey(ws);
  return ws.enterpriseId ? `e:${ws.enterpriseId}` : "unknown";
}

/** A DM with the app (D…) or the App Home (no channel) is the person's own space. */
export const isPersonal = (channelId: string | undefined) => !channelId || channelId.startsWith("D");

type Person = { key: PersonKey; displayName: string; locale?: string; timezone?: string };

/** The person's key under their own team, so a Slack Connect guest stays themselves in every channel. */
function personFrom(user: SlackUser | undefined, userId: string, teamHint: string): Person {
  return {
    key: personKey("slack", user?.teamId || teamHint, userId),
    displayName: (user?.displayName ?? "").slice(0, LIMITS.displayName),
    locale: user?.locale,
    timezone: user?.timezone,
  };
}

/**
 * Who is asking. When users.info fails, the payload's team stands in: the person is the one Slack
 * authenticated, so only their name and locale are missing.
 */
export async function actorOf(dir: SlackDirectory, inbound: Inbound): Promise<Actor> {
  let user: SlackUser | undefined;
  try {
    user = await dir.user(inbound.client, installationOf(inbound.workspace), inbound.userId);
  } catch (error) {
    if (!(error instanceof SlackLookupError)) throw error;
  }
  const person = personFrom(user, inbound.userId, inbound.userTeamHint || tenantOf(inbound.workspace));
  return {
    personKey: person.key,
    displayName: person.displayName,
    // Slack locales look like "en-GB"; the catalog lookup falls back from there to the language, then English.
    locale: (person.locale || "en").slice(0, 35),
    ...(person.timezone ? { timezone: person.timezone.slice(0, 64) } : {}),
  };
}

/**
 * Where the request came from. Throws SlackLookupError when conversations.info fails for a channel:
 * without its host team a Slack Connect channel would get a second space key (a second community).
 */
export async function spaceOf(dir: SlackDirectory, inbound: Inbound): Promise<SpaceRef> {
  const { channelId, workspace } = inbound;
  if (isPersonal(channelId)) {
    return { spaceKey: spaceKey("slack", tenantOf(workspace), channelId ?? inbound.userId), platform: "slack", displayName: "", personal: true };
  }
  const channel = await dir.channel(inbound.client, installationOf(workspace), channelId!);
  const name = channel.name ?? inbound.channelName;
  return {
    spaceKey: spaceKey("slack", channel.hostTeamId || tenantOf(workspace), channelId!),
    platform: "slack",
    displayName: name ? `#${name}`.slice(0, LIMITS.displayName) : "",
    personal: false,
  };
}

/**
 * A person named in a request (a mention, a person field), looked up in the asker's own installation.
 * Throws SlackLookupError when users.info fails: a guessed identity could be given a role.
 */
export async function personOf(dir: SlackDirectory, inbound: Inbound, userId: string): Promise<Person> {
  const user = await dir.user(inbound.client, installationOf(inbound.workspace), userId);
  return personFrom(user, userId, tenantOf(inbound.workspace));
}
