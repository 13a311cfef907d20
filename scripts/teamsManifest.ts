/**
 * Builds the Teams app manifest from manifests/teams/manifest.json: fills in the bot's app id, its domain
 * and the app version, then checks the result against Microsoft's JSON schema for its manifestVersion
 * (shipped offline by npm `@microsoft/app-manifest`) and the documented rules the schema cannot express.
 * Icon rules come from "Teams app package" docs: color 192x192 full colour, outline 32x32 white on
 * transparent.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import ajvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { PNG } from "pngjs";
import { z } from "zod";

export const TEAMS_MANIFEST_DIR = fileURLToPath(new URL("../manifests/teams/", import.meta.url));
export const TEAMS_MANIFEST_TEMPLATE = `${TEAMS_MANIFEST_DIR}manifest.json`;
export const TEAMS_ICON_FILES = { color: "color.png", outline: "outline.png" } as const;

const require = createRequire(import.meta.url);

export type TeamsManifest = Record<string, unknown> & { manifestVersion?: unknown };

export class TeamsManifestError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("; "));
    this.name = "TeamsManifestError";
  }
}

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

const TeamsEnv = z
  .object({
    MICROSOFT_APP_ID: z
      .string({ required_error: "MICROSOFT_APP_ID is not set" })
      .trim()
      .min(1, "MICROSOFT_APP_ID is not set")
      .regex(GUID, "MICROSOFT_APP_ID must be the bot's Microsoft App ID, a GUID"),
    BOT_DOMAIN: z
      .string()
      .trim()
      .regex(/^[a-zA-Z0-9.-]+(:\d+)?$/, "BOT_DOMAIN must be a host name such as cop.example.org (no https://, no path)")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    PUBLIC_URL: z
      .string()
      .trim()
      .url("PUBLIC_URL must be an absolute URL such as https://cop.example.org")
      .refine((u) => new URL(u).protocol === "https:", "PUBLIC_URL must use https (Teams only calls https bots)")
      .optional()
      .or(z.literal("").transform(() => undefined)),
  })
  .transform((env, ctx) => {
    const botDomain = env.BOT_DOMAIN ?? (env.PUBLIC_URL === undefined ? undefined : new URL(env.PUBLIC_URL).host);
    if (botDomain === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "BOT_DOMAIN (or PUBLIC_URL) is not set" });
      return z.NEVER;
    }
    return { botId: env.MICROSOFT_APP_ID.toLowerCase(), botDomain };
  });

export interface TeamsSettings {
  botId: string;
  botDomain: string;
}

/** The settings the manifest needs, from the environment; throws one line naming what is missing or wrong. */
export function parseTeamsEnv(env: Record<string, string | undefined>): TeamsSettings {
  const result = TeamsEnv.safeParse(env);
  if (!result.success) throw new TeamsManifestError([result.error.issues[0]?.message ?? "the environment is invalid"]);
  return result.data;
}

function appVersion(): string {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as { version: string };
  return pkg.version;
}

/** The manifest template with `${{BOT_ID}}`, `${{BOT_DOMAIN}}` and `${{APP_VERSION}}` filled in. */
export function buildTeamsManifest(
  env: Record<string, string | undefined>,
  template: string = readFileSync(TEAMS_MANIFEST_TEMPLATE, "utf8"),
): TeamsManifest {
  const { botId, botDomain } = parseTeamsEnv(env);
  const values: Record<string, string> = { BOT_ID: botId, BOT_DOMAIN: botDomain, APP_VERSION: appVersion() };
  const filled = template.replace(/\$\{\{([A-Z_]+)\}\}/g, (placeholder, name: string) =>
    // values are GUIDs, host names and semver, so they need no JSON escaping
    values[name] ?? placeholder,
  );
  return JSON.parse(filled) as TeamsManifest;
}

type Validate = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params: object }> | null };
const validators = new Map<string, Validate>();

/** Microsoft's schema for a manifestVersion, compiled once (draft-04, as the schemas declare). */
function schemaValidator(manifestVersion: string): Validate | undefined {
  const cached = validators.get(manifestVersion);
  if (cached) return cached;
  let schemaPath: string;
  try {
    schemaPath = require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`);
  } catch {
    return undefined;
  }
  const ajv = new ajvDraft04.default({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object) as Validate;
  validators.set(manifestVersion, validate);
  return validate;
}

function describeError(error: { instancePath: string; message?: string; params: object }): string {
  const where = error.instancePath === "" ? "manifest" : error.instancePath;
  const extra = "additionalProperty" in error.params ? ` (${String(error.params.additionalProperty)})` : "";
  return `${where} ${error.message ?? "is invalid"}${extra}`;
}

/** Every problem found: Microsoft's schema first, then documented rules it cannot express. */
export function validateTeamsManifest(manifest: unknown): string[] {
  if (typeof manifest !== "object" || manifest === null) return ["manifest must be a JSON object"];
  const m = manifest as TeamsManifest;
  const version = typeof m.manifestVersion === "string" ? m.manifestVersion : "";
  const validate = schemaValidator(version);
  if (!validate) return [`manifestVersion ${JSON.stringify(m.manifestVersion)} has no schema in @microsoft/app-manifest`];
  const problems = validate(m) ? [] : (validate.errors ?? []).map(describeError);

  const leftover = JSON.stringify(m).match(/\$\{\{[A-Za-z_]+\}\}/g);
  if (leftover) problems.push(`placeholders left unfilled: ${[...new Set(leftover)].join(", ")}`);
  const name = m.name as { short?: string; full?: string } | undefined;
  if (name?.full !== undefined && name.full === name.short) problems.push("/name/full must differ from /name/short");
  const description = m.description as { short?: string; full?: string } | undefined;
  if (description?.short && description.full === description.short) problems.push("/description/full must differ from /description/short");
  const bots = (m.bots ?? []) as Array<{ botId?: string }>;
  if (bots[0]?.botId !== undefined && bots[0].botId !== m.id) problems.push("/bots/0/botId must equal /id (one Microsoft App ID for app and bot)");
  return problems;
}

/** Problems with the icon files: sizes, PNG format, and the outline icon being white on transparent. */
export function checkTeamsIcons(color: Buffer, outline: Buffer): string[] {
  const problems: string[] = [];
  const read = (file: string, data: Buffer): PNG | undefined => {
    try {
      return PNG.sync.read(data);
    } catch (error) {
      problems.push(`${file} is not a valid PNG (${(error as Error).message})`);
      return undefined;
    }
  };
  const colorPng = read(TEAMS_ICON_FILES.color, color);
  if (colorPng && (colorPng.width !== 192 || colorPng.height !== 192)) {
    problems.push(`${TEAMS_ICON_FILES.color} must be 192x192 pixels, not ${colorPng.width}x${colorPng.height}`);
  }
  const outlinePng = read(TEAMS_ICON_FILES.outline, outline);
  if (outlinePng) {
    if (outlinePng.width !== 32 || outlinePng.height !== 32) {
      problems.push(`${TEAMS_ICON_FILES.outline} must be 32x32 pixels, not ${outlinePng.width}x${outlinePng.height}`);
    }
    let transparent = 0;
    let coloured = 0;
    const { data } = outlinePng;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) transparent += 1;
      else if (data[i] !== 255 || data[i + 1] !== 255 || data[i + 2] !== 255) coloured += 1;
    }
    if (transparent === 0) problems.push(`${TEAMS_ICON_FILES.outline} must have a transparent background`);
    if (coloured > 0) problems.push(`${TEAMS_ICON_FILES.outline} must be white only (${coloured} pixels are another colour)`);
  }
  return problems;
}
