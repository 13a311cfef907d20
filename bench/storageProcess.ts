import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export interface StorageProcess {
  connectionString: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts Azurite (tables and queues, in memory) as a child process and returns its connection string. */
export function startStorageProcess(): Promise<StorageProcess> {
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_AZURITE_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--import", "tsx", join(import.meta.dirname, "azurite.ts")], { stdio: ["ignore", "pipe", "inherit"] });
  // A bench that fails or exits early takes its Azurite with it (it would otherwise run on, orphaned).
  const orphaned = () => child.kill("SIGTERM");
  process.once("exit", orphaned);
  child.once("exit", () => process.off("exit", orphaned));
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.once("exit", (code) => reject(new Error(`Azurite exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n")[0];
      if (!buffer.includes("\n") || !line) return;
      const { connectionString } = JSON.parse(line) as { connectionString: string };
      resolve({
        connectionString,
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners("exit");
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
