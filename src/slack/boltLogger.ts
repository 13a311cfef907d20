import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger } from "../log.js";

const text = (messages: unknown[]) => messages.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");

/** Bolt and the Web API client log through pino, as structured lines like the rest of the app. */
export function boltLogger(log: Logger): SlackLogger {
  let level = LogLevel.INFO;
  let name = "slack";
  return {
    debug: (...m: unknown[]) => log.debug({ component: name }, text(m)),
    info: (...m: unknown[]) => log.info({ component: name }, text(m)),
    warn: (...m: unknown[]) => log.warn({ component: name }, text(m)),
    error: (...m: unknown[]) => log.error({ component: name }, text(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
    },
  };
}
