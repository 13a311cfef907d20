import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Template, TEMPLATES } from "../../src/core/workflows/surveys/templates.js";

const folder = join(import.meta.dirname, "../../src/core/workflows/surveys/templates");
const files = readdirSync(folder).filter((name) => name.endsWith(".json"));

describe("survey templates", () => {
  it("each data file parses, and each is one the app loads", () => {
    for (const name of files) expect({ name, issues: Template.safeParse(JSON.parse(readFileSync(join(folder, name), "utf8"))).error?.issues ?? [] }).toEqual({ name, issues: [] });
    expect(TEMPLATES.map((t) => `${t.id}.json`).sort()).toEqual([...files].sort());
  });

  it("refuse a bad template with the reason: unknown text, duplicate options, min over max, no questions", () => {
    const issues = (data: unknown) => Template.safeParse(data).error?.issues.map((i) => i.message) ?? [];
    const good = JSON.parse(readFileSync(join(folder, "postEvent.json"), "utf8")) as { questions: Array<Record<string, unknown>> };
    expect(issues({ ...good, name: "Post-event feedback" })).toEqual(["not a catalog key: Post-event feedback"]);
    expect(issues({ ...good, questions: [] })).toHaveLength(1);
    expect(issues({ ...good, questions: [{ kind: "single", text: "surveys.q.recommend", options: ["surveys.o.tools", "surveys.o.tools"] }] })).toEqual(["options must differ"]);
    expect(issues({ ...good, questions: [{ kind: "multi", text: "surveys.q.recommend", options: ["surveys.o.tools", "surveys.o.basics"], min: 2, max: 1 }] })).toEqual(["a multiple choice needs min ≤ max ≤ its number of options"]);
    expect(issues({ ...good, questions: [{ kind: "slider", text: "surveys.q.recommend" }] })).toHaveLength(1);
  });
});
