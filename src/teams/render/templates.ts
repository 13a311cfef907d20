import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
// The package root's types pull in adaptivecards' TypeScript sources; the engine module alone does not.
import type * as TemplateEngine from "adaptivecards-templating/lib/template-engine.js";
import type { Element } from "./context.js";

// The engine (with adaptive-expressions and its ANTLR parser, about 20 MB) loads with the first Teams card,
// not at start: an instance that never renders one (Slack only) never holds it.
let engine: typeof TemplateEngine | undefined;
const templateEngine = () => (engine ??= createRequire(import.meta.url)("adaptivecards-templating/lib/template-engine.js") as typeof TemplateEngine);

// cards/blocks/ sits three levels up from both src/teams/render/ and dist/teams/render/.
const FOLDER = new URL("../../../cards/blocks/", import.meta.url);
const templates = new Map<string, TemplateEngine.Template>();

/** cards/blocks/<name>.json, parsed once. */
export function loadTemplate(name: string): TemplateEngine.Template {
  let template = templates.get(name);
  if (!template) {
    template = new (templateEngine().Template)(JSON.parse(readFileSync(new URL(`${name}.json`, FOLDER), "utf8")));
    templates.set(name, template);
  }
  return template;
}

/**
 * Expands cards/blocks/<name>.json with `data`. Templates name every property an element may have; data
 * binds the ones it does not use to null, and those are dropped here (a `$when` cannot remove a property).
 */
export function expand(name: string, data: object): Element {
  return prune(loadTemplate(name).expand({ $root: data })) as Element;
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null && item !== undefined).map(prune);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null && item !== undefined)
        .map(([key, item]) => [key, prune(item)]),
    );
  }
  return value;
}
