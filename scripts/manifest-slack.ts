/**
 * `npm run manifest:slack`: PUBLIC_URL=https://cop.example.org npm run manifest:slack
 * Writes dist/slack-manifest.yaml and prints it, ready to paste at api.slack.com/apps -> "From an app manifest".
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { SlackManifestError, buildSlackManifest, parsePublicUrl } from "./slackManifest.js";

// SLACK_MANIFEST_OUT lets tests write elsewhere than the real dist/.
const outFile = process.env.SLACK_MANIFEST_OUT ?? fileURLToPath(new URL("../dist/slack-manifest.yaml", import.meta.url));

try {
  const publicUrl = parsePublicUrl(process.env.PUBLIC_URL);
  const { yaml } = buildSlackManifest(publicUrl);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, yaml);
  console.log(yaml);
  console.error(`Wrote ${outFile}. Paste it at https://api.slack.com/apps -> Create New App -> From an app manifest.`);
} catch (error) {
  if (!(error instanceof SlackManifestError)) throw error;
  console.error(`manifest:slack: ${error.problems.join("; ")}`);
  process.exitCode = 1;
}
