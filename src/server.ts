import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo, type ListenOptions, type Server as NetServer } from "node:net";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { lazyChild, type Logger } from "./log.js";

/** Largest JSON body accepted; Bot Framework activities and Slack payloads are far smaller. */
export const BODY_LIMIT = "256kb";

declare module "express-serve-static-core" {
  interface Request {
    log: Logger;
    correlationId: string;
  }
}

/** JSON body parser with the shared size limit, for adapter routes that take JSON. */
export const jsonBody = express.json({ limit: BODY_LIMIT });

export interface HealthReport {
  status: "ok" | "degraded";
  storage: "ok" | "unreachable";
  uptimeSeconds: number;
}

export interface ServerOptions {
  log: Logger;
  /** True when storage answers; /healthz turns 503 when it does not. */
  storageAnswers: () => Promise<boolean>;
  /** Adapters add their routes here; they run before the shared JSON body parser. */
  mount?: (app: Express) => void;
}

/**
 * Whether this runtime can listen on one port with several sockets (SO_REUSEPORT): Node 22.12 and later,
 * on Linux (elsewhere the option is refused, or the kernel does not spread connections over the sockets).
 */
export function reusePortAvailable(version = process.versions.node, platform: string = process.platform): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return platform === "linux" && (major > 22 || (major === 22 && minor >= 12));
}

/**
 * Listening sockets where the runtime can have several. Node accepts one new connection per turn of its event
 * loop from each listening socket (libuv pull request 3696), and a busy process's turns take tens of
 * milliseconds: a burst of new connections (a fresh instance taking traffic, a front end opening more to it)
 * waits in the kernel's queue, already connected on the client's side, with the requests sent on them. The
 * kernel spreads new connections over the sockets, and each gives one a turn. Eight took a burst of 60 new
 * connections on a loop busy in 45-ms turns in 0.66 s against 2.8 s with one (Node 22.23, this machine).
 */
export const LISTENERS_WHERE_AVAILABLE = 8;

export interface HttpServer {
  app: Express;
  server: Server;
  /**
   * Listens on `port` (0: one the system picks) with `listeners` sockets (SO_REUSEPORT when more than one:
   * see `reusePortAvailable`). A port another process holds fails the start, however many.
   */
  listen(port: number, host: string, listeners?: number): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

export function createHttpServer(options: ServerOptions): HttpServer {
  const { log } = options;
  const app = express();
  app.disable("x-powered-by");
  const started = Date.now();

  app.use((req, res, next) => {
    const incoming = req.get("x-correlation-id") ?? req.get("x-request-id");
    req.correlationId = incoming && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    req.log = lazyChild(log, { correlationId: req.correlationId });
    res.setHeader("x-correlation-id", req.correlationId);
    const begun = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - begun) / 1e6;
      const level = res.locals.probe || res.statusCode < 400 ? "debug" : res.statusCode >= 500 ? "error" : "warn";
      // A route whose address carries a token logs its pattern instead (res.locals.logPath).
      req.log[level]({ method: req.method, path: res.locals.logPath ?? req.path, status: res.statusCode, ms: Math.round(ms) }, "request");
    });
    next();
  });

  // Probes come every few seconds: each is logged at debug, and a change of health once.
  let healthy: boolean | undefined;
  app.get("/healthz", async (req, res) => {
    res.locals.probe = true;
    const storage = (await options.storageAnswers()) ? "ok" : "unreachable";
    const nowHealthy = storage === "ok";
    if (nowHealthy !== healthy) {
      if (!nowHealthy) req.log.error({ storage }, "unhealthy: storage does not answer; /healthz answers 503 until it does");
      else if (healthy === false) req.log.info({ storage }, "healthy again: storage answers; /healthz answers 200");
      healthy = nowHealthy;
    }
    const report: HealthReport = {
      status: storage === "ok" ? "ok" : "degraded",
      storage,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    };
    res.status(storage === "ok" ? 200 : 503).json(report);
  });

  options.mount?.(app);
  app.use(jsonBody);

  app.use((req, res) => {
    res.status(404).json({ error: "not_found", message: `No route for ${req.method} ${req.path}` });
  });
  // Express recognises an error handler by its four parameters.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(error);
    if (status === 413) {
      req.log.warn({ limit: BODY_LIMIT }, "request body over the limit refused");
      res.status(413).json({ error: "payload_too_large", message: `The request body is larger than ${BODY_LIMIT}.` });
    } else if (status === 400) {
      req.log.warn({ err: errorMessage(error) }, "malformed request body refused");
      res.status(400).json({ error: "bad_request", message: "The request body is not valid JSON." });
    } else if (status === 415) {
      res.status(415).json({ error: "unsupported_media_type", message: "Send the body as application/json." });
    } else {
      req.log.error({ err: error }, "request failed");
      if (!res.headersSent) res.status(500).json({ error: "internal", message: "Something went wrong; nothing was changed." });
    }
  });

  const server = createServer(app);
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  // The sockets beyond the server's own: each hands what it accepts to the HTTP server, as its own would.
  const extras: NetServer[] = [];

  return {
    app,
    server,
    async listen(port, host, listeners = 1) {
      if (listeners <= 1) return listenOn(server, { port, host });
      // Sockets that all ask for SO_REUSEPORT share a port silently, with another process too (a second
      // instance started by mistake): bind it alone first, so a port in use fails the start as it always has.
      const probe = createNetServer();
      const { port: free } = await listenOn(probe, { port, host });
      await new Promise((resolve) => probe.close(resolve));
      const address = await listenOn(server, { port: free, host, reusePort: true });
      try {
        while (extras.length < listeners - 1) {
          // As the HTTP server's own: half-open allowed (HTTP handles it), no Nagle delay.
          const extra = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => server.emit("connection", socket));
          await listenOn(extra, { port: free, host, reusePort: true });
          extras.push(extra);
        }
      } catch (error) {
        for (const listening of [...extras.splice(0), server]) listening.close();
        throw error;
      }
      return address;
    },
    async close(graceMs = 8000) {
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      // Each socket's close waits for the connections it accepted; the HTTP server tracks them all.
      const closing = [server, ...extras.splice(0)].map((listening) => new Promise((resolve) => listening.close(resolve)));
      server.closeIdleConnections();
      await Promise.all(closing);
      clearTimeout(force);
    },
  };
}

/** `reusePort` is in Node's listen options from 22.12 (the types here are Node 20's). */
function listenOn(listener: NetServer, options: ListenOptions & { reusePort?: boolean }): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(options, () => {
      listener.off("error", reject);
      resolve(listener.address() as AddressInfo);
    });
  });
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null) {
    const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
    if (typeof status === "number") return status;
    if (typeof statusCode === "number") return statusCode;
  }
  return undefined;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
