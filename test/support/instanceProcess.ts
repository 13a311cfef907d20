import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import type { SchedulingOptions } from "../../src/scheduler/index.js";
import type { StorageAccount } from "../../src/store/tables.js";

export interface InstanceProcess {
  child: ChildProcessWithoutNullStreams;
  lines: Array<Record<string, unknown>>;
  ready: Promise<void>;
  exited: Promise<number | null>;
  stderr(): string;
}

/** Runs one app instance as a child process (`node --import tsx`), so a test can SIGKILL it mid-work. */
export function startInstanceProcess(account: StorageAccount, fakePlatformUrl: string, options: SchedulingOptions): InstanceProcess {
  const root = join(import.meta.dirname, "../..");
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "instanceMain.ts")], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      CONNECTION_STRING: account.connectionString,
      TABLE_PREFIX: account.tablePrefix ?? "",
      FAKE_PLATFORM_URL: fakePlatformUrl,
      SCHEDULING_OPTIONS: JSON.stringify(options),
    },
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  let buffer = "";
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const complete = buffer.split("\n");
    buffer = complete.pop() ?? "";
    for (const line of complete) {
      if (!line.trim()) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      if (parsed.msg === "instance ready") onReady();
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, lines, ready, exited, stderr: () => stderr };
}
