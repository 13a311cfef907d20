import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger } from "../log.js";

const text = (messages: unknown[]) => messages.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");

/** Bolt and the Web API client log through pino, as structured lines like the rest of the app. */
export function boltLogger(log: Logger): SlackLogger {
  let level = LogLevel.INFO;
  let named = log;
  return {
    debug: (...m: unknown[]) => named.debug(text(m)),
    info: (...m: unknown[]) => named.info(text(m)),
    warn: (...m: unknown[]) => named.warn(text(m)),
    error: (...m: unknown[]) => named.error(text(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    // The adapter's child logger already says `component: slack`; Bolt's own name goes beside it.
    setName: (name: string) => {
      named = log.child({ slackLogger: name });
    },
  };
}
