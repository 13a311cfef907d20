import type { z } from "zod";
import type { Community, Member, PersonKey, Space } from "../domain.js";
import type { MessageKey } from "../i18n/index.js";
import type { CoreDeps } from "../ports.js";
import type { Card } from "./card.js";
import type { FormSpec, RawValues } from "./forms.js";
import type { CardRef, Outcome } from "./outcome.js";
import type { Reader } from "./reader.js";
import type { Request } from "./request.js";
import type { Words } from "./words.js";

/** Who may run a command. Declared on every command and checked centrally, before its handler runs. */
export type Permission = "anyone" | "member" | "steward" | "facilitator" | "sponsor";
/**
 * Where a command makes sense: in a space bound to a community, in a shared space not bound yet
 * (setting one up, linking), or anywhere (help). Checked centrally too.
 */
export type Where = "community" | "unbound" | "anywhere";

/** A person someone named (a Teams @mention, a Slack <@U…>), as the platform identifies them. */
export interface Mention {
  /** The platform's own user id (Teams `29:…`, Slack `U…`): resolved to a person on the server, never trusted as one. */
  id: string;
  name: string;
}

/** Looks people up on the platform, within the asker's own tenant or installation. */
export interface People {
  /** undefined when the platform would not say just now: nothing may be given to a guessed identity. */
  resolve(platformUserId: string): Promise<{ personKey: PersonKey; displayName: string } | undefined>;
}

/** Everything a handler gets: the request, its reader, and the community loaded once for it. */
export interface Context {
  deps: CoreDeps;
  request: Request;
  reader: Reader;
  words: Words;
  people: People;
  space?: Space;
  community?: Community;
  /** The community's ETag as read for this request. */
  etag?: string;
  /** The asker's membership (undefined: not a member). */
  member?: Member;
  /** Taking part in this request made them a member just now. */
  enrolledNow?: boolean;
  /** A form submission's sealed context: the version it was opened at, and what it edits. */
  submitted?: { version?: string; args: Record<string, string>; values: RawValues };
  /** The commands this reader may run here, for help and for buttons. */
  can(verb: string): boolean;
  registry: RegistryView;
}
export type CommunityContext = Context & { space: Space; community: Community; etag: string };
export type ContextFor<W extends Where> = W extends "community" ? CommunityContext : Context;

/** What a typed command looks like: its first words, and how the rest of the line becomes its input. */
export interface TextGrammar {
  /** Lower-case phrases, each one or more words; the longest that starts the line wins. */
  words: readonly string[];
  /** Whether this command takes a line whose first words match (two commands may share them: `link` / `link CODE`). */
  when?(rest: string): boolean;
  /** The rest of the line (original case, mentions taken out) as raw input for the command's schema. */
  parse?(rest: string, mentions: Mention[]): unknown;
}

/** A help line: how it is typed (catalog key, e.g. `status STAGE`) and what it does. */
export interface HelpEntry {
  usage: MessageKey;
  describe: MessageKey;
}

export interface CommandDef<I = unknown, W extends Where = Where> {
  /** The action id on both platforms (Teams `verb`, Slack `action_id`/`callback_id`). */
  verb: string;
  permission: Permission;
  where: W;
  /** Steward commands change things, so a closed community refuses them unless this says otherwise. */
  whenClosed?: "allowed";
  /** Whether it may run in a 1:1 chat with the app (default: only `where: "anywhere"` commands may). */
  personal?: boolean;
  input: z.ZodType<I, z.ZodTypeDef, unknown>;
  text?: TextGrammar;
  help?: HelpEntry;
  /** A button for it on the help card (the label's catalog key), for those who may run it there. */
  button?: { label: MessageKey; opensForm?: boolean };
  /**
   * Run from a message's menu (Slack message shortcut, Teams message action) with the message as its input
   * `{ message }`; only ever that way. `title` names it in the menu (manifests list the same verb and title).
   */
  messageAction?: { title: MessageKey };
  /**
   * A request to it writes nothing about the person (an anonymous answer): no enrolment, no activity mark, so no
   * row names them at the moment they answered. A non-member is refused with how to join.
   */
  unlinkable?: boolean;
  /**
   * It answers the asker alone and changes nothing: its outcome holds only replies and forms to open (the kernel
   * refuses anything else), and it writes nothing itself. What the kernel keeps on every request (the ref for
   * answering later, an enrolment, an activity mark) comes out the same however often it runs. So a replay of a
   * signed request to it can only repeat an answer the asker already has: Slack requests to it are checked
   * against replays in memory, not in storage.
   */
  readOnly?: boolean;
  /** Submitted through this form: the kernel checks its fields and the sealed context first. */
  form?: FormSpec<I>;
  handle(ctx: ContextFor<W>, input: I): Promise<Outcome>;
}

/** Declares a command with its input type inferred from the schema. */
export function command<I, W extends Where>(def: CommandDef<I, W>): CommandDef<I, W> {
  return def;
}

/** A function from data and reader to a card; its data is checked when a card is asked for, and at delivery. */
export interface PresenterDef<D = unknown> {
  name: string;
  schema: z.ZodType<D, z.ZodTypeDef, unknown>;
  render(data: D, words: Words): Card;
}
export function presenter<D>(def: PresenterDef<D>): PresenterDef<D> {
  return def;
}

export interface JobContext {
  deps: CoreDeps;
  key: string;
  dueAt: Date;
  lateMs: number;
  signal: AbortSignal;
}

/** A kind of durable job a workflow runs: reminders, nudges, digests. Must be idempotent. */
export interface JobDef<P = unknown> {
  kind: string;
  schema: z.ZodType<P, z.ZodTypeDef, unknown>;
  run(payload: P, ctx: JobContext): Promise<Outcome>;
  /** For recurring jobs: the next occurrence after this one (each gets its own idempotency key). */
  next?(payload: P, dueAt: Date): Date | undefined;
}
export function job<P>(def: JobDef<P>): JobDef<P> {
  return def;
}

/**
 * Loads the card whose copies `refreshCopies` updates, as it is now (counts read when the refresh runs, so
 * the last refresh of a burst shows the burst's end). undefined: nothing to show any more (copies left as they are).
 */
export interface CopySourceDef<A = unknown> {
  name: string;
  args: z.ZodType<A, z.ZodTypeDef, unknown>;
  load(args: A, deps: CoreDeps): Promise<CardRef | undefined>;
}
export function copySource<A>(def: CopySourceDef<A>): CopySourceDef<A> {
  return def;
}

/** What a workflow's read-only HTTP route answers: a file to download, or why there is none (404). */
export type RouteAnswer = { kind: "file"; contentType: string; filename: string; body: string } | { kind: "missing"; reason: string };

/**
 * A read-only HTTP resource a workflow serves (calendar files, exports), at `${ROUTE_PREFIX}/<workflow>/<path>`.
 * No sign-in: whatever the link opens must be named by an unguessable token in it (`Sealer.sealLink`).
 */
export interface RouteDef<P = unknown> {
  /** Below the workflow's prefix; `:name` marks a parameter (e.g. `calendar/:file`). */
  path: string;
  /** The path's parameters; what fails to parse is answered 404, never passed on. */
  params: z.ZodType<P, z.ZodTypeDef, unknown>;
  get(params: P, ctx: { deps: CoreDeps }): Promise<RouteAnswer>;
}
export function route<P>(def: RouteDef<P>): RouteDef<P> {
  return def;
}
/** Where every workflow's routes are mounted. */
export const ROUTE_PREFIX = "/w";
/** The absolute address of a workflow's route, when the app knows its own (`deps.links`). */
export function routeUrl(deps: CoreDeps, workflow: string, path: string): string | undefined {
  const base = deps.links?.base();
  return base ? `${base.replace(/\/+$/, "")}${ROUTE_PREFIX}/${workflow}/${path}` : undefined;
}

/** Things that happen in a space rather than commands someone gives. */
export interface SpaceEvents {
  /** The app was added to a space. */
  installed?(ctx: Context): Promise<Outcome>;
  /** People joined a bound space (or were found there when it was bound). */
  joined?(ctx: CommunityContext, people: Array<{ personKey: PersonKey; displayName: string }>): Promise<Outcome>;
  left?(ctx: CommunityContext, people: PersonKey[]): Promise<Outcome>;
  /** A member's request in a bound space was carried out (on every request's path: keep it cheap). */
  acted?(ctx: CommunityContext): Promise<Outcome | undefined>;
  /** A person opened their home (Slack App Home): this workflow's part of it (its blocks follow the earlier workflows'). */
  home?(ctx: Context): Promise<Card | undefined>;
}

/** One feature: everything the rest of the app needs to know about it, as data. */
export interface Workflow {
  name: string;
  // Commands differ in input type; each was checked where it was declared with `command()`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  commands: ReadonlyArray<CommandDef<any, any>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  presenters: ReadonlyArray<PresenterDef<any>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forms?: ReadonlyArray<FormSpec<any>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  jobs?: ReadonlyArray<JobDef<any>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  routes?: ReadonlyArray<RouteDef<any>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  copySources?: ReadonlyArray<CopySourceDef<any>>;
  events?: SpaceEvents;
}

/** What handlers may read of the registry (help lists commands from it). */
export interface RegistryView {
  commands(): ReadonlyArray<CommandDef>;
  form(name: string): FormSpec | undefined;
}
