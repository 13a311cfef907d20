import { isIP } from "node:net";
import { resolve } from "node:path";
import { z } from "zod";

/** Every setting comes from the environment; none is needed for the embedded default. */
const optional = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const LISTENERS = "a whole number from 1 to 64";

const Env = z.object({
  PORT: z.coerce.number({ message: "a port number" }).int().min(0).max(65535).default(3978),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  HTTP_LISTENERS: optional.pipe(z.coerce.number({ message: LISTENERS }).int(LISTENERS).min(1, LISTENERS).max(64, LISTENERS).optional()),
  PUBLIC_URL: optional.pipe(z.string().url("an absolute URL such as https://cop.example.org").optional()),
  AZURE_STORAGE_CONNECTION_STRING: optional.pipe(
    z.string().regex(/(AccountName=|TableEndpoint=|UseDevelopmentStorage=true)/, "an Azure Storage connection string").optional(),
  ),
  DATA_DIR: z.string().trim().min(1).default("./.data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  PLAYGROUND: z.enum(["on", "off"]).default("on"),
  MICROSOFT_APP_ID: optional.pipe(z.string().uuid("a GUID (the Azure Bot's Microsoft App ID)").optional()),
  MICROSOFT_APP_PASSWORD: optional,
  MICROSOFT_APP_TENANT_ID: optional.pipe(z.string().uuid("a GUID (your Entra tenant id)").optional()),
  MICROSOFT_APP_TYPE: z.enum(["SingleTenant", "UserAssignedMSI"], { message: "SingleTenant or UserAssignedMSI" }).default("SingleTenant"),
  SLACK_SIGNING_SECRET: optional,
  SLACK_BOT_TOKEN: optional.pipe(z.string().startsWith("xoxb-", "a bot token starting with xoxb-").optional()),
  SLACK_CLIENT_ID: optional,
  SLACK_CLIENT_SECRET: optional,
  SLACK_STATE_SECRET: optional,
  SLACK_API_URL: optional.pipe(z.string().url("a URL such as https://slack.com/api/").optional()),
  // https; plain http only on this machine (a local stand-in for tests and development).
  AZURE_OPENAI_ENDPOINT: optional.pipe(
    z
      .string()
      .url("an https URL such as https://NAME.openai.azure.com")
      .refine((v) => v.startsWith("https://") || (v.startsWith("http://") && isLoopback(new URL(v).hostname)), "an https URL such as https://NAME.openai.azure.com")
      .optional(),
  ),
  AZURE_OPENAI_API_KEY: optional,
  AZURE_OPENAI_DEPLOYMENT: optional.pipe(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "a deployment name (letters, digits, . _ -)").optional()),
  AZURE_OPENAI_API_VERSION: optional.pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, "an API version such as 2024-10-21").optional()),
});

export type TeamsConfig =
  | { mode: "local" }
  | { mode: "authenticated"; appId: string; appType: "SingleTenant" | "UserAssignedMSI"; password?: string; tenantId: string };

export type SlackConfig =
  | { mode: "off" }
  | { mode: "single-workspace"; signingSecret: string; botToken: string; apiUrl?: string }
  | { mode: "oauth"; signingSecret: string; clientId: string; clientSecret: string; stateSecret: string; apiUrl?: string };

export type StorageConfig = { mode: "embedded"; dataDir: string } | { mode: "account"; connectionString: string };

/** An Azure OpenAI deployment for drafting follow-ups from notes; absent: the feature is absent. */
export interface AiConfig {
  endpoint: string;
  apiKey: string;
  deployment: string;
  apiVersion: string;
}
/** The chat completions API version used when none is set (GA, with structured outputs). */
export const DEFAULT_AZURE_OPENAI_API_VERSION = "2024-10-21";

export interface Config {
  port: number;
  host: string;
  /** Listening sockets on the port (HTTP_LISTENERS); unset: as many as `LISTENERS_WHERE_AVAILABLE` where the runtime can. */
  listeners?: number;
  publicUrl?: string;
  logLevel: z.infer<typeof Env>["LOG_LEVEL"];
  /** `auto`: readable lines on a terminal, JSON otherwise (log collectors read JSON). */
  logFormat: z.infer<typeof Env>["LOG_FORMAT"];
  dataDir: string;
  storage: StorageConfig;
  teams: TeamsConfig;
  slack: SlackConfig;
  playground: boolean;
  ai?: AiConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1" || host === "[::1]";
}

/**
 * True for a storage emulator on this machine: the development-storage shorthand, or every service
 * endpoint given explicitly on a loopback host. Anything else (an AccountName alone resolves to
 * *.core.windows.net, an EndpointSuffix, any remote endpoint or proxy) is a remote account.
 */
export function isLoopbackEmulator(connectionString: string): boolean {
  const settings = new Map<string, string>();
  for (const part of connectionString.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) settings.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const loopbackUrl = (value: string) => {
    try {
      return isLoopback(new URL(value).hostname);
    } catch {
      return false;
    }
  };
  const endpoints = [...settings].filter(([name]) => name.endsWith("endpoint") || name === "developmentstorageproxyuri").map(([, value]) => value);
  if (!endpoints.every(loopbackUrl) || settings.has("endpointsuffix")) return false;
  if (settings.get("usedevelopmentstorage")?.toLowerCase() === "true") return true;
  return settings.has("tableendpoint") && settings.has("queueendpoint");
}

/** Parses the environment; throws ConfigError with one line per bad or missing variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // App Service passes a Key Vault reference it could not resolve through as its literal text.
  const unresolved = Object.keys(Env.shape).filter((name) => env[name]?.trim().startsWith("@Microsoft.KeyVault("));
  if (unresolved.length) {
    throw new ConfigError(
      unresolved.map((name) => `${name}: is an unresolved Key Vault reference; check that the app's identity may read the vault secret`),
    );
  }
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: expected ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const need = (names: Array<keyof typeof e>, why: string) => {
    for (const name of names) if (!e[name]) problems.push(`${name}: required ${why}`);
  };

  let teams: TeamsConfig = { mode: "local" };
  if (e.MICROSOFT_APP_ID) {
    need(["MICROSOFT_APP_TENANT_ID"], "when MICROSOFT_APP_ID is set (single-tenant or managed-identity bots)");
    if (e.MICROSOFT_APP_TYPE === "SingleTenant") need(["MICROSOFT_APP_PASSWORD"], "for a SingleTenant bot (the app registration's client secret)");
    teams = {
      mode: "authenticated",
      appId: e.MICROSOFT_APP_ID,
      appType: e.MICROSOFT_APP_TYPE,
      password: e.MICROSOFT_APP_PASSWORD,
      tenantId: e.MICROSOFT_APP_TENANT_ID ?? "",
    };
  } else {
    for (const name of ["MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID"] as const) {
      if (e[name]) problems.push(`${name}: set, but MICROSOFT_APP_ID is not; set MICROSOFT_APP_ID too, or unset it for local mode`);
    }
    if (!isLoopback(e.HOST)) {
      problems.push(`HOST: ${e.HOST} is not a loopback address; without MICROSOFT_APP_ID the Teams endpoint has no authentication, so set MICROSOFT_APP_ID or use HOST=127.0.0.1`);
    }
    // A reverse proxy on the same host would defeat the loopback checks: real data needs real authentication.
    if (e.AZURE_STORAGE_CONNECTION_STRING && !isLoopbackEmulator(e.AZURE_STORAGE_CONNECTION_STRING)) {
      problems.push(
        "AZURE_STORAGE_CONNECTION_STRING: names a remote storage account, but without MICROSOFT_APP_ID the Teams endpoint has no authentication (local mode); set MICROSOFT_APP_ID (with its tenant and secret), or unset AZURE_STORAGE_CONNECTION_STRING to use the embedded storage",
      );
    }
  }

  let slack: SlackConfig = { mode: "off" };
  const oauthVars = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const;
  if (oauthVars.some((name) => e[name])) {
    need([...oauthVars, "SLACK_SIGNING_SECRET"], "for Slack installs across workspaces (OAuth)");
    slack = {
      mode: "oauth",
      signingSecret: e.SLACK_SIGNING_SECRET ?? "",
      clientId: e.SLACK_CLIENT_ID ?? "",
      clientSecret: e.SLACK_CLIENT_SECRET ?? "",
      stateSecret: e.SLACK_STATE_SECRET ?? "",
      apiUrl: e.SLACK_API_URL,
    };
  } else if (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET) {
    need(["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"], "for a single-workspace Slack app");
    slack = { mode: "single-workspace", signingSecret: e.SLACK_SIGNING_SECRET ?? "", botToken: e.SLACK_BOT_TOKEN ?? "", apiUrl: e.SLACK_API_URL };
  }

  const aiVars = ["AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_DEPLOYMENT"] as const;
  // All or none: a partial set is a mistake, never a feature half on.
  if (aiVars.some((name) => e[name]) || e.AZURE_OPENAI_API_VERSION) need([...aiVars], "for drafting follow-ups with Azure OpenAI (set all of them, or none)");
  const ai = e.AZURE_OPENAI_ENDPOINT && e.AZURE_OPENAI_API_KEY && e.AZURE_OPENAI_DEPLOYMENT
    ? { endpoint: e.AZURE_OPENAI_ENDPOINT, apiKey: e.AZURE_OPENAI_API_KEY, deployment: e.AZURE_OPENAI_DEPLOYMENT, apiVersion: e.AZURE_OPENAI_API_VERSION ?? DEFAULT_AZURE_OPENAI_API_VERSION }
    : undefined;

  if (problems.length) throw new ConfigError(problems);
  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    listeners: e.HTTP_LISTENERS,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    dataDir,
    storage: e.AZURE_STORAGE_CONNECTION_STRING
      ? { mode: "account", connectionString: e.AZURE_STORAGE_CONNECTION_STRING }
      : { mode: "embedded", dataDir },
    teams,
    slack,
    playground: e.PLAYGROUND === "on" && teams.mode === "local",
    ...(ai ? { ai } : {}),
  };
}
