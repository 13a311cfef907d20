import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const FORBIDDEN = [/^botbuilder/, /^@microsoft\/teams-ai/, /^@slack\//, /^@azure\//, /^azurite/, /^openai/, /(^|\/)(teams|slack|store|scheduler|ai)\//];

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

const sources = (dir: string): string[] => allFiles(dir).filter((path) => path.endsWith(".ts"));

/** Words of workflows that adapters must not know: adding a workflow changes no adapter file. */
const WORKFLOW_WORDS = /charter|survey|rsvp|webinar|kudos|digest/i;

/** Each workflow word in a file's text, with its line; a hash's `.digest(` is not one. */
function workflowWords(name: string, text: string): string[] {
  return text.split("\n").flatMap((line, i) => {
    const words = line.replace(/\.digest\(/g, ".(").match(new RegExp(WORKFLOW_WORDS.source, "gi")) ?? [];
    return words.map((word) => `${name}:${i + 1}: ${word}`);
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2] ?? "");
}

describe("boundaries between the core and the adapters", () => {
  it("keeps src/core free of platform SDKs, Azure and the adapters", () => {
    const offending = sources(join(root, "src/core")).flatMap((file) =>
      importsOf(file)
        .filter((spec) => FORBIDDEN.some((pattern) => pattern.test(spec.replace(/^(\.\.\/)+/, ""))))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it("keeps workflow words out of the Teams and Slack adapters", () => {
    // Every file, as `grep -rilE "charter|survey|rsvp|webinar|kudos|digest" src/teams src/slack` reads them.
    const files = [...allFiles(join(root, "src/teams")), ...allFiles(join(root, "src/slack"))];
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((file) => workflowWords(relative(root, file), readFileSync(file, "utf8")))).toEqual([]);
  });

  it("detects a workflow word in an adapter, but not a hash's digest", () => {
    const sample = `const mac = createHmac("sha256", key).update(body).digest("hex");\nconst verb = "surveys.answer"; // RSVP\n`;
    expect(workflowWords("sample.ts", sample)).toEqual(["sample.ts:2: survey", "sample.ts:2: RSVP"]);
  });

  it("detects a forbidden import when one is present", () => {
    // Guards the guard: the matcher must catch the import forms used in this codebase.
    const sample = `import { TableClient } from "@azure/data-tables";\nexport { x } from "../slack/render.js";`;
    const specs = [...sample.matchAll(/(?:import|export)[^"']*?from\s*["']([^"']+)["']/g)].map((m) => m[1] ?? "");
    expect(specs.filter((spec) => FORBIDDEN.some((p) => p.test(spec.replace(/^(\.\.\/)+/, ""))))).toHaveLength(2);
  });
});
