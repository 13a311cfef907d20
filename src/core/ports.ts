import type { Community, ConversationRef, LinkCode, Member, PersonKey, Space, SpaceKey } from "./domain.js";
import type { Card } from "./kernel/card.js";
import type { Sealer } from "./kernel/seal.js";
import type { EventBook } from "./workflows/events/ports.js";
import type { SurveyBook } from "./workflows/surveys/ports.js";
import type { OnboardingBook } from "./workflows/onboarding/ports.js";
import type { RecognitionBook } from "./workflows/recognition/ports.js";
import type { PlanBook } from "./workflows/plan/ports.js";
import type { ResourceLibrary } from "./workflows/knowledge/ports.js";
import type { MatchingBook } from "./workflows/matching/ports.js";
import type { SummariesBook } from "./workflows/summaries/ports.js";
import type { MetricsBook } from "./workflows/metrics/ports.js";

/** One page of a longer list; pass `continuationToken` back to get the next. */
export interface Page<T> {
  items: T[];
  continuationToken?: string;
}
export interface PageRequest {
  pageSize?: number;
  continuationToken?: string;
}

/** A stored thing with the ETag its next conditional write must present. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

export interface Communities {
  /** Inserts a new community; `duplicate` when the id is taken. */
  create(community: Community): Promise<"created" | "duplicate">;
  get(id: string): Promise<Versioned<Community> | undefined>;
  /** Replaces the community if it is still at `etag`; throws ConcurrencyError otherwise. Returns the new ETag. */
  update(community: Community, etag: string): Promise<string>;
}

export interface Spaces {
  /** Binds a chat place to a community; `taken` (with the owner) when it already belongs to one. */
  bind(space: Space): Promise<{ result: "bound" } | { result: "taken"; communityId: string }>;
  find(spaceKey: SpaceKey): Promise<Space | undefined>;
  listForCommunity(communityId: string): Promise<Space[]>;
}

export interface Members {
  /**
   * Inserts or replaces the member (role, profile, activity). With `ifCommunityAt`, the write happens only if
   * the community is still at that ETag (and moves it on), so two concurrent role changes cannot both pass a
   * check made on what they read; the loser gets a ConcurrencyError.
   */
  save(member: Member, options?: { ifCommunityAt?: string }): Promise<void>;
  /**
   * Adds a member unless they are one already (insert-only, so concurrent joins keep the first row), and clears
   * a `leave` they said before; `optedOut: false` says the caller has just found none to clear.
   */
  add(member: Member, options?: { optedOut?: false }): Promise<"added" | "exists">;
  /**
   * Takes a person off the roster: they stop getting the community's messages. With `optOut`, acting in the
   * community's spaces no longer adds them back (they said `leave`); `join` clears it.
   */
  remove(communityId: string, person: PersonKey, options?: { optOut?: boolean }): Promise<"removed" | "missing">;
  /** Whether the person said they left (so taking part does not enrol them again). */
  optedOut(communityId: string, person: PersonKey): Promise<boolean>;
  /** Saves many members of one community in as few transactions as the store allows. */
  saveMany(members: Member[]): Promise<void>;
  get(communityId: string, person: PersonKey): Promise<Member | undefined>;
  list(communityId: string, page?: PageRequest): Promise<Page<Member>>;
  /** How many members a community has, counted from rows (never a stored counter). */
  count(communityId: string): Promise<number>;
  /** Every community a person belongs to (for their App Home, and to export or erase their data). */
  communitiesOf(person: PersonKey): Promise<string[]>;
}

export interface ConversationRefs {
  save(ref: ConversationRef): Promise<void>;
  get(key: string): Promise<ConversationRef | undefined>;
  /**
   * The ref as this instance last read or wrote it within the last minute (once it marked it unreachable: as
   * stored): enough to tell whether a contact must write it again, not to deliver by (another instance may have
   * marked it since).
   */
  recent(key: string): Promise<ConversationRef | undefined>;
  markUnreachable(key: string): Promise<void>;
}

export interface LinkCodes {
  /** Stores a new code; `duplicate` when that code is live already (the caller draws another). */
  create(code: LinkCode): Promise<"created" | "duplicate">;
  /** Reads a live code without using it. */
  peek(code: string): Promise<LinkCode | undefined>;
  /** Consumes a code exactly once: the first caller gets it, everyone after gets `missing`. */
  take(code: string): Promise<LinkCode | "missing">;
}

/** Everything the core reads and writes, behind small ports (src/store implements them). */
export interface Repositories {
  communities: Communities;
  spaces: Spaces;
  members: Members;
  conversationRefs: ConversationRefs;
  linkCodes: LinkCodes;
  /** The events workflow's port. */
  events: EventBook;
  /** The surveys workflow's port. */
  surveys: SurveyBook;
  /** The onboarding workflow's port. */
  onboarding: OnboardingBook;
  /** The recognition workflow's port: kudos and milestones. */
  recognition: RecognitionBook;
  /** The knowledge workflow's port: the shared resource library. */
  resources: ResourceLibrary;
  /** The matching workflow's port. */
  matching: MatchingBook;
  /** The summaries workflow's port: digest schedule and runs, success stories. */
  summaries: SummariesBook;
  /** The plan workflow's port: programme plans. */
  plans: PlanBook;
  /** The metrics workflow's port: activity marks, leaves, per-period aggregates. */
  metrics: MetricsBook;
}

export interface Clock {
  now(): Date;
}

export interface Ids {
  newId(): string;
}

/** Where a proactive message goes: a space, or one person privately. */
export type DeliveryTarget = { kind: "space"; spaceKey: SpaceKey } | { kind: "person"; personKey: PersonKey };

export type DeliveryResult =
  | { status: "sent"; messageId: string }
  | { status: "unreachable"; reason: string }
  | { status: "throttled"; retryAfterMs: number }
  | { status: "failed"; reason: string; retryable: boolean };

/** Why a message did not go out (the same for a delivery and for an update). */
export type DeliveryFailure = Exclude<DeliveryResult, { status: "sent" }>;

/** How replacing a delivered message went. */
export type UpdateResult = { status: "updated" } | DeliveryFailure;

/** Delivers a card to a space or person, unprompted. One implementation per platform. */
export interface Messenger {
  deliver(target: DeliveryTarget, card: Card): Promise<DeliveryResult>;
  /** Replaces a message delivered to `target` with another card; `messageId` is what `deliver` answered. */
  update(target: DeliveryTarget, messageId: string, card: Card): Promise<UpdateResult>;
}

/** A job to run once at `dueAt` (UTC), in whichever instance claims it first; `key` makes it idempotent. */
export interface JobRequest {
  kind: string;
  /** Scheduling the same key again keeps the first job: put the occurrence in it (`event:42:reminder:P1D`). */
  key: string;
  dueAt: Date;
  /** Validated against the kind's schema now, and again when the job runs. */
  payload: unknown;
}

/** How far a fan-out (one message to many recipients) has got; derived from delivery records. */
export interface FanoutProgress {
  fanoutId: string;
  /** Recipients put on the queue so far (final once `enqueueDone`). */
  total: number;
  enqueueDone: boolean;
  queued: number;
  sent: number;
  failed: number;
  unreachable: number;
  done: boolean;
}

/** Durable jobs (src/scheduler implements them): reminders, nudges, digests, fan-outs. */
export interface Jobs {
  schedule(job: JobRequest): Promise<"scheduled" | "duplicate">;
  /** `started` when the job already ran or is running (too late to cancel). */
  cancel(key: string): Promise<"cancelled" | "missing" | "started">;
  /** Undefined until the fan-out job has started. */
  fanoutProgress(fanoutId: string): Promise<FanoutProgress | undefined>;
}

/** One copy of a card the app delivered: a message it posted in a space itself, or every space a fan-out reached. */
export type PostedCopy = { kind: "message"; spaceKey: SpaceKey; messageId: string; locale: string } | { kind: "fanout"; fanoutId: string };

/** Where delivered copies of a card are recorded under their workflow's key, so they can be refreshed in place. */
export interface Copies {
  posted(of: string, copy: PostedCopy): Promise<void>;
}

/** One page of the people in a chat place, as its platform lists them. */
export interface RosterPage {
  people: Array<{ personKey: PersonKey; displayName: string; locale?: string }>;
  /** Pass back for the next page; undefined after the last. */
  next?: string;
}

/** Lists who is in a space (Teams team or chat members; Slack conversations.members). One per platform. */
export interface Directory {
  /**
   * One page of the space's people. `known`: whether someone is on the roster already (the caller skips them);
   * a directory that looks each person up (Slack's users.info, paced to its tier) leaves them out unasked.
   */
  members(spaceKey: SpaceKey, cursor?: string, known?: (person: PersonKey) => Promise<boolean>): Promise<RosterPage>;
}

export interface CoreDeps {
  repos: Repositories;
  /** Seals form contexts (where a form was opened, by whom, at which version). */
  sealer: Sealer;
  clock: Clock;
  ids: Ids;
  jobs: Jobs;
  /** Copies of cards delivered to several spaces, by their workflow's key (`post(…, copies)`, `refreshCopies`). */
  copies: Copies;
  /** The platforms' member lists (set once the adapters are up). */
  directories: Partial<Record<"teams" | "slack", Directory>>;
  /** The app's own address, for links that open in a browser or calendar (unset: no such links). */
  links?: Links;
  /** Drafts an event's follow-up from a steward's notes; present only when a model is configured (else the feature is absent). */
  drafts?: FollowUpDrafter;
}

/** A follow-up as a model drafted it from notes: the follow-up form's fields, for the steward to edit. */
export interface DraftedFollowUp {
  discussed: string;
  decisions: string[];
  actions: Array<{ owner: string; action: string }>;
  resources: string[];
  nextSteps: string;
}

/** Why no draft came back: busy (rate-limited), too slow, the service failing, its content filter, or output that did not parse. */
export type DraftFailure = { reason: "busy"; retryAfterSeconds?: number } | { reason: "timeout" | "unavailable" | "filtered" | "malformed" };

export type DraftResult = { ok: true; draft: DraftedFollowUp } | { ok: false; failure: DraftFailure };

/** Turns pasted meeting notes into a follow-up draft (src/ai implements it with Azure OpenAI). Never throws for the service's failures. */
export interface FollowUpDrafter {
  draft(request: { title: string; notes: string; locale: string }): Promise<DraftResult>;
}

export interface Links {
  /** PUBLIC_URL, else the address the server listens on; undefined until it listens. */
  base(): string | undefined;
}
