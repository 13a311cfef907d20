import { randomBytes } from "node:crypto";
import type { Card } from "../src/core/kernel/card.js";
import type { DeliveryTarget, Messenger } from "../src/core/ports.js";
import { createLogger } from "../src/log.js";
import type { SchedulingOptions } from "../src/scheduler/index.js";
import { planSlots } from "../src/scheduler/rateLimiter.js";
import { openStore } from "../src/store/index.js";
import { platformMessenger } from "../test/support/fakePlatform.js";
import { forkBench } from "./child.js";
import type { PlatformReport } from "./platformProcess.js";
import { fanoutJob, member, renderNotice, schedulingWithKernel } from "../test/support/fanoutFixtures.js";

export interface Figures {
  recipients: number;
  allowedPerSecond: number;
  achievedPerSecond: number;
  /** Achieved rate over the platform's allowed rate (first to last delivery). */
  ratio: number;
  duplicates: number;
  missing: number;
  throttled: number;
  peakRssMb: number;
  seconds: number;
}

/** Samples this process's resident set size, keeping the peak. */
function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024);
    },
  };
}

/** The fake platform, in a process of its own (bench/platformProcess.ts). */
interface Platform {
  messenger(): Messenger;
  report(): Promise<PlatformReport>;
  stop(): Promise<void>;
}

async function startPlatform(perSecond: number, burst: number): Promise<Platform> {
  const child = forkBench<{ type?: string; url?: string } | PlatformReport>("platformProcess.ts", [String(perSecond), String(burst)]);
  const { url } = (await child.next()) as { url: string };
  return {
    messenger: () => platformMessenger(url),
    report: async () => {
      child.child.send({ type: "report" });
      return child.next((m): m is PlatformReport => m.type === "report");
    },
    stop: () => child.stop(),
  };
}

function figures(report: PlatformReport, keys: string[], allowedPerSecond: number, peakRssMb: number, seconds: number): Figures {
  const first = report.deliveries[0]?.[1] ?? 0;
  const last = report.deliveries.at(-1)?.[1] ?? first;
  const delivered = new Set(report.deliveries.map(([key]) => key));
  const achievedPerSecond = last > first ? ((report.deliveries.length - 1) * 1000) / (last - first) : 0;
  return {
    recipients: keys.length,
    allowedPerSecond,
    achievedPerSecond: Math.round(achievedPerSecond * 10) / 10,
    ratio: Math.round((achievedPerSecond / allowedPerSecond) * 1000) / 1000,
    duplicates: report.duplicates,
    missing: keys.filter((k) => !delivered.has(k)).length,
    throttled: report.requests.filter(([, status]) => status === 429).length,
    peakRssMb,
    seconds: Math.round(seconds * 10) / 10,
  };
}

/** Requests per 250 ms as ok/throttled, to see where the time went. */
function timeline(report: PlatformReport): string {
  const start = report.requests[0]?.[0] ?? 0;
  const slots = new Map<number, [number, number]>();
  for (const [at, status] of report.requests) {
    const slot = Math.floor((at - start) / 250);
    const counts = slots.get(slot) ?? [0, 0];
    counts[status === 429 ? 1 : 0] += 1;
    slots.set(slot, counts);
  }
  return [...slots].map(([slot, [ok, throttled]]) => `${slot / 4}s:${ok}${throttled ? `/${throttled}` : ""}`).join(" ");
}

const recipientKeys = (n: number, tenant: string) => Array.from({ length: n }, (_, i) => `teams:${tenant}:user-${String(i + 1).padStart(6, "0")}`);

/**
 * The baseline: the same deliveries sent straight from memory, paced by the same GCRA arithmetic,
 * with no storage, queue or records: the best this process can do against the platform.
 */
export async function directBaseline(allowedPerSecond: number, recipients: number): Promise<Figures> {
  const platform = await startPlatform(allowedPerSecond, Math.max(1, allowedPerSecond / 10));
  const keys = recipientKeys(recipients, "baseline");
  const messenger: Messenger = platform.messenger();
  const card = renderNotice({ locale: "en", platform: "teams", personal: true });
  const rss = rssSampler();
  const started = performance.now();
  const rule = { key: "baseline", perSecond: allowedPerSecond, burst: Math.max(1, Math.round(allowedPerSecond / 50)) };
  let state = { tat: 0, throttledUntil: 0 };
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < keys.length; ) {
    const now = Date.now();
    const { slots, tat } = planSlots(state, rule, Math.min(64, keys.length - i), now, 250);
    state = { ...state, tat };
    for (const at of slots) {
      const target: DeliveryTarget = { kind: "person", personKey: keys[i++]! };
      sends.push(new Promise((resolve) => setTimeout(resolve, at - Date.now())).then(() => deliverHonouringRetryAfter(messenger, target, card)));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (slots.at(-1) ?? now) - Date.now() - 50)));
  }
  await Promise.all(sends);
  const result = figures(await platform.report(), keys, allowedPerSecond, rss.stop(), (performance.now() - started) / 1000);
  await platform.stop();
  return result;
}

async function deliverHonouringRetryAfter(messenger: Messenger, target: DeliveryTarget, card: Card): Promise<void> {
  for (;;) {
    const result = await messenger.deliver(target, card);
    if (result.status !== "throttled") return;
    await new Promise((resolve) => setTimeout(resolve, result.retryAfterMs));
  }
}

/** The real thing: a fan-out job over `recipients` members, through the scheduler, the queue and the workers. */
export async function scheduledFanout(connectionString: string, allowedPerSecond: number, recipients: number, options: SchedulingOptions = {}): Promise<Figures> {
  const platform = await startPlatform(allowedPerSecond, Math.max(1, allowedPerSecond / 10));
  const account = { connectionString, tablePrefix: `b${randomBytes(4).toString("hex")}` };
  const log = createLogger(process.env.BENCH_LOG ?? "warn");
  const store = openStore(account, log);
  await store.prepare();
  const communityId = "bench";
  const keys = recipientKeys(recipients, "tenant-bench");
  const chunks = Array.from({ length: Math.ceil(keys.length / 250) }, (_, i) => keys.slice(i * 250, (i + 1) * 250));
  for (let i = 0; i < chunks.length; i += 8) await Promise.all(chunks.slice(i, i + 8).map((c) => store.repos.members.saveMany(c.map((k) => member(communityId, k)))));

  // Each recipient's card is rendered at delivery time, as in the app: that cost is part of the figures.
  const scheduling = schedulingWithKernel({
    account,
    repos: store.repos,
    log,
    rateLimits: { teams: { tenant: { perSecond: allowedPerSecond, burst: Math.max(1, Math.round(allowedPerSecond / 50)) } } },
    scheduler: { pollMs: 200 },
    progressIntervalMs: 5000,
    ...options,
    messengers: { teams: platform.messenger() },
  });
  await scheduling.prepare();
  const rss = rssSampler();
  const started = performance.now();
  scheduling.start({});
  await scheduling.jobs.schedule(fanoutJob(`bench:${account.tablePrefix}`, { kind: "members", communityId }));
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const progress = await scheduling.jobs.fanoutProgress(`bench:${account.tablePrefix}`);
    if (progress?.done) break;
  }
  const report = await platform.report();
  const result = figures(report, keys, allowedPerSecond, rss.stop(), (performance.now() - started) / 1000);
  if (process.env.BENCH_TIMELINE) console.error(timeline(report));
  await scheduling.stop();
  await platform.stop();
  return result;
}
