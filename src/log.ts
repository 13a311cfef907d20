import { pino, symbols, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from "pino";
import { redactValue, scrubText, serializeError } from "./redact.js";

export type { Logger };

const CHINDINGS = symbols.chindingsSym;
type WithChindings = Record<typeof CHINDINGS, string>;

/**
 * pino appends a child's bindings to its parent's as JSON text, so `child({component})` under a logger
 * that already has one writes `component` twice; and bindings skip `formatters.log`. Rewrites them
 * once per child: each key once (the child's value wins) and redacted like the rest of the line.
 */
function settleBindings(child: Logger): void {
  const own = child as unknown as WithChindings;
  // pino's child text is its parent's (settled already, or the root's own) with the new bindings after it:
  // when none of them is the parent's too, only they need parsing and redacting (a child per request).
  const parent = (Object.getPrototypeOf(child) as Partial<WithChindings>)[CHINDINGS] ?? "";
  const text = own[CHINDINGS] ?? "";
  if (text.startsWith(parent)) {
    const added = JSON.parse(`{${text.slice(parent.length).replace(/^,/, "")}}`) as Record<string, unknown>;
    if (Object.keys(added).every((key) => !parent.includes(`${JSON.stringify(key)}:`))) {
      const addedText = JSON.stringify(redactValue(added));
      own[CHINDINGS] = addedText === "{}" ? parent : `${parent},${addedText.slice(1, -1)}`;
      return;
    }
  }
  const settled = JSON.stringify(redactValue(JSON.parse(`{${text.replace(/^,/, "")}}`)));
  own[CHINDINGS] = settled === "{}" ? "" : `,${settled.slice(1, -1)}`;
}

/**
 * Structured logs. Secrets never reach them: fields named like secrets are blanked at any depth, and
 * secret-shaped text (Slack tokens, client_secret=…, code=…, state=…, credentials) is scrubbed from
 * values and messages alike; anonymous answers are never passed to a logger in the first place.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream, pretty = false): Logger {
  // pino-pretty is a development dependency: readable lines for a person at a terminal.
  const transport = pretty ? { target: "pino-pretty", options: { translateTime: "HH:MM:ss", ignore: "pid,hostname,app" } } : undefined;
  return pino(
    {
      level,
      transport,
      base: { app: "cop-companion" },
      formatters: { log: (object) => redactValue(object) as Record<string, unknown> },
      serializers: { err: serializeError },
      hooks: {
        logMethod(args, method) {
          // The first object is the line's fields (formatters.log); later ones are printf arguments.
          const scrubbed = args.map((arg, i) => (typeof arg === "string" ? scrubText(arg) : i > 0 ? redactValue(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      onChild: settleBindings,
    },
    destination as DestinationStream | undefined,
  );
}

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace"]);
const noop = () => undefined;

/**
 * A child logger made when it first writes a line (or is asked anything but whether a level is on): a request's
 * child, with its correlation id, team and channel, costs pino a serialisation of its bindings and us their
 * parse and redaction (settleBindings), and at production levels most requests write no line at all. Its own
 * children are as lazy; the lines it writes are those its made child writes.
 */
export function lazyChild(parent: Logger, bindings: Bindings): Logger {
  return lazily(() => parent.child(bindings), (level) => parent.isLevelEnabled(level));
}

function lazily(make: () => Logger, enabled: (level: string) => boolean): Logger {
  let made: Logger | undefined;
  const real = () => (made ??= make());
  return new Proxy(Object.create(null) as Logger, {
    get(_target, key) {
      if (!made) {
        if (typeof key === "string" && LEVELS.has(key) && !enabled(key)) return noop;
        if (key === "isLevelEnabled") return enabled;
        if (key === "child") {
          return (bindings: Bindings, options?: ChildLoggerOptions) => (options ? real().child(bindings, options) : lazily(() => real().child(bindings), enabled));
        }
      }
      const value = Reflect.get(real(), key) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(made) : value;
    },
  });
}
