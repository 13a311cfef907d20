/**
 * Roster and team lookups of the fake Bot Connector, as "Get Teams specific context for your bot"
 * (bots/how-to/get-teams-context) describes them:
 * - `GET /v3/conversations/{id}/pagedmembers?pageSize=&continuationToken=`: a page size under 50 is taken as
 *   50, over 500 as 500, none as 200; a team or channel is paged, a chat always comes whole. Members are
 *   TeamsChannelAccounts (`id`, `name`, `aadObjectId`, `userRole`…); the last page has no continuationToken.
 * - `GET /v3/teams/{teamId}`: TeamDetails `{ id, name, aadGroupId }`.
 * - `GET /v3/teams/{teamId}/conversations`: `{ conversations: ChannelInfo[] }`; the General channel has the
 *   team's id and no name.
 */

export const PAGED_MEMBERS = { min: 50, default: 200, max: 500 } as const;

/** Someone on a team's or chat's roster; without an aadObjectId (a federated or anonymous account) or a bot. */
export interface ConnectorRosterMember {
  id: string;
  name: string;
  aadObjectId?: string;
  userRole?: "user" | "guest" | "bot";
}

export interface ConnectorTeam {
  id: string;
  name: string;
  /** Channels after General (which the fake lists first, with the team's id and no name). */
  channels?: ReadonlyArray<{ id: string; name: string }>;
}

export interface RosterAnswer {
  status: number;
  body: unknown;
}

const notFound = (code: string, message: string): RosterAnswer => ({ status: 404, body: { error: { code, message } } });

/** Channel (and team) conversation ids are `19:…@thread.tacv2` (or the older `@thread.skype`); chats are not paged. */
const isTeamConversation = (id: string) => /@thread\.(tacv2|skype)$/.test(id);

export function pagedMembers(conversationId: string, roster: readonly ConnectorRosterMember[], query: URLSearchParams, tenantId: string): RosterAnswer {
  const accounts = roster.map((m) => ({
    id: m.id,
    name: m.name,
    ...(m.aadObjectId ? { aadObjectId: m.aadObjectId, userPrincipalName: `${m.aadObjectId}@example.org` } : {}),
    userRole: m.userRole ?? "user",
    tenantId,
  }));
  if (!isTeamConversation(conversationId)) return { status: 200, body: { members: accounts } };
  const asked = Number(query.get("pageSize") ?? PAGED_MEMBERS.default);
  const size = Math.min(PAGED_MEMBERS.max, Math.max(PAGED_MEMBERS.min, Number.isFinite(asked) ? asked : PAGED_MEMBERS.default));
  const token = query.get("continuationToken");
  let start = 0;
  if (token) {
    const match = /^(.+)\|(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!match || match[1] !== conversationId) return { status: 400, body: { error: { code: "BadArgument", message: "Invalid continuation token." } } };
    start = Number(match[2]);
  }
  const end = start + size;
  const body: { members: unknown[]; continuationToken?: string } = { members: accounts.slice(start, end) };
  if (end < accounts.length) body.continuationToken = Buffer.from(`${conversationId}|${end}`).toString("base64url");
  return { status: 200, body };
}

export function teamDetails(teams: readonly ConnectorTeam[], teamId: string): RosterAnswer {
  const team = teams.find((t) => t.id === teamId);
  if (!team) return notFound("NotFound", "Team not found.");
  return { status: 200, body: { id: team.id, name: team.name, aadGroupId: `aad-group-${team.id.length}` } };
}

export function teamChannels(teams: readonly ConnectorTeam[], teamId: string): RosterAnswer {
  const team = teams.find((t) => t.id === teamId);
  if (!team) return notFound("NotFound", "Team not found.");
  return { status: 200, body: { conversations: [{ id: team.id }, ...(team.channels ?? []).map((c) => ({ id: c.id, name: c.name }))] } };
}
