import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/** A bench script forked with tsx and an IPC channel: `next` waits for its next message of a type. */
export interface Forked<M extends { type?: string }> {
  child: ChildProcess;
  next<T extends M>(predicate?: (message: M) => message is T): Promise<T>;
  stop(): Promise<void>;
}

export function forkBench<M extends { type?: string }>(file: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, nodeFlags: string[] = []): Forked<M> {
  // tsx first: an `--import` of a .ts module among nodeFlags (BENCH_HEAP_SAMPLE) needs it loaded.
  const child = fork(join(import.meta.dirname, file), args, { execArgv: ["--import", "tsx", ...nodeFlags], env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const queue: M[] = [];
  const waiting: Array<(message: M) => void> = [];
  child.on("message", (message: M) => {
    const wake = waiting.shift();
    if (wake) wake(message);
    else queue.push(message);
  });
  return {
    child,
    next: (predicate) =>
      new Promise((resolve, reject) => {
        const take = (message: M) => {
          if ((message as { type?: string }).type === "failed") reject(new Error(`bench/${file}: ${JSON.stringify(message)}`));
          else if (!predicate || predicate(message)) resolve(message as never);
          else reject(new Error(`bench/${file}: unexpected ${JSON.stringify(message)}`));
        };
        const queued = queue.shift();
        if (queued) take(queued);
        else {
          const onExit = (code: number | null) => reject(new Error(`bench/${file} exited with ${code}`));
          child.once("exit", onExit);
          waiting.push((message) => {
            child.off("exit", onExit);
            take(message);
          });
        }
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
