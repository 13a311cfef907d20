import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger } from "../log.js";

const text = (messages: unknown[]) => messages.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");

/**
 * At debug level Bolt and the Web API client flatten whole bodies into their messages: OAuth client
 * secrets and codes, message texts (link codes), people's profiles, incoming payloads. Such a message
 * keeps only what it is about; log.ts scrubs secret-shaped text from the rest.
 */
const BODY_MESSAGES = [/^(http request (?:body|headers|result): ).*/s, /^(ack\(\) .*\(body: ).*/s, /^(Running handleInstallPath\(\) with ).*/s];

export function withoutBodies(message: string): string {
  for (const pattern of BODY_MESSAGES) if (pattern.test(message)) return message.replace(pattern, "$1[omitted]");
  // Bolt logs each incoming payload as bare JSON.
  return /^\s*[[{]/.test(message) ? "[payload omitted]" : message;
}

/** Bolt and the Web API client log through pino, as structured lines like the rest of the app. */
export function boltLogger(log: Logger): SlackLogger {
  let level = LogLevel.INFO;
  let named = log;
  // A message for a level that is off is not put together: the Web API client sends one per call, body included.
  const at = (lvl: "debug" | "info" | "warn" | "error") => (...m: unknown[]) => {
    if (named.isLevelEnabled(lvl)) named[lvl](withoutBodies(text(m)));
  };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
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
