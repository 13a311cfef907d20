import type { webApi } from "@slack/bolt";
import { LIMITS, personKey, spaceKey, type Actor, type PersonKey, type SpaceRef } from "../core/domain.js";
import type { Mention } from "../core/textCommands.js";
import type { SlackDirectory } from "./directory.js";
import type { Workspace } from "./installationStore.js";

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

/** A DM with the app (D…) or the App Home (no channel) is the person's own space. */
export const isPersonal = (channelId: string | undefined) => !channelId || channelId.startsWith("D");

/** The person's key under their own team, so a Slack Connect guest stays themselves in every channel. */
export async function personOf(dir: SlackDirectory, client: webApi.WebClient, userId: string, teamHint: string): Promise<{ key: PersonKey; displayName: string; locale?: string; timezone?: string }> {
  const user = await dir.user(client, userId);
  return {
    key: personKey("slack", user?.teamId || teamHint, userId),
    displayName: (user?.displayName ?? "").slice(0, LIMITS.displayName),
    locale: user?.locale,
    timezone: user?.timezone,
  };
}

export async function actorOf(dir: SlackDirectory, inbound: Inbound): Promise<Actor> {
  const person = await personOf(dir, inbound.client, inbound.userId, inbound.userTeamHint || tenantOf(inbound.workspace));
  return {
    personKey: person.key,
    displayName: person.displayName,
    // Slack locales look like "en-GB"; the catalog lookup falls back from there to the language, then English.
    locale: (person.locale || "en").slice(0, 35),
    ...(person.timezone ? { timezone: person.timezone.slice(0, 64) } : {}),
  };
}

export async function spaceOf(dir: SlackDirectory, inbound: Inbound): Promise<SpaceRef> {
  const { channelId, workspace } = inbound;
  if (isPersonal(channelId)) {
    return { spaceKey: spaceKey("slack", tenantOf(workspace), channelId ?? inbound.userId), platform: "slack", displayName: "", personal: true };
  }
  const channel = await dir.channel(inbound.client, channelId!);
  const name = channel?.name ?? inbound.channelName;
  return {
    spaceKey: spaceKey("slack", channel?.hostTeamId || tenantOf(workspace), channelId!),
    platform: "slack",
    displayName: name ? `#${name}`.slice(0, LIMITS.displayName) : "",
    personal: false,
  };
}

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/**
 * Resolves `<@U123|name>` mentions into people and replaces each with `@U123`, so a display name
 * ("Luc Member") can never be read as a command word ("member").
 */
export async function mentionsIn(dir: SlackDirectory, inbound: Inbound, text: string): Promise<{ text: string; mentions: Mention[] }> {
  const ids = [...new Set([...text.matchAll(MENTION)].map((m) => m[1]!))];
  const mentions = await Promise.all(
    ids.map(async (id) => {
      const person = await personOf(dir, inbound.client, id, tenantOf(inbound.workspace));
      return { personKey: person.key, displayName: person.displayName || id };
    }),
  );
  return { text: text.replace(MENTION, (_m, id: string) => `@${id}`), mentions };
}
