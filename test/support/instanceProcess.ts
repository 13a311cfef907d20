import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import type { SchedulingOptions } from "../../src/scheduler/index.js";
import type { StorageAccount } from "../../src/store/tables.js";
import { watchLogLines } from "./child.js";

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
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const watched = watchLogLines(child, (line) => {
    if (line.msg === "instance ready") onReady();
  });
  return { child, ready, ...watched };
}
