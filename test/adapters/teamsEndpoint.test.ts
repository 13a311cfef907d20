import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";

/** Agents Playground checks the endpoint with HEAD on every page load. */
describe("Teams endpoint: HEAD and GET", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it.each(["HEAD", "GET"])("answers %s /api/messages with 200 and no warning", async (method) => {
    const response = await fetch(`${app.url}/api/messages`, { method });
    expect(response.status).toBe(200);
    if (method === "GET") expect(await response.json()).toMatchObject({ message: expect.stringContaining("POST") });
    await expect.poll(() => app.logs.some((l) => l.msg === "request" && l.method === method)).toBe(true);
    expect(app.logs.filter((l) => Number(l.level) >= 40)).toEqual([]);
  });
});
