import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Structured logs; secrets and anonymous answers never reach them (redacted by path as a backstop). */
export function createLogger(level: string, destination?: NodeJS.WritableStream, pretty = false): Logger {
  // pino-pretty is a development dependency: readable lines for a person at a terminal.
  const transport = pretty ? { target: "pino-pretty", options: { translateTime: "HH:MM:ss", ignore: "pid,hostname,app" } } : undefined;
  return pino(
    {
      level,
      transport,
      base: { app: "cop-companion" },
      redact: {
        paths: ["*.authorization", "*.headers.authorization", "*.password", "*.token", "*.secret", "*.connectionString"],
        censor: "[redacted]",
      },
    },
    destination as DestinationStream | undefined,
  );
}
