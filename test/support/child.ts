import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "../..");

export interface AppProcess {
  child: ChildProcessWithoutNullStreams;
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the URL once the app logs that it listens. */
  listening: Promise<string>;
  exited: Promise<number | null>;
}

/** Runs `src/main.ts` as `npm start` does, as a child process with the given environment. */
export function runApp(env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/main.ts")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PLAYGROUND: "off", PORT: "0", ...env },
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  let buffer = "";
  let onUrl: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (onUrl = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const complete = buffer.split("\n");
    buffer = complete.pop() ?? "";
    for (const line of complete) {
      if (!line.trim()) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      if (typeof parsed.url === "string" && String(parsed.msg).includes("listening")) onUrl(parsed.url);
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, lines, stderr: () => stderr, listening, exited };
}
