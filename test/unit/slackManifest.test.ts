import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  SlackManifestError,
  buildSlackManifest,
  checkSlackManifest,
  loadManifestTemplate,
  manifestBotScopes,
  type SlackManifest,
} from "../../scripts/slackManifest.js";

const URL_BASE = "https://cop.example.org";

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof SlackManifestError) return error.problems;
    throw error;
  }
  throw new Error("expected a SlackManifestError");
}

/** The template filled in, then changed by `edit`, for rule tests. */
function manifestWith(edit: (m: SlackManifest) => void): SlackManifest {
  const m = structuredClone(buildSlackManifest(URL_BASE).manifest);
  edit(m);
  return m;
}

describe("buildSlackManifest", () => {
  it("fills PUBLIC_URL into every request URL and the redirect URL", () => {
    const { manifest, yaml } = buildSlackManifest(`${URL_BASE}/`);
    expect(manifest.settings?.event_subscriptions?.request_url).toBe(`${URL_BASE}/slack/events`);
    expect(manifest.settings?.interactivity?.request_url).toBe(`${URL_BASE}/slack/events`);
    expect(manifest.features?.slash_commands?.[0]?.url).toBe(`${URL_BASE}/slack/events`);
    expect(manifest.oauth_config?.redirect_urls).toEqual([`${URL_BASE}/slack/oauth_redirect`]);
    expect(yaml).not.toContain("${PUBLIC_URL}");
    expect(parse(yaml)).toEqual(manifest);
  });

  it("describes the app as designed", () => {
    const { manifest } = buildSlackManifest(URL_BASE);
    expect(manifest.display_information.name).toBe("CoP Companion");
    expect(manifest.features?.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(manifest.features?.slash_commands).toEqual([
      expect.objectContaining({ command: "/cop", usage_hint: "help | setup | charter | roles | link CODE" }),
    ]);
    expect(manifest.settings).toMatchObject({ org_deploy_enabled: true, socket_mode_enabled: false, token_rotation_enabled: false });
    expect(manifest.settings?.event_subscriptions?.bot_events).toEqual([
      "app_home_opened", "app_mention", "member_joined_channel", "member_left_channel", "app_uninstalled", "tokens_revoked", "message.im",
    ]);
    expect(manifestBotScopes()).toEqual([
      "commands", "chat:write", "chat:write.public", "im:write", "channels:read", "groups:read", "users:read",
      "team:read", "app_mentions:read", "im:history", "files:write",
    ]);
  });

  it("refuses a PUBLIC_URL that is missing, not https, or carries a query", () => {
    expect(problemsOf(() => buildSlackManifest(undefined as unknown as string))).toEqual(["PUBLIC_URL is not set"]);
    expect(problemsOf(() => buildSlackManifest("http://cop.example.org"))[0]).toMatch(/https/);
    expect(problemsOf(() => buildSlackManifest("cop.example.org"))[0]).toMatch(/absolute URL/);
    expect(problemsOf(() => buildSlackManifest(`${URL_BASE}/?x=1`))[0]).toMatch(/query/);
  });
});

describe("checkSlackManifest", () => {
  it("accepts the built manifest", () => {
    expect(checkSlackManifest(buildSlackManifest(URL_BASE).manifest)).toEqual([]);
  });

  it("requires each event's scope to be granted", () => {
    const m = manifestWith((x) => {
      x.oauth_config!.scopes!.bot = x.oauth_config!.scopes!.bot!.filter((s) => s !== "im:history" && s !== "app_mentions:read");
    });
    expect(checkSlackManifest(m)).toEqual([
      "event app_mention needs one of the bot scopes app_mentions:read",
      "event message.im needs one of the bot scopes im:history",
    ]);
  });

  it("requires slash commands to start with / and the commands scope", () => {
    const m = manifestWith((x) => {
      x.features!.slash_commands![0]!.command = "cop";
      x.oauth_config!.scopes!.bot = x.oauth_config!.scopes!.bot!.filter((s) => s !== "commands");
    });
    expect(checkSlackManifest(m)).toEqual(["features.slash_commands.0.command: must start with /"]);
    const noScope = manifestWith((x) => {
      x.oauth_config!.scopes!.bot = x.oauth_config!.scopes!.bot!.filter((s) => s !== "commands");
    });
    expect(checkSlackManifest(noScope)).toContain("slash commands need the bot scope commands");
  });

  it("requires the display name and enforces documented lengths", () => {
    const m = manifestWith((x) => {
      Reflect.deleteProperty(x.display_information, "name");
      x.display_information.description = "d".repeat(141);
      x.features!.bot_user!.display_name = "CoP Companion";
    });
    expect(checkSlackManifest(m)).toEqual([
      "display_information.name: Required",
      "display_information.description: String must contain at most 140 character(s)",
      "features.bot_user.display_name: may only contain a-z, 0-9, -, _ and .",
    ]);
  });

  it("requires https request URLs and flags an unfilled placeholder", () => {
    expect(checkSlackManifest(loadManifestTemplate())).toContain("settings.event_subscriptions.request_url: Invalid url");
    const m = manifestWith((x) => {
      x.settings!.interactivity!.request_url = "http://cop.example.org/slack/events";
    });
    expect(checkSlackManifest(m)).toEqual(["settings.interactivity.request_url: must be an https URL"]);
  });

  it("flags unknown events so their scopes get recorded", () => {
    const m = manifestWith((x) => x.settings!.event_subscriptions!.bot_events!.push("reaction_added"));
    expect(checkSlackManifest(m)).toEqual(["event reaction_added: unknown to this checker, add its scopes to EVENT_SCOPES"]);
  });
});

describe("npm run manifest:slack", () => {
  const script = fileURLToPath(new URL("../../scripts/manifest-slack.ts", import.meta.url));
  const outFile = join(mkdtempSync(join(tmpdir(), "slack-manifest-")), "slack-manifest.yaml");
  const run = (env: Record<string, string>) => {
    try {
      const stdout = execFileSync(process.execPath, ["--import", "tsx", script], {
        env: { ...process.env, PUBLIC_URL: "", SLACK_MANIFEST_OUT: outFile, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
      });
      return { code: 0, stdout, stderr: "" };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { code: e.status, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it("prints the manifest for an https PUBLIC_URL", () => {
    const out = run({ PUBLIC_URL: URL_BASE });
    expect(out.code).toBe(0);
    expect(parse(out.stdout).settings.event_subscriptions.request_url).toBe(`${URL_BASE}/slack/events`);
    expect(readFileSync(outFile, "utf8")).toBe(out.stdout.replace(/\n$/, ""));
  }, 30_000);

  it("explains a bad PUBLIC_URL in one line and exits 1", () => {
    const out = run({ PUBLIC_URL: "http://cop.example.org" });
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split("\n")).toEqual(["manifest:slack: PUBLIC_URL must use https (Slack only calls https request URLs)"]);
  }, 30_000);
});
