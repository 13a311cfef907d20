import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const FORBIDDEN = [/^botbuilder/, /^@microsoft\/teams-ai/, /^@slack\//, /^@azure\//, /^azurite/, /(^|\/)(teams|slack|store|scheduler)\//];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2] ?? "");
}

describe("import boundaries", () => {
  it("keeps src/core free of platform SDKs, Azure and the adapters", () => {
    const offending = sources(join(root, "src/core")).flatMap((file) =>
      importsOf(file)
        .filter((spec) => FORBIDDEN.some((pattern) => pattern.test(spec.replace(/^(\.\.\/)+/, ""))))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it("detects a forbidden import when one is present", () => {
    // Guards the guard: the matcher must catch the import forms used in this codebase.
    const sample = `import { TableClient } from "@azure/data-tables";\nexport { x } from "../slack/render.js";`;
    const specs = [...sample.matchAll(/(?:import|export)[^"']*?from\s*["']([^"']+)["']/g)].map((m) => m[1] ?? "");
    expect(specs.filter((spec) => FORBIDDEN.some((p) => p.test(spec.replace(/^(\.\.\/)+/, ""))))).toHaveLength(2);
  });
});
