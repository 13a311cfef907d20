/** Open-loop load: requests at their moments, whatever became of those before them (the bursts, the latency bench). */

/** The q-quantile of sorted values (the nearest rank). */
export const p = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;

/**
 * Runs each task at its moment in the window (open loop: nobody waits for anyone); returns when all are done.
 * Each task is told its moment (`performance.now()` time), which it may be started a little after.
 */
export async function paced<T>(count: number, windowMs: number, task: (n: number, due: number) => Promise<T>): Promise<{ results: T[]; seconds: number }> {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const at = (n / count) * windowMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - (performance.now() - started))));
      return task(n, started + at);
    }),
  );
  return { results, seconds: (performance.now() - started) / 1000 };
}
