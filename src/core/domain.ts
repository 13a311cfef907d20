import { datetimeRegex, z } from "zod";

/** Every stored or exchanged thing is defined here once, as a zod schema with its inferred type. */

export const PLATFORMS = ["teams", "slack"] as const;
export const Platform = z.enum(PLATFORMS);
export type Platform = z.infer<typeof Platform>;

export const PURPOSES = ["relationships", "learning", "tasks", "knowledge"] as const;
/** The four purpose areas of a CoP: developing relationships, learning and developing practice,
 * carrying out tasks and projects, creating new knowledge. */
export const Purpose = z.enum(PURPOSES);
export type Purpose = z.infer<typeof Purpose>;

export const ROLES = ["facilitator", "co-facilitator", "member", "sponsor"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Roles allowed to change the charter, roles and programme of a community. */
export const STEWARD_ROLES: readonly Role[] = ["facilitator", "co-facilitator"];

export const COMMUNITY_STATUSES = ["pilot", "launched", "wrapping-up", "closed"] as const;
export const CommunityStatus = z.enum(COMMUNITY_STATUSES);
export type CommunityStatus = z.infer<typeof CommunityStatus>;

export const LIMITS = {
  name: 80,
  shortText: 200,
  longText: 1000,
  listItems: 10,
  displayName: 120,
} as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const textList = z.array(text(LIMITS.shortText)).max(LIMITS.listItems);

export const Guidelines = z.object({
  participation: z.string().trim().max(LIMITS.longText).default(""),
  contribution: z.string().trim().max(LIMITS.longText).default(""),
  conflictResolution: z.string().trim().max(LIMITS.longText).default(""),
});
export type Guidelines = z.infer<typeof Guidelines>;

export const Charter = z.object({
  name: text(LIMITS.name),
  domain: text(LIMITS.shortText),
  audience: text(LIMITS.shortText),
  purposes: z.array(Purpose).min(1).max(PURPOSES.length),
  goals: textList.default([]),
  outcomes: textList.default([]),
  guidelines: Guidelines.default({}),
});
export type Charter = z.infer<typeof Charter>;

/**
 * An ISO 8601 date-time with `Z` or an offset: zod's own `datetime` pattern, compiled once (zod 3 builds a new
 * RegExp on every check, and stored rows carry several instants each, read on every request).
 */
export const Instant = z.string().regex(datetimeRegex({ offset: true }), "Invalid datetime");

/**
 * A person as the platform knows them. `personKey` is the opaque identity used everywhere else:
 * `teams:<tenantId>:<aadObjectId or user id>` or `slack:<teamId>:<userId>`.
 */
export const PersonKey = z.string().regex(/^(teams|slack):[^:]+:.+$/, "a person key");
export type PersonKey = z.infer<typeof PersonKey>;

/** One chat place: `teams:<tenantId>:<conversationId>` or `slack:<teamId>:<channelId>`. */
export const SpaceKey = z.string().regex(/^(teams|slack):[^:]+:.+$/, "a space key");
export type SpaceKey = z.infer<typeof SpaceKey>;

export const Community = z.object({
  id: z.string().min(1),
  charter: Charter,
  status: CommunityStatus,
  createdAt: Instant,
  createdBy: PersonKey,
  updatedAt: Instant,
});
export type Community = z.infer<typeof Community>;

export const Space = z.object({
  communityId: z.string().min(1),
  spaceKey: SpaceKey,
  platform: Platform,
  displayName: z.string().max(LIMITS.displayName).default(""),
  boundAt: Instant,
  boundBy: PersonKey,
});
export type Space = z.infer<typeof Space>;

export const Profile = z.object({
  organisation: z.string().max(LIMITS.shortText).default(""),
  role: z.string().max(LIMITS.shortText).default(""),
  expertise: z.array(z.string().max(LIMITS.shortText)).max(LIMITS.listItems).default([]),
  interests: z.array(z.string().max(LIMITS.shortText)).max(LIMITS.listItems).default([]),
  offers: z.string().max(LIMITS.longText).default(""),
  wantsToLearn: z.string().max(LIMITS.longText).default(""),
  timezone: z.string().max(64).default(""),
  /** Shared with the community (else only its owner sees more than their name); unset: not shared. */
  visible: z.boolean().optional(),
});
export type Profile = z.infer<typeof Profile>;

export const Member = z.object({
  communityId: z.string().min(1),
  personKey: PersonKey,
  displayName: z.string().max(LIMITS.displayName),
  role: Role,
  spaceKey: SpaceKey.optional(),
  profile: Profile.default({}),
  /** The language their platform last reported: what fan-outs write to them in. */
  locale: z.string().max(35).optional(),
  joinedAt: Instant,
  lastActiveAt: Instant,
});
export type Member = z.infer<typeof Member>;

/** What a platform needs to message a space or person later, unprompted (proactive messaging). */
export const ConversationRef = z.object({
  key: z.string().min(1),
  platform: Platform,
  reference: z.record(z.unknown()),
  unreachable: z.boolean().default(false),
  updatedAt: Instant,
  /**
   * A 1:1 chat is stored twice, under its space's key and its person's, the same conversation: each row
   * names the other. Finding one unreachable marks both, so reading the person's row alone tells whether
   * either must be written again (Teams `ReferenceRecorder`, `TeamsMessenger`).
   */
  twin: z.string().min(1).optional(),
});
export type ConversationRef = z.infer<typeof ConversationRef>;

/** A one-time code that links another space to a community (single use, short-lived). */
export const LinkCode = z.object({
  code: z.string().regex(/^[A-Z2-9]{8}$/),
  communityId: z.string().min(1),
  createdBy: PersonKey,
  createdIn: SpaceKey,
  createdAt: Instant,
  expiresAt: Instant,
});
export type LinkCode = z.infer<typeof LinkCode>;

/** The person who asked for something, as their platform reported them. */
export const Actor = z.object({
  personKey: PersonKey,
  displayName: z.string().max(LIMITS.displayName).default(""),
  locale: z.string().max(35).default("en"),
  timezone: z.string().max(64).optional(),
});
export type Actor = z.infer<typeof Actor>;

/** The chat place a request came from. */
export const SpaceRef = z.object({
  spaceKey: SpaceKey,
  platform: Platform,
  displayName: z.string().max(LIMITS.displayName).default(""),
  /** A one-to-one chat with the app (Teams personal scope, Slack DM or App Home). */
  personal: z.boolean().default(false),
});
export type SpaceRef = z.infer<typeof SpaceRef>;

export function personKey(platform: Platform, tenant: string, userId: string): PersonKey {
  return `${platform}:${tenant}:${userId}`;
}

export function spaceKey(platform: Platform, tenant: string, conversationId: string): SpaceKey {
  return `${platform}:${tenant}:${conversationId}`;
}

/** Splits a person or space key back into its parts (the id part may itself contain ':'). */
export function decodeKey(key: string): { platform: Platform; tenant: string; id: string } {
  const first = key.indexOf(":");
  const second = key.indexOf(":", first + 1);
  if (first < 0 || second < 0) throw new Error(`not a platform key: ${key}`);
  return {
    platform: Platform.parse(key.slice(0, first)),
    tenant: key.slice(first + 1, second),
    id: key.slice(second + 1),
  };
}
