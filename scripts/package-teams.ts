/**
 * `npm run package:teams`: MICROSOFT_APP_ID=<guid> BOT_DOMAIN=cop.example.org npm run package:teams
 * (or PUBLIC_URL=https://cop.example.org instead of BOT_DOMAIN). Writes dist/teams-app.zip with
 * manifest.json and both icons at the zip root, ready to upload in Teams (Apps -> Manage your apps).
 * An optional first argument writes the zip elsewhere (the tests use it).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import AdmZip from "adm-zip";
import {
  TEAMS_ICON_FILES,
  TEAMS_MANIFEST_DIR,
  TeamsManifestError,
  buildTeamsManifest,
  checkTeamsIcons,
  validateTeamsManifest,
} from "./teamsManifest.js";

const distDir = fileURLToPath(new URL("../dist/", import.meta.url));
const outFile = process.argv[2] ?? join(distDir, "teams-app.zip");

try {
  const manifest = buildTeamsManifest(process.env);
  const color = readFileSync(join(TEAMS_MANIFEST_DIR, TEAMS_ICON_FILES.color));
  const outline = readFileSync(join(TEAMS_MANIFEST_DIR, TEAMS_ICON_FILES.outline));
  const problems = [...validateTeamsManifest(manifest), ...checkTeamsIcons(color, outline)];
  if (problems.length > 0) throw new TeamsManifestError(problems);

  const zip = new AdmZip();
  zip.addFile("manifest.json", Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8"));
  zip.addFile(TEAMS_ICON_FILES.color, color);
  zip.addFile(TEAMS_ICON_FILES.outline, outline);
  mkdirSync(dirname(outFile), { recursive: true });
  zip.writeZip(outFile);
  console.error(`Wrote ${outFile}. Upload it in Teams: Apps -> Manage your apps -> Upload an app.`);
} catch (error) {
  if (!(error instanceof TeamsManifestError)) throw error;
  console.error(`package:teams: ${error.problems.join("; ")}`);
  process.exitCode = 1;
}
