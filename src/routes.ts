import type { Express } from "express";
import type { Registry } from "./core/kernel/registry.js";
import { ROUTE_PREFIX } from "./core/kernel/workflow.js";
import type { CoreDeps } from "./core/ports.js";

/**
 * Mounts every workflow's read-only routes at `/w/<workflow>/<path>`: parameters checked by the route's
 * schema, a file answered with its type and name, anything else a 404 with a JSON reason. The log shows the
 * route's pattern, never the token in the address.
 */
export function mountWorkflowRoutes(app: Express, registry: Registry, deps: CoreDeps): void {
  for (const { workflow, def } of registry.routes()) {
    const pattern = `${ROUTE_PREFIX}/${workflow}/${def.path}`;
    app.get(pattern, async (req, res, next) => {
      res.locals.logPath = pattern;
      try {
        const params = def.params.safeParse(req.params);
        const answer = params.success ? await def.get(params.data, { deps }) : { kind: "missing" as const, reason: "This link is not valid." };
        if (answer.kind === "missing") {
          res.status(404).json({ error: "not_found", message: answer.reason });
          return;
        }
        res.attachment(answer.filename);
        res.set({ "content-type": answer.contentType, "cache-control": "private, no-cache", "x-robots-tag": "noindex", "referrer-policy": "no-referrer" });
        res.send(answer.body);
      } catch (error) {
        next(error);
      }
    });
  }
}
