/**
 * The workspace the fake Slack Web API serves: teams, users, channels, tokens, messages and views, seeded
 * with a home workspace, a Slack Connect partner and (optionally) an Enterprise Grid org.
 */
import { manifestBotScopes } from "../../scripts/slackManifest.js";

export interface FakeTeam {
  id: string;
  name: string;
  domain: string;
  enterprise_id?: string;
  enterprise_name?: string;
}

export interface FakeUser {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  deleted: boolean;
  is_bot: boolean;
  is_admin: boolean;
  tz: string;
  tz_label: string;
  tz_offset: number;
  locale: string;
  enterprise_user?: {
    id: string;
    enterprise_id: string;
    enterprise_name: string;
    is_admin: boolean;
    is_owner: boolean;
    teams: string[];
  };
  profile: { real_name: string; display_name: string; email?: string; team: string; image_48: string };
}

export interface FakeChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_im: boolean;
  is_archived: boolean;
  is_shared: boolean;
  is_ext_shared: boolean;
  is_org_shared: boolean;
  context_team_id: string;
  shared_team_ids: string[];
  /** Whether the app's bot user is in the channel. */
  is_member: boolean;
  members: string[];
  created: number;
  /** For DMs: the other person. */
  user?: string;
}

export interface TokenGrant {
  token: string;
  /** The workspace, or the org for an org-wide (Enterprise Grid) install. */
  teamId: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
  botUserId: string;
  botId: string;
  appId: string;
  scopes: string[];
  revoked: boolean;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown;
  thread_ts?: string;
  user: string;
}

export interface StoredView {
  id: string;
  hash: string;
  view: Record<string, unknown>;
  rootId: string;
  userId?: string;
}

export interface FakeSlackSeed {
  teamId?: string;
  teamName?: string;
  /** Makes the home workspace part of an Enterprise Grid org: auth.test and users carry enterprise ids. */
  enterpriseId?: string;
  enterpriseName?: string;
  botToken?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Bot scopes granted to every token; defaults to the scopes manifests/slack/manifest.yaml requests. */
  scopes?: string[];
  clientId?: string;
  clientSecret?: string;
}

/** The ids the fake seeds, shared with slackRequests.ts so signed requests name people the fake knows. */
export const FAKE_IDS = {
  teamId: "T01COPHOME",
  enterpriseId: "E01COPORG",
  partnerTeamId: "T02PARTNR",
  botUserId: "U01COPBOT",
  botId: "B01COPBOT",
  appId: "A01COPAPP",
  facilitator: "U01FACIL",
  member: "U01MEMBER",
  /** A Slack Connect guest from the partner organisation. */
  guest: "U02GUEST",
  general: "C01GENERAL",
  /** Slack Connect channel shared with the partner team. */
  shared: "C01SHARED",
  private: "G01PRIVATE",
  /** Public channel the bot has not joined. */
  noBot: "C01NOBOT",
} as const;

const PARTNER_TEAM_ID = FAKE_IDS.partnerTeamId;

export class FakeSlackState {
  readonly teams = new Map<string, FakeTeam>();
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly tokens = new Map<string, TokenGrant>();
  readonly messages = new Map<string, StoredMessage>();
  readonly views = new Map<string, StoredView>();
  readonly homeViews = new Map<string, StoredView>();
  readonly usedTriggers = new Set<string>();
  readonly oauthCodes = new Map<string, { enterprise: boolean; userId: string; teamId?: string }>();
  readonly teamId: string;
  readonly enterpriseId: string | undefined;
  readonly enterpriseName: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly scopes: string[];
  readonly clientId: string;
  readonly clientSecret: string;
  private serial = 0;

  constructor(seed: FakeSlackSeed = {}) {
    this.teamId = seed.teamId ?? FAKE_IDS.teamId;
    this.enterpriseId = seed.enterpriseId;
    this.enterpriseName = seed.enterpriseName ?? "Partners Org";
    this.botUserId = seed.botUserId ?? FAKE_IDS.botUserId;
    this.botId = seed.botId ?? FAKE_IDS.botId;
    this.appId = seed.appId ?? FAKE_IDS.appId;
    this.scopes = seed.scopes ?? manifestBotScopes();
    this.clientId = seed.clientId ?? "1111111111.2222222222";
    this.clientSecret = seed.clientSecret ?? "fake-client-secret";
    const grid = this.enterpriseId ? { enterprise_id: this.enterpriseId, enterprise_name: this.enterpriseName } : {};
    this.teams.set(this.teamId, { id: this.teamId, name: seed.teamName ?? "Health CoP", domain: "health-cop", ...grid });
    this.teams.set(PARTNER_TEAM_ID, { id: PARTNER_TEAM_ID, name: "Partner Institute", domain: "partner-inst" });
    this.addToken(seed.botToken ?? "xoxb-fake-bot-token", this.teamId, this.enterpriseId, false);
    this.seedPeople();
  }

  private seedPeople(): void {
    const { facilitator, member, guest } = FAKE_IDS;
    this.setUser({ id: this.botUserId, name: "cop-companion", real_name: "CoP Companion", is_bot: true });
    this.setUser({ id: facilitator, name: "ana", real_name: "Ana Facilitator", is_admin: true, tz: "Europe/London", tz_label: "British Summer Time", tz_offset: 3600, locale: "en-GB" });
    this.setUser({ id: member, name: "luc", real_name: "Luc Member", tz: "Europe/Paris", tz_label: "Central European Summer Time", tz_offset: 7200, locale: "fr-FR" });
    this.setUser({ id: guest, team_id: PARTNER_TEAM_ID, name: "sofia", real_name: "Sofia Partner", tz: "America/Bogota", tz_label: "Colombia Standard Time", tz_offset: -18000, locale: "es-ES" });
    const people = [this.botUserId, facilitator, member];
    this.setChannel({ id: FAKE_IDS.general, name: "cop-general", members: people });
    this.setChannel({ id: FAKE_IDS.shared, name: "cop-partners", is_shared: true, is_ext_shared: true, shared_team_ids: [this.teamId, PARTNER_TEAM_ID], members: [...people, guest] });
    this.setChannel({ id: FAKE_IDS.private, name: "cop-core-team", is_private: true, members: [this.botUserId, facilitator] });
    this.setChannel({ id: FAKE_IDS.noBot, name: "random", is_member: false, members: [facilitator, member] });
  }

  addToken(token: string, teamId: string, enterpriseId: string | undefined, isEnterpriseInstall: boolean): TokenGrant {
    const grant: TokenGrant = {
      token, teamId, enterpriseId, isEnterpriseInstall, botUserId: this.botUserId, botId: this.botId,
      appId: this.appId, scopes: [...this.scopes], revoked: false,
    };
    this.tokens.set(token, grant);
    return grant;
  }

  setUser(user: Partial<FakeUser> & { id: string }): FakeUser {
    const prev = this.users.get(user.id);
    const teamId = user.team_id ?? prev?.team_id ?? this.teamId;
    const realName = user.real_name ?? prev?.real_name ?? user.id;
    const name = user.name ?? prev?.name ?? user.id.toLowerCase();
    const grid = this.enterpriseId && teamId === this.teamId
      ? { enterprise_user: { id: user.id, enterprise_id: this.enterpriseId, enterprise_name: this.enterpriseName, is_admin: false, is_owner: false, teams: [teamId] } }
      : {};
    const next: FakeUser = {
      deleted: false, is_bot: false, is_admin: false, tz: "Europe/Brussels", tz_label: "Central European Summer Time",
      tz_offset: 7200, locale: "en-US", ...grid, ...prev, ...user, team_id: teamId, name, real_name: realName,
      profile: { real_name: realName, display_name: name, team: teamId, image_48: `https://avatars.example/${user.id}.png`, ...prev?.profile, ...user.profile },
    };
    this.users.set(next.id, next);
    return next;
  }

  setChannel(channel: Partial<FakeChannel> & { id: string }): FakeChannel {
    const prev = this.channels.get(channel.id);
    const next: FakeChannel = {
      name: channel.id.toLowerCase(), is_private: false, is_im: false, is_archived: false, is_shared: false,
      is_ext_shared: false, is_org_shared: false, context_team_id: this.teamId, shared_team_ids: [this.teamId],
      is_member: true, members: [], created: 1_700_000_000, ...prev, ...channel,
    };
    this.channels.set(next.id, next);
    return next;
  }

  /** A unique id with Slack's shape: prefix + uppercase alphanumerics. */
  newId(prefix: string): string {
    this.serial += 1;
    return `${prefix}0${this.serial.toString(36).toUpperCase().padStart(8, "0")}`;
  }

  /** Message timestamps look like Slack's ("1700000000.000123") and never repeat. */
  nextTs(nowMs: number): string {
    this.serial += 1;
    return `${Math.floor(nowMs / 1000)}.${String(this.serial % 1_000_000).padStart(6, "0")}`;
  }
}
