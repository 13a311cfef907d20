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
  return {
    debug: (...m: unknown[]) => named.debug(withoutBodies(text(m))),
    info: (...m: unknown[]) => named.info(withoutBodies(text(m))),
    warn: (...m: unknown[]) => named.warn(withoutBodies(text(m))),
    error: (...m: unknown[]) => named.error(withoutBodies(text(m))),
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
