import { Writable } from "node:stream";
import { APIConnectionTimeoutError, APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AzureOpenAIDrafter, failureOf } from "../../src/ai/azureOpenAIDrafter.js";
import { ConfigError, DEFAULT_AZURE_OPENAI_API_VERSION, loadConfig } from "../../src/config.js";
import { DraftedFollowUpSchema, draftValues } from "../../src/core/workflows/drafts/model.js";
import { createLogger } from "../../src/log.js";
import { SAMPLE_DRAFT, startFakeAzureOpenAI, type FakeAzureOpenAI } from "../support/fakeAzureOpenAI.js";

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};
const AI = { AZURE_OPENAI_ENDPOINT: "https://cop.openai.azure.com", AZURE_OPENAI_API_KEY: "k".repeat(32), AZURE_OPENAI_DEPLOYMENT: "followups" };

describe("drafting settings", () => {
  it("are off without any, and on with all three (the API version has a default)", () => {
    expect(loadConfig({}).ai).toBeUndefined();
    expect(loadConfig(AI).ai).toEqual({ endpoint: AI.AZURE_OPENAI_ENDPOINT, apiKey: AI.AZURE_OPENAI_API_KEY, deployment: "followups", apiVersion: DEFAULT_AZURE_OPENAI_API_VERSION });
    expect(loadConfig({ ...AI, AZURE_OPENAI_API_VERSION: "2025-01-01-preview" }).ai?.apiVersion).toBe("2025-01-01-preview");
  });

  it("refuse a partial set, naming each missing variable", () => {
    expect(problemsOf({ AZURE_OPENAI_ENDPOINT: AI.AZURE_OPENAI_ENDPOINT })).toEqual([
      expect.stringMatching(/^AZURE_OPENAI_API_KEY: required for drafting follow-ups/),
      expect.stringMatching(/^AZURE_OPENAI_DEPLOYMENT: required for drafting follow-ups/),
    ]);
    expect(problemsOf({ AZURE_OPENAI_API_VERSION: "2024-10-21" })).toHaveLength(3);
  });

  it("refuse a plain-http endpoint elsewhere than on this machine, and a malformed version", () => {
    expect(problemsOf({ ...AI, AZURE_OPENAI_ENDPOINT: "http://cop.openai.azure.com" })[0]).toMatch(/^AZURE_OPENAI_ENDPOINT: expected an https URL/);
    expect(loadConfig({ ...AI, AZURE_OPENAI_ENDPOINT: "http://127.0.0.1:9999" }).ai?.endpoint).toBe("http://127.0.0.1:9999");
    expect(problemsOf({ ...AI, AZURE_OPENAI_API_VERSION: "latest" })[0]).toMatch(/^AZURE_OPENAI_API_VERSION: expected an API version/);
  });
});

describe("the draft's schema", () => {
  it("accepts a follow-up of the asked shape", () => {
    expect(DraftedFollowUpSchema.parse(SAMPLE_DRAFT)).toEqual(SAMPLE_DRAFT);
  });

  it.each([
    ["a missing field", { ...SAMPLE_DRAFT, nextSteps: undefined }],
    ["an extra field", { ...SAMPLE_DRAFT, summary: "x" }],
    ["decisions as one string", { ...SAMPLE_DRAFT, decisions: "Adopt it" }],
    ["an action without its text", { ...SAMPLE_DRAFT, actions: [{ owner: "Ana" }] }],
    ["an empty discussion", { ...SAMPLE_DRAFT, discussed: "  " }],
    ["not an object", ["discussed"]],
  ])("rejects %s", (_, value) => {
    expect(DraftedFollowUpSchema.safeParse(value).success).toBe(false);
  });

  it("becomes form values within the follow-up form's limits, keeping only web links", () => {
    const long = { ...SAMPLE_DRAFT, discussed: "d".repeat(5000), decisions: Array.from({ length: 30 }, (_, i) => `Decision ${i}`), actions: [{ owner: "", action: "book a room" }, { owner: "Ana: lead", action: "write\nthe plan" }], resources: ["https://example.org/a", "not a link", "ftp://example.org/b"] };
    const v = draftValues(DraftedFollowUpSchema.parse(long), "to decide");
    expect([...(v.discussed as string)]).toHaveLength(2000);
    expect((v.decisions as string).split("\n")).toHaveLength(10);
    expect(v.actions).toBe("to decide: book a room\nAna  lead: write the plan");
    expect(v.resources).toBe("https://example.org/a");
  });
});

describe("the Azure OpenAI drafter", () => {
  let fake: FakeAzureOpenAI;
  const lines: string[] = [];
  const log = createLogger("debug", new Writable({ write: (chunk, _e, done) => void (lines.push(String(chunk)), done()) }));
  beforeAll(async () => {
    fake = await startFakeAzureOpenAI();
  });
  afterAll(() => fake.close());
  const drafter = (over: Partial<{ apiKey: string; deployment: string; apiVersion: string }> = {}) =>
    new AzureOpenAIDrafter({ endpoint: fake.endpoint, apiKey: fake.apiKey, deployment: fake.deployment, apiVersion: fake.apiVersion, ...over }, log);

  it("asks for structured output and returns the draft", async () => {
    expect(await drafter().draft({ title: "Monthly call", notes: "notes", locale: "en" })).toEqual({ ok: true, draft: SAMPLE_DRAFT });
    expect(fake.requests.at(-1)!.body.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "follow_up", strict: true } });
  });

  it("reports a wrong key, deployment or version as unavailable, and never logs the key or the notes", async () => {
    for (const over of [{ apiKey: "wrong-key-9876543210" }, { deployment: "other" }, { apiVersion: "2023-01-01" }]) {
      expect(await drafter(over).draft({ title: "t", notes: "secret notes of the meeting", locale: "en" })).toEqual({ ok: false, failure: { reason: "unavailable" } });
    }
    expect(fake.requests.slice(-3).map((r) => r.status)).toEqual([401, 404, 400]);
    const logged = lines.join("");
    expect(logged).toContain("drafting a follow-up failed");
    expect(logged).not.toContain(fake.apiKey);
    expect(logged).not.toContain("wrong-key-9876543210");
    expect(logged).not.toContain("secret notes");
  });

  it("maps the SDK's errors to reasons, with Retry-After in seconds or as a date", () => {
    const now = Date.parse("2026-12-03T15:00:00Z");
    expect(failureOf(APIError.generate(429, { code: "429" }, "busy", { "retry-after": "12" } as never), now)).toEqual({ reason: "busy", retryAfterSeconds: 12 });
    expect(failureOf(APIError.generate(429, { code: "429" }, "busy", { "retry-after": "Thu, 03 Dec 2026 15:01:00 GMT" } as never), now)).toEqual({ reason: "busy", retryAfterSeconds: 60 });
    expect(failureOf(APIError.generate(429, { code: "429" }, "busy", {} as never), now)).toEqual({ reason: "busy", retryAfterSeconds: undefined });
    expect(failureOf(new APIConnectionTimeoutError())).toEqual({ reason: "timeout" });
    expect(failureOf(APIError.generate(400, { error: { code: "content_filter", message: "filtered" } }, undefined, {} as never))).toEqual({ reason: "filtered" });
    expect(failureOf(APIError.generate(503, { code: "503" }, "down", {} as never))).toEqual({ reason: "unavailable" });
    expect(failureOf(new Error("socket hang up"))).toEqual({ reason: "unavailable" });
  });
});
