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
  let onUrl: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (onUrl = resolve));
  const watched = watchLogLines(child, (line) => {
    if (typeof line.url === "string" && String(line.msg).includes("listening")) onUrl(line.url);
  });
  return { child, listening, ...watched };
}

/** Collects a child's JSON log lines (calling `onLine` for each), its stderr, and its exit code. */
export function watchLogLines(child: ChildProcessWithoutNullStreams, onLine: (line: Record<string, unknown>) => void) {
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  let buffer = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const complete = buffer.split("\n");
    buffer = complete.pop() ?? "";
    for (const text of complete) {
      if (!text.trim()) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      onLine(line);
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { lines, stderr: () => stderr, exited };
}
