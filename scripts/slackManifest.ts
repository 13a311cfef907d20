/**
 * Builds the Slack app manifest from manifests/slack/manifest.yaml: fills in PUBLIC_URL and checks the
 * result against the manifest's documented rules before anyone pastes it into api.slack.com/apps.
 * Field limits come from Slack's app manifest reference (docs.slack.dev/reference/app-manifest), as
 * mirrored in the @slack/web-api 8.2 `Manifest` type comments.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { z } from "zod";

export const SLACK_MANIFEST_TEMPLATE = fileURLToPath(new URL("../manifests/slack/manifest.yaml", import.meta.url));

const PLACEHOLDER = "${PUBLIC_URL}";

/** The scopes each subscribed bot event needs; one of the listed scopes suffices. */
// docs.slack.dev/reference/events/<event>: "Required scopes" on each event's page
export const EVENT_SCOPES: Readonly<Record<string, readonly string[]>> = {
  app_home_opened: [],
  app_mention: ["app_mentions:read"],
  member_joined_channel: ["channels:read", "groups:read"],
  member_left_channel: ["channels:read", "groups:read"],
  app_uninstalled: [],
  tokens_revoked: [],
  "message.im": ["im:history"],
  "message.channels": ["channels:history"],
  "message.groups": ["groups:history"],
  "message.mpim": ["mpim:history"],
  team_join: ["users:read"],
  channel_shared: ["channels:read", "groups:read"],
};

// One message per problem, checked in order, so the CLI can print a single clear line.
const PublicUrl = z
  .string({ required_error: "PUBLIC_URL is not set" })
  .trim()
  .superRefine((value, ctx) => {
    const problem = publicUrlProblem(value);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  })
  .transform((u) => u.replace(/\/+$/, ""));

function publicUrlProblem(value: string): string | undefined {
  if (value === "") return "PUBLIC_URL is not set";
  if (!URL.canParse(value)) return "PUBLIC_URL must be an absolute URL such as https://cop.example.org";
  const url = new URL(value);
  if (url.protocol !== "https:") return "PUBLIC_URL must use https (Slack only calls https request URLs)";
  if (url.search !== "" || url.hash !== "") return "PUBLIC_URL must not have a query or fragment";
  return undefined;
}

/** PUBLIC_URL validated and without a trailing slash; throws a one-line message when it is unusable. */
export function parsePublicUrl(value: unknown): string {
  const result = PublicUrl.safeParse(value);
  if (!result.success) throw new SlackManifestError([result.error.issues[0]?.message ?? "PUBLIC_URL is invalid"]);
  return result.data;
}

export class SlackManifestError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("; "));
    this.name = "SlackManifestError";
  }
}

const Text = (max: number) => z.string().min(1).max(max);
const HttpsUrl = z.string().url().startsWith("https://", "must be an https URL");

// Limits from the app manifest reference; .passthrough() keeps fields we do not check.
const ManifestSchema = z
  .object({
    _metadata: z.object({ major_version: z.number().int(), minor_version: z.number().int() }).partial().optional(),
    display_information: z
      .object({
        name: Text(35),
        description: Text(140).optional(),
        long_description: Text(4000).optional(),
        background_color: z.string().regex(/^#[0-9a-fA-F]{3,6}$/).optional(),
      })
      .passthrough(),
    features: z
      .object({
        app_home: z
          .object({
            home_tab_enabled: z.boolean(),
            messages_tab_enabled: z.boolean(),
            messages_tab_read_only_enabled: z.boolean(),
          })
          .partial()
          .optional(),
        bot_user: z
          .object({
            display_name: Text(80).regex(/^[a-z0-9._-]+$/, "may only contain a-z, 0-9, -, _ and ."),
            always_online: z.boolean().optional(),
          })
          .optional(),
        slash_commands: z
          .array(
            z.object({
              command: Text(32).startsWith("/", "must start with /"),
              url: HttpsUrl.optional(),
              description: Text(2000),
              usage_hint: Text(1000).optional(),
              should_escape: z.boolean().optional(),
            }),
          )
          .max(50)
          .optional(),
      })
      .passthrough()
      .optional(),
    oauth_config: z
      .object({
        redirect_urls: z.array(HttpsUrl).max(1000).optional(),
        scopes: z
          .object({
            bot: z.array(z.string().regex(/^[a-z_]+(\.[a-z_]+)*:[a-z_.]+$|^commands$/)).max(255).optional(),
            user: z.array(z.string()).max(255).optional(),
          })
          .optional(),
      })
      .optional(),
    settings: z
      .object({
        event_subscriptions: z
          .object({
            request_url: HttpsUrl.optional(),
            bot_events: z.array(z.string()).max(100).optional(),
            user_events: z.array(z.string()).max(100).optional(),
          })
          .optional(),
        interactivity: z
          .object({ is_enabled: z.boolean(), request_url: HttpsUrl.optional(), message_menu_options_url: HttpsUrl.optional() })
          .optional(),
        org_deploy_enabled: z.boolean().optional(),
        socket_mode_enabled: z.boolean().optional(),
        token_rotation_enabled: z.boolean().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export type SlackManifest = z.infer<typeof ManifestSchema>;

/** Everything wrong with a manifest: shape and lengths, then the rules that tie its parts together. */
export function checkSlackManifest(raw: unknown): string[] {
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".") || "manifest"}: ${i.message}`);
  const m = parsed.data;
  const problems: string[] = [];
  const botScopes = new Set(m.oauth_config?.scopes?.bot ?? []);
  const socketMode = m.settings?.socket_mode_enabled === true;
  const commands = m.features?.slash_commands ?? [];
  const events = m.settings?.event_subscriptions?.bot_events ?? [];

  if (botScopes.size > 0 && !m.features?.bot_user) problems.push("features.bot_user is required when bot scopes are requested");
  if (commands.length > 0 && !botScopes.has("commands")) problems.push("slash commands need the bot scope commands");
  const names = commands.map((c) => c.command);
  if (new Set(names).size !== names.length) problems.push("slash command names must be unique");
  for (const c of commands) {
    if (!socketMode && !c.url) problems.push(`${c.command}: url is required unless socket mode is on`);
  }
  for (const event of events) {
    const needs = EVENT_SCOPES[event];
    if (needs === undefined) problems.push(`event ${event}: unknown to this checker, add its scopes to EVENT_SCOPES`);
    else if (needs.length > 0 && !needs.some((s) => botScopes.has(s))) {
      problems.push(`event ${event} needs one of the bot scopes ${needs.join(", ")}`);
    }
  }
  if (events.length > 0 && !socketMode && !m.settings?.event_subscriptions?.request_url) {
    problems.push("settings.event_subscriptions.request_url is required unless socket mode is on");
  }
  const interactivity = m.settings?.interactivity;
  if (interactivity?.is_enabled && !socketMode && !interactivity.request_url) {
    problems.push("settings.interactivity.request_url is required when interactivity is enabled");
  }
  if (events.includes("message.im") && m.features?.app_home?.messages_tab_enabled !== true) {
    problems.push("message.im needs features.app_home.messages_tab_enabled so people can write to the app");
  }
  if (JSON.stringify(m).includes(PLACEHOLDER)) problems.push(`${PLACEHOLDER} was not filled in`);
  return problems;
}

/** Replaces the placeholder in every string of a parsed manifest (never in the YAML text, so no injection). */
function fillPlaceholder(value: unknown, publicUrl: string): unknown {
  if (typeof value === "string") return value.split(PLACEHOLDER).join(publicUrl);
  if (Array.isArray(value)) return value.map((v) => fillPlaceholder(v, publicUrl));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPlaceholder(v, publicUrl)]));
  }
  return value;
}

export function loadManifestTemplate(path = SLACK_MANIFEST_TEMPLATE): unknown {
  return parse(readFileSync(path, "utf8"));
}

/** The manifest for a deployment at publicUrl, as an object and as YAML; throws SlackManifestError. */
export function buildSlackManifest(
  publicUrl: string,
  template: unknown = loadManifestTemplate(),
): { manifest: SlackManifest; yaml: string } {
  const base = parsePublicUrl(publicUrl);
  const filled = fillPlaceholder(template, base);
  const problems = checkSlackManifest(filled);
  if (problems.length > 0) throw new SlackManifestError(problems);
  const manifest = ManifestSchema.parse(filled);
  return { manifest, yaml: stringify(manifest, { lineWidth: 0 }) };
}

/** The bot scopes the manifest requests: the fake Slack API grants exactly these to its tokens. */
export function manifestBotScopes(template: unknown = loadManifestTemplate()): string[] {
  // Read before PUBLIC_URL is filled in, so only this part of the manifest is parsed.
  const Scopes = z.object({ oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }) });
  const parsed = Scopes.safeParse(template);
  if (!parsed.success) throw new SlackManifestError(["oauth_config.scopes.bot is missing from the manifest"]);
  return [...parsed.data.oauth_config.scopes.bot];
}
