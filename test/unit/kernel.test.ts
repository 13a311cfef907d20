import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkFields, listLines, type FormSpec } from "../../src/core/kernel/forms.js";
import { outcome } from "../../src/core/kernel/outcome.js";
import { Registry } from "../../src/core/kernel/registry.js";
import { Sealer } from "../../src/core/kernel/seal.js";
import { cutSafely, esc, plainText, tokens } from "../../src/core/kernel/text.js";
import { wordsFor } from "../../src/core/kernel/words.js";
import { command, type Workflow } from "../../src/core/kernel/workflow.js";
import { createRegistry } from "../../src/core/workflows/index.js";

const words = wordsFor({ locale: "en", platform: "slack", personal: false, timezone: "Europe/Rome" });

describe("the registry", () => {
  it("refuses a verb declared twice, at start", () => {
    const ping = command({ verb: "ping", permission: "anyone", where: "anywhere", input: z.object({}), handle: async () => outcome() });
    const twice: Workflow = { name: "a", commands: [ping, ping], presenters: [] };
    expect(() => new Registry([twice])).toThrow(/command ping is declared twice/);
  });

  it("will not compile a command without a permission", () => {
    // @ts-expect-error: `permission` is required, so no handler can forget its authorisation.
    command({ verb: "x", where: "anywhere", input: z.object({}), handle: async () => outcome() });
  });

  it("reads typed commands by the longest declared phrase, and shared first words by what follows", () => {
    const registry = createRegistry();
    expect(registry.parseText("Edit charter", [])?.def.verb).toBe("community.charter.edit");
    expect(registry.parseText("link", [])?.def.verb).toBe("space.link.start");
    expect(registry.parseText("link abcd-efgh", [])).toMatchObject({ def: { verb: "space.link.redeem" }, raw: { code: "abcd-efgh" } });
    expect(registry.parseText("status wrapping up", [])?.raw).toEqual({ status: "wrapping-up" });
    expect(registry.parseText("linked", [])).toBeUndefined();
  });
});

describe("neutral markdown", () => {
  it("keeps what people typed literal, and drops NUL and bidi overrides", () => {
    const typed = "*Ana* [x](http://e.vil) _snake_ `rm` ~x~ a\u202Eb\u0000c";
    expect(plainText(esc(typed))).toBe("*Ana* [x](http://e.vil) _snake_ `rm` ~x~ abc");
    expect(tokens(`**${esc("*A*")}**`)).toEqual([{ kind: "bold", text: "*A*" }]);
    expect(esc("- item\n# title\n1. one")).toBe("\\- item\n\\# title\n1\\. one");
    expect(esc("-20% time")).toBe("-20% time");
  });

  it("cuts between graphemes and never inside an atom", () => {
    expect(cutSafely("ab👩🏽‍💻cd", 6)).toBe("ab…");
    expect(cutSafely("a &amp; b", 5, "…", /&[a-z]+;/)).toBe("a…");
    expect(cutSafely("short", 10)).toBe("short");
  });
});

describe("form checks", () => {
  const spec: FormSpec = {
    name: "t",
    verb: "t",
    title: "form.create.title",
    submit: "action.save",
    fields: [
      { name: "title", kind: "shortText", label: "field.name", required: true, max: 10 },
      { name: "goals", kind: "longText", label: "field.goals", lines: 2, max: 5 },
      { name: "size", kind: "number", label: "field.name", min: 2, max: 5 },
      { name: "when", kind: "dateTime", label: "field.name", required: true },
      { name: "link", kind: "url", label: "field.name" },
      { name: "day", kind: "date", label: "field.name" },
      { name: "pick", kind: "multiChoice", label: "field.purposes", choices: [{ value: "a", label: "purpose.tasks" }], max: 1 },
    ],
    toInput: (values) => ({ ok: true, value: values }),
  };

  it("says what is wrong with each field, never shortening what was typed", () => {
    const { errors } = checkFields(spec, { title: "x".repeat(11), goals: "a\nb\nc", size: "9", "when.date": "2027-13-01", "when.time": "15:00", link: "javascript:alert(1)", day: "tomorrow", pick: ["a", "zz"] }, words);
    expect(errors).toEqual({
      title: "Too long: 11 characters, at most 10.",
      goals: "At most 2 lines.",
      size: "At most 5.",
      when: "Enter a date (YYYY-MM-DD) and a time (HH:MM).",
      link: "Enter a web address starting with https://.",
      day: "Enter a date as YYYY-MM-DD.",
      pick: "Not one of the choices: zz.",
    });
  });

  it("reads a date-time in the reader's zone unless another is given, and refuses an unknown zone", () => {
    const ok = checkFields(spec, { title: "t", "when.date": "2027-01-14", "when.time": "15:00" }, words);
    expect(ok.errors).toEqual({});
    expect(ok.values).toMatchObject({ when: "2027-01-14T15:00", "when.zone": "Europe/Rome" });
    expect(checkFields(spec, { title: "t", "when.date": "2027-01-14", "when.time": "15:00", "when.zone": "Mars/Base" }, words).errors.when).toMatch(/Unknown time zone: Mars\/Base/);
  });

  it("strips list markers only when a space follows them", () => {
    expect(listLines("-20% time\n- a\n* b\n•c")).toEqual(["-20% time", "a", "b", "•c"]);
  });
});

describe("sealed form context", () => {
  const sealer = new Sealer(async () => Buffer.alloc(32, 1));
  const seal = { form: "f", space: { spaceKey: "slack:T1:C1", platform: "slack" as const, displayName: "", personal: false }, by: "slack:T1:U1", args: {}, exp: Date.parse("2026-12-01T00:00:00Z") };

  it("opens what it sealed, refuses a changed token and says when one has expired", async () => {
    const token = await sealer.seal(seal);
    expect(await sealer.open(token, new Date("2026-11-30T00:00:00Z"))).toMatchObject({ ok: true, seal: { space: { spaceKey: "slack:T1:C1" } } });
    const [body, mac] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...seal, space: { ...seal.space, spaceKey: "slack:T1:C2" } })).toString("base64url");
    expect(await sealer.open(`${forged}.${mac}`, new Date("2026-11-30T00:00:00Z"))).toEqual({ ok: false, why: "invalid" });
    expect(await sealer.open(`${body}.${mac}`, new Date("2026-12-02T00:00:00Z"))).toMatchObject({ ok: false, why: "expired" });
    expect(await new Sealer(async () => Buffer.alloc(32, 2)).open(token, new Date("2026-11-30T00:00:00Z"))).toEqual({ ok: false, why: "invalid" });
  });
});

describe("workflow jobs", () => {
  it("carry out their effects and schedule the next occurrence of a recurring job under its own key", async () => {
    const { Kernel } = await import("../../src/core/kernel/kernel.js");
    const { job } = await import("../../src/core/kernel/workflow.js");
    const scheduled: Array<{ kind: string; key: string; dueAt: Date }> = [];
    const weekly = job({
      kind: "throwaway.weekly",
      schema: z.object({ communityId: z.string() }),
      run: async ({ communityId }) => outcome({ kind: "fanout", fanoutId: `digest:${communityId}`, audience: { kind: "spaces", communityId, except: [] }, card: { presenter: "notice", data: { key: "help.welcome" } } }),
      next: (_payload, dueAt) => new Date(dueAt.getTime() + 7 * 86_400_000),
    });
    const registry = new Registry([{ name: "t", commands: [], presenters: [], jobs: [weekly] }]);
    const deps = {
      jobs: { schedule: async (j: { kind: string; key: string; dueAt: Date }) => (scheduled.push(j), "scheduled" as const), cancel: async () => "missing" as const, fanoutProgress: async () => undefined },
      clock: { now: () => new Date("2027-01-04T09:00:00Z") },
    } as unknown as ConstructorParameters<typeof Kernel>[1];
    const kernel = new Kernel(registry, deps);
    const dueAt = new Date("2027-01-04T09:00:00Z");
    await kernel.runJob(weekly, { communityId: "c1" }, { key: "digest:c1@2027-01-04T09:00:00.000Z", dueAt, lateMs: 0, signal: new AbortController().signal });
    expect(scheduled.map((j) => [j.kind, j.key])).toEqual([
      ["fanout", "digest:c1"],
      ["throwaway.weekly", "digest:c1@2027-01-11T09:00:00.000Z"],
    ]);
  });
});
