import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import AdmZip from "adm-zip";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { makeColorIcon, makeOutlineIcon } from "../../scripts/make-teams-icons.js";
import {
  TEAMS_MANIFEST_DIR,
  TEAMS_MANIFEST_TEMPLATE,
  TeamsManifestError,
  buildTeamsManifest,
  checkTeamsIcons,
  validateTeamsManifest,
  type TeamsManifest,
} from "../../scripts/teamsManifest.js";

const BOT_ID = "8d3a2f10-5c1b-4f6e-9a7d-2b4c6e8f0a12";
const env = { MICROSOFT_APP_ID: BOT_ID, BOT_DOMAIN: "cop.example.org" };
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

const icon = (name: string): Promise<Buffer> => readFile(join(TEAMS_MANIFEST_DIR, name));
/** The parts of the manifest these tests look at. */
interface ManifestShape {
  [key: string]: unknown;
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  name: { short: string; full?: string };
  description: { short: string; full: string };
  validDomains: string[];
  bots: Array<{ botId?: string; scopes: string[]; supportsFiles?: boolean; commandLists: Array<{ commands: Array<{ title: string }> }> }>;
}
const clone = (m: TeamsManifest): ManifestShape => structuredClone(m) as unknown as ManifestShape;

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof TeamsManifestError) return error.message;
    throw error;
  }
  throw new Error("expected a TeamsManifestError");
}

describe("Teams app manifest", () => {
  it("fills the placeholders and validates against Microsoft's schema", async () => {
    const manifest = clone(buildTeamsManifest(env));
    const pkg = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect(validateTeamsManifest(manifest)).toEqual([]);
    expect(manifest.id).toBe(BOT_ID);
    expect(manifest.bots[0]!.botId).toBe(BOT_ID);
    expect(manifest.bots[0]!.scopes).toEqual(["team", "groupChat", "personal"]);
    // Files (exports, reports) are offered in the 1:1 chat with a file consent card, which needs this.
    expect(manifest.bots[0]!.supportsFiles).toBe(true);
    expect(manifest.validDomains).toEqual(["cop.example.org"]);
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.name.short).toBe("CoP Companion");
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    const commands = manifest.bots[0]!.commandLists.flatMap((l) => l.commands.map((c) => c.title));
    expect(new Set(commands)).toEqual(new Set(["help", "setup", "charter", "roles", "link"]));
  });

  it("takes the domain from PUBLIC_URL's host, BOT_DOMAIN first", () => {
    const fromUrl = buildTeamsManifest({ MICROSOFT_APP_ID: BOT_ID, PUBLIC_URL: "https://cop.example.org:8443/api/messages" });
    expect(fromUrl.validDomains).toEqual(["cop.example.org:8443"]);
    const both = buildTeamsManifest({ ...env, PUBLIC_URL: "https://other.example.org" });
    expect(both.validDomains).toEqual(["cop.example.org"]);
  });

  it("names the missing or wrong variable in one line", () => {
    expect(problemOf(() => buildTeamsManifest({ BOT_DOMAIN: "cop.example.org" }))).toBe("MICROSOFT_APP_ID is not set");
    expect(problemOf(() => buildTeamsManifest({ MICROSOFT_APP_ID: BOT_ID }))).toBe("BOT_DOMAIN (or PUBLIC_URL) is not set");
    expect(problemOf(() => buildTeamsManifest({ ...env, MICROSOFT_APP_ID: "my-bot" }))).toMatch(/MICROSOFT_APP_ID must be .* GUID/);
    expect(problemOf(() => buildTeamsManifest({ MICROSOFT_APP_ID: BOT_ID, PUBLIC_URL: "http://cop.example.org" }))).toMatch(/PUBLIC_URL must use https/);
    expect(problemOf(() => buildTeamsManifest({ MICROSOFT_APP_ID: BOT_ID, BOT_DOMAIN: "https://cop.example.org/" }))).toMatch(/BOT_DOMAIN must be a host name/);
  });

  it("rejects broken manifests with readable errors", () => {
    const good = buildTeamsManifest(env);

    const noBotId = clone(good);
    delete noBotId.bots[0]!.botId;
    expect(validateTeamsManifest(noBotId)).toContain("/bots/0 must have required property 'botId'");

    const longShort = clone(good);
    longShort.description.short = "a".repeat(200);
    expect(validateTeamsManifest(longShort)).toContain("/description/short must NOT have more than 80 characters");

    const badId = clone(good);
    badId.id = "not-a-guid";
    const problems = validateTeamsManifest(badId);
    expect(problems).toContain('/id must match pattern "^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"');
    expect(problems).toContain("/bots/0/botId must equal /id (one Microsoft App ID for app and bot)");

    const extra = clone(good);
    extra.colour = "#fff";
    expect(validateTeamsManifest(extra)).toContain("manifest must NOT have additional properties (colour)");

    const sameNames = clone(good);
    sameNames.name.full = sameNames.name.short;
    expect(validateTeamsManifest(sameNames)).toContain("/name/full must differ from /name/short");

    const future = clone(good);
    future.manifestVersion = "9.9";
    expect(validateTeamsManifest(future)).toEqual(['manifestVersion "9.9" has no schema in @microsoft/app-manifest']);
  });

  it("reports placeholders left in the raw template", async () => {
    const raw = JSON.parse(await readFile(TEAMS_MANIFEST_TEMPLATE, "utf8")) as TeamsManifest;
    expect(validateTeamsManifest(raw)).toContain("placeholders left unfilled: ${{APP_VERSION}}, ${{BOT_ID}}, ${{BOT_DOMAIN}}");
  });

  it("ships icons of the right sizes, the outline white on transparent", async () => {
    const [color, outline] = [await icon("color.png"), await icon("outline.png")];
    expect(checkTeamsIcons(color, outline)).toEqual([]);

    const colorPng = PNG.sync.read(color);
    expect([colorPng.width, colorPng.height]).toEqual([192, 192]);
    const outlinePng = PNG.sync.read(outline);
    expect([outlinePng.width, outlinePng.height]).toEqual([32, 32]);
    const alphas = (png: PNG): number[] => Array.from({ length: png.width * png.height }, (_, i) => png.data[i * 4 + 3]!);
    expect(alphas(outlinePng)[0]).toBe(0); // the corner is background
    expect(alphas(outlinePng).filter((a) => a === 255).length).toBeGreaterThan(50); // and there is a glyph
    expect(alphas(colorPng).every((a) => a === 255)).toBe(true);

    expect(checkTeamsIcons(outline, color)).toEqual([
      "color.png must be 192x192 pixels, not 32x32",
      "outline.png must be 32x32 pixels, not 192x192",
      "outline.png must have a transparent background",
      expect.stringMatching(/^outline.png must be white only/),
    ]);
    expect(checkTeamsIcons(Buffer.from("nope"), outline)[0]).toMatch(/^color.png is not a valid PNG/);
  });

  it("keeps the committed icons equal to what scripts/make-teams-icons.ts draws", async () => {
    expect(PNG.sync.read(makeColorIcon()).data.equals(PNG.sync.read(await icon("color.png")).data)).toBe(true);
    expect(PNG.sync.read(makeOutlineIcon()).data.equals(PNG.sync.read(await icon("outline.png")).data)).toBe(true);
  });

  it("packages manifest.json and both icons at the zip root, or fails naming the variable", async () => {
    const run = promisify(execFile);
    const tsx = join(repoRoot, "node_modules", ".bin", "tsx");
    const script = join(repoRoot, "scripts", "package-teams.ts");
    const dir = await mkdtemp(join(tmpdir(), "teams-zip-"));
    const clean = { PATH: process.env.PATH ?? "" };
    try {
      const failed = await run(tsx, [script, join(dir, "x.zip")], { env: { ...clean, BOT_DOMAIN: "cop.example.org" } }).catch((e: unknown) => e);
      expect(failed).toMatchObject({ code: 1, stderr: "package:teams: MICROSOFT_APP_ID is not set\n" });

      const out = join(dir, "teams-app.zip");
      await run(tsx, [script, out], { env: { ...clean, ...env } });
      const zip = new AdmZip(out);
      expect(zip.getEntries().map((e) => e.entryName).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
      const manifest = JSON.parse(zip.readAsText("manifest.json")) as TeamsManifest;
      expect(validateTeamsManifest(manifest)).toEqual([]);
      expect(zip.readFile("outline.png")?.equals(await icon("outline.png"))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
