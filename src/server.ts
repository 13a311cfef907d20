import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
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

export interface HttpServer {
  app: Express;
  server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
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

  return {
    app,
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close(graceMs = 8000) {
      return new Promise((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
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
