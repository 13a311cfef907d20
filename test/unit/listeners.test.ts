import { get } from "node:http";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { createHttpServer, reusePortAvailable, type HttpServer } from "../../src/server.js";

const log = createLogger("silent");
const open: Array<HttpServer | Server> = [];
afterEach(async () => {
  for (const server of open.splice(0)) await new Promise((resolve) => ("app" in server ? server.close(0).then(resolve) : server.close(resolve)));
});

function httpServer(): HttpServer {
  const http = createHttpServer({ log, storageAnswers: async () => true });
  open.push(http);
  return http;
}

/** A GET on a connection of its own (no agent), as a new client's first request. */
function getAlone(port: number, id: string): Promise<{ status?: number; id?: string | string[] }> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/healthz", agent: false, headers: { "x-correlation-id": id } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode, id: res.headers["x-correlation-id"] }));
    }).on("error", reject);
  });
}

/** Binds `port` alone, as another process would (no SO_REUSEPORT); resolves with the error if it cannot. */
function bindAlone(port: number): Promise<NodeJS.ErrnoException | undefined> {
  const other = createServer();
  return new Promise((resolve) => {
    other.once("error", resolve);
    other.listen(port, "127.0.0.1", () => other.close(() => resolve(undefined)));
  });
}

describe("listening on several sockets", () => {
  it("is available from Node 22.12 on Linux only", () => {
    expect(reusePortAvailable("20.20.2", "linux")).toBe(false);
    expect(reusePortAvailable("22.11.0", "linux")).toBe(false);
    expect(reusePortAvailable("22.12.0", "linux")).toBe(true);
    expect(reusePortAvailable("24.1.0", "linux")).toBe(true);
    expect(reusePortAvailable("24.1.0", "darwin")).toBe(false);
    expect(reusePortAvailable("22.12.0", "win32")).toBe(false);
  });

  it("fails the start on a port another process holds, with one socket or several", async () => {
    const other = createServer();
    open.push(other);
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const { port } = other.address() as { port: number };
    await expect(httpServer().listen(port, "127.0.0.1")).rejects.toMatchObject({ code: "EADDRINUSE" });
    await expect(httpServer().listen(port, "127.0.0.1", 8)).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  it.skipIf(!reusePortAvailable())("answers every connection of a burst on its eight sockets, holds the port, and gives it all back on close", async () => {
    const http = httpServer();
    const { port } = await http.listen(0, "127.0.0.1", 8);
    expect(await bindAlone(port)).toMatchObject({ code: "EADDRINUSE" });
    // 40 connections at once: the kernel spreads them over the sockets, and each must reach the one app.
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => getAlone(port, `burst-${i}`)));
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => ({ status: 200, id: `burst-${i}` })));
    await http.close(0);
    open.splice(open.indexOf(http), 1);
    expect(await bindAlone(port)).toBeUndefined();
  });
});
