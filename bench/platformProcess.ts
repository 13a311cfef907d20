/**
 * The fan-out bench's fake platform in a process of its own, as a real platform is: its clock and token bucket
 * are not held up by the sender's event loop (in the sender's process, a busy turn there delayed requests'
 * arrival and then let them in together, over the platform's burst). Args: per second, burst. Says
 * `{ type: "listening", url }`; answers `{ type: "report" }` with what it received (`PlatformReport`).
 */
import { startFakePlatform } from "../test/support/fakePlatform.js";

export interface PlatformReport {
  type: "report";
  /** Each delivery: recipient key and when it came (ms). */
  deliveries: Array<[string, number]>;
  /** Each request: when it came and the status it was answered. */
  requests: Array<[number, number]>;
  duplicates: number;
}

const [perSecond, burst] = process.argv.slice(2).map(Number);
const platform = await startFakePlatform({ perSecond: perSecond!, burst: burst! });
process.on("message", (message: { type?: string }) => {
  if (message.type !== "report") return;
  const report: PlatformReport = {
    type: "report",
    deliveries: platform.deliveries.map((d) => [d.key, d.at]),
    requests: platform.requests.map((r) => [r.at, r.status]),
    duplicates: platform.duplicates(),
  };
  process.send!(report);
});
process.on("SIGTERM", () => void platform.stop().then(() => process.exit(0)));
process.send!({ type: "listening", url: platform.url });
