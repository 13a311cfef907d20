import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Structured logs; secrets and anonymous answers never reach them (redacted by path as a backstop). */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: "cop-companion" },
      redact: {
        paths: ["*.authorization", "*.headers.authorization", "*.password", "*.token", "*.secret", "*.connectionString"],
        censor: "[redacted]",
      },
    },
    destination as DestinationStream | undefined,
  );
}
