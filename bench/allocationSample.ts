/**
 * Imported into a bench server (`--import`) by BENCH_HEAP_SAMPLE=DIR: V8's sampling heap profiler, counting
 * the objects garbage collection has already taken too, so the profile says where the process allocates (what
 * its collector has to clear), not what it holds. Written to DIR/<server>.heapprofile when the process exits
 * (DevTools' Memory tab opens it; a sample every 16 KB allocated).
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const dir = process.env.BENCH_HEAP_SAMPLE;
const server = process.argv.at(-1);
if (dir) {
  const session = new Session();
  session.connect();
  session.post("HeapProfiler.enable");
  // Counting collected objects takes the protocol's two include flags, which @types/node does not list yet.
  const sampling = { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
  session.post("HeapProfiler.startSampling", sampling);
  // A session on the main thread answers at once: the profile is written before the process is gone.
  process.on("exit", () =>
    session.post("HeapProfiler.stopSampling", (error, answer) => {
      if (!error) writeFileSync(`${dir}/${server}.heapprofile`, JSON.stringify(answer.profile));
    }),
  );
}
