import getPort from "get-port";
import { afterEach, describe, expect, it } from "vitest";
import { azuriteConnectionString, startEmbeddedAzurite, type EmbeddedAzurite } from "../../src/store/embeddedAzurite.js";
import { reusePortAvailable } from "../../src/server.js";
import { startTestApp, type TestApp } from "../support/app.js";

describe("the HTTP server", () => {
  let app: TestApp | undefined;
  let azurite: EmbeddedAzurite | undefined;
  afterEach(async () => {
    await app?.stop();
    await azurite?.stop();
    app = azurite = undefined;
  });

  it("reports healthy storage on /healthz and tags every response with a correlation id", async () => {
    app = await startTestApp();
    const res = await fetch(`${app.url}/healthz`, { headers: { "x-correlation-id": "abc-123" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", storage: "ok" });
    expect(res.headers.get("x-correlation-id")).toBe("abc-123");
    expect(app.logs).toContainEqual(expect.objectContaining({ correlationId: "abc-123", path: "/healthz", status: 200 }));
  });

  it("listens on the sockets HTTP_LISTENERS asks for where the runtime can, and says so where it cannot", async () => {
    app = await startTestApp({ HTTP_LISTENERS: "8" });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const warnings = app.logs.filter((l) => String(l.msg).startsWith("HTTP_LISTENERS above 1 needs Node 22.12"));
    expect(warnings).toHaveLength(reusePortAvailable() ? 0 : 1);
  });

  it("refuses a body that is too large or not JSON with a JSON error, and logs it", async () => {
    app = await startTestApp();
    const big = await fetch(`${app.url}/anything`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ x: "a".repeat(300_000) }) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: "payload_too_large", message: "The request body is larger than 256kb." });
    const bad = await fetch(`${app.url}/anything`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "bad_request" });
    expect(app.logs.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(
      expect.arrayContaining(["request body over the limit refused", "malformed request body refused"]),
    );
    const missing = await fetch(`${app.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "not_found" });
  });

  it("keeps running while storage is unreachable (503) and recovers when it returns", async () => {
    const tablePort = await getPort();
    const queuePort = await getPort();
    const connectionString = azuriteConnectionString(`http://127.0.0.1:${tablePort}/devstoreaccount1`, `http://127.0.0.1:${queuePort}/devstoreaccount1`);
    app = await startTestApp({ AZURE_STORAGE_CONNECTION_STRING: connectionString });
    for (let probe = 0; probe < 3; probe++) {
      const down = await fetch(`${app.url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: "degraded", storage: "unreachable" });
    }

    azurite = await startEmbeddedAzurite("memory", { table: tablePort, queue: queuePort });
    await expect.poll(async () => (await fetch(`${app!.url}/healthz`)).status, { timeout: 10_000, interval: 250 }).toBe(200);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    // The tables were created once storage came back, so the app works without a restart.
    await expect.poll(async () => (await app!.deps.repos.communities.get("none")) === undefined, { timeout: 10_000, interval: 250 }).toBe(true);

    // An operator's log: one error when it turned unhealthy, one line when it recovered, probes only at debug.
    const probes = app.logs.filter((l) => l.path === "/healthz");
    expect(probes.length).toBeGreaterThanOrEqual(5);
    expect(probes.every((l) => l.level === 20)).toBe(true);
    expect(app.logs.filter((l) => String(l.msg).startsWith("unhealthy"))).toEqual([expect.objectContaining({ level: 50, storage: "unreachable" })]);
    expect(app.logs.filter((l) => String(l.msg).startsWith("healthy again"))).toEqual([expect.objectContaining({ level: 30, storage: "ok" })]);
  });
});
