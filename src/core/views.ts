import { z } from "zod";
import { Charter, CommunityStatus, Platform, Role } from "./domain.js";
import { CharterForm } from "./commands.js";

/** A catalog message with its parameters, rendered in the reader's locale by the adapter. */
export const MessageRef = z.object({
  key: z.string(),
  params: z.record(z.union([z.string(), z.number()])).default({}),
});
export type MessageRef = z.infer<typeof MessageRef>;

const base = { locale: z.string().default("en") };

export const HelpView = z.object({
  kind: z.literal("help"),
  ...base,
  communityName: z.string().optional(),
  canManage: z.boolean(),
  /** A message to show above the help, e.g. why the person got help instead of what they typed. */
  intro: MessageRef.optional(),
});

export const CharterFormView = z.object({
  kind: z.literal("charterForm"),
  ...base,
  mode: z.enum(["create", "edit"]),
  communityId: z.string().optional(),
  values: CharterForm,
  errors: z.record(z.string()).default({}),
});

export const CharterView = z.object({
  kind: z.literal("charter"),
  ...base,
  communityId: z.string(),
  charter: Charter,
  status: CommunityStatus,
  spaces: z.array(z.object({ platform: Platform, displayName: z.string() })),
  stewards: z.array(z.string()),
  memberCount: z.number().int().nonnegative(),
  canManage: z.boolean(),
});

export const RolesView = z.object({
  kind: z.literal("roles"),
  ...base,
  communityName: z.string(),
  people: z.array(z.object({ personKey: z.string(), displayName: z.string(), role: Role })),
  /** People not listed because the list was cut to what one message can hold. */
  omitted: z.number().int().nonnegative().default(0),
  canAssign: z.boolean(),
});

export const NoticeView = z.object({
  kind: z.literal("notice"),
  ...base,
  tone: z.enum(["info", "success", "warning", "error"]),
  message: MessageRef,
});

const count = z.number().int().nonnegative();

/** How far a fan-out has got, shown privately to the facilitator who started it and updated in place. */
export const ProgressView = z.object({
  kind: z.literal("progress"),
  ...base,
  fanoutId: z.string(),
  /** What is being sent, in a few words. */
  title: MessageRef,
  total: count,
  sent: count,
  failed: count,
  unreachable: count,
  queued: count,
  done: z.boolean(),
});

/** Everything the app shows, platform-neutral. Each kind has one Teams and one Slack renderer. */
export const View = z.discriminatedUnion("kind", [HelpView, CharterFormView, CharterView, RolesView, NoticeView, ProgressView]);
export type View = z.infer<typeof View>;
export type ViewKind = View["kind"];
export type ViewOf<K extends ViewKind> = Extract<View, { kind: K }>;

/**
 * Who sees a view: everyone in the space, or only the person who asked (Slack ephemeral, Teams
 * private reply or refreshed card).
 */
export type Audience = "space" | "actor";
export interface Reply {
  view: View;
  audience: Audience;
  /**
   * The view carries something only the asker may see (a link code). Adapters must deliver it where no one
   * else can read it (Slack ephemeral, the person's Teams 1:1 chat), never into a shared conversation.
   */
  secret?: boolean;
}
export interface Outcome {
  replies: Reply[];
}

/** What a view is about, in a few words: how a progress card names the message being sent. */
export function viewTitle(view: View): MessageRef {
  switch (view.kind) {
    case "help":
      return { key: "help.title", params: {} };
    case "charterForm":
      return { key: view.mode === "create" ? "form.create.title" : "form.edit.title", params: {} };
    case "charter":
      return { key: "charter.title", params: { name: view.charter.name } };
    case "roles":
      return { key: "roles.title", params: { name: view.communityName } };
    case "notice":
      return view.message;
    case "progress":
      return view.title;
  }
}
