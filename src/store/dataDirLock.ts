import { link, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A second app on the same data folder would run a second storage on the same files: refused. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`${dir} is in use by another cop-companion (pid ${pid}); stop that one first, or give this one its own DATA_DIR`);
    this.name = "DataDirInUseError";
  }
}

export interface DirLock {
  release(): Promise<void>;
}

// Locks this process holds, so a lock file naming our own pid is told apart from one a previous run
// left behind with the same pid (a restarted container's app is often pid 1 again).
const held = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const readHolder = async (path: string): Promise<number | undefined> => {
  const text = await readFile(path, "utf8").catch(() => "");
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

/**
 * Takes `<dir>/<name>`, a file holding this process's pid. A lock whose process no longer runs is
 * taken over; one held by a running process throws DataDirInUseError. The file appears whole (written
 * aside, then hard-linked into place), so a reader never sees it empty.
 */
export async function lockDir(dir: string, name = "instance.lock"): Promise<DirLock & { tookOverFrom?: number }> {
  const path = join(dir, name);
  const draft = `${path}.${process.pid}`;
  await writeFile(draft, `${process.pid}\n`, { mode: 0o600 });
  let tookOverFrom: number | undefined;
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(draft, path);
        held.add(path);
        return {
          tookOverFrom,
          async release() {
            held.delete(path);
            if ((await readHolder(path)) === process.pid) await rm(path, { force: true });
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = await readHolder(path);
      // No readable pid: gone meanwhile, or not ours to trust; either way nothing runs on its behalf.
      const stale = holder === undefined || (holder === process.pid ? !held.has(path) : !isRunning(holder));
      if (!stale) throw new DataDirInUseError(dir, holder);
      // Remove the stale file only if it still names the dead process (another start may have taken it over).
      if ((await readHolder(path)) === holder) await unlink(path).catch(() => undefined);
      tookOverFrom = holder;
    }
    throw new DataDirInUseError(dir, (await readHolder(path)) ?? 0);
  } finally {
    await rm(draft, { force: true });
  }
}
