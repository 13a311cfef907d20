import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/core/workflows/plan/parse.js";
import { placeSteps } from "../../src/core/workflows/plan/placement.js";
import { builtInPlan } from "../../src/core/workflows/plan/template.js";

/** Plan files: every mistake with its line and field; steps placed on the wall clock of their zone. */
describe("a plan file", () => {
  it("in JSON gets its errors with their lines too", () => {
    const json = ['{"steps": [', '  {"month": 1, "kind": "task", "text": "Purpose"},', '  {"month": 2, "kind": "meeting"},', '  {"month": 3, "kind": "report", "to": "board", "colour": "red"}', "]}"].join("\n");
    const parsed = parsePlan(json);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((e) => [e.line, e.field])).toEqual([
      [3, "steps[2].kind"],
      [4, "steps[3]"],
      [4, "steps[3].to"],
    ]);
    expect(parsed.errors[0]!.message).toBe("kind must be one of event, survey, digest, report, task");
    expect(parsed.errors[1]!.message).toBe("unknown field colour");
  });

  it("that is not YAML at all says where it broke", () => {
    const parsed = parsePlan("steps:\n  - month: 1\n    kind: task\n   text: [unclosed");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]).toMatchObject({ field: "(syntax)" });
  });

  it("places weekday rules and keeps the wall-clock time across summer time", () => {
    const plan = parsePlan("steps:\n  - { month: 1, kind: event, title: A, weekday: last friday, time: '10:00', zone: America/New_York }\n  - { month: 3, kind: task, text: B, day: 28, time: '10:00' }");
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(placeSteps(plan.plan, "2027-02-15", "Europe/London").map((s) => s.at)).toEqual(["2027-02-26T15:00:00Z", "2027-04-28T09:00:00Z"]);
  });

  it("the built-in year has the guides' steps in order", () => {
    const kinds = placeSteps(builtInPlan(), "2027-01-01", "UTC").map((s) => (s.step.kind === "event" ? s.step.event : s.step.kind));
    expect(kinds).toEqual(["task", "task", "digest", "orientation", "survey", "task", "task", "webinar", "task", "webinar", "task", "webinar", "task", "webinar", "task", "wrap-up", "report"]);
  });
});
