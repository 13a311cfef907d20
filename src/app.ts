import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Config } from "./config.js";
import { Platform } from "./core/domain.js";
import type { Clock, CoreDeps, Messenger } from "./core/ports.js";
import type { Logger } from "./log.js";
import { createHttpServer, LISTENERS_WHERE_AVAILABLE, reusePortAvailable, type HttpServer } from "./server.js";
import type { EmbeddedAzurite } from "./store/embeddedAzurite.js";
import { openStore, storageAnswers, type Store, type StorageAccount } from "./store/index.js";
import { BackgroundWork } from "./work.js";
import type { WorkGateOptions } from "./workGate.js";
import { IdleCollector } from "./idleCollector.js";
import type { Adapter } from "./adapters.js";
import { createScheduling, type JobRegistry, type Scheduling, type SchedulingOptions } from "./scheduler/index.js";
import type { Registry } from "./core/kernel/registry.js";
import { ROUTE_PREFIX, type Workflow } from "./core/kernel/workflow.js";
import { Kernel } from "./core/kernel/kernel.js";
import { Sealer } from "./core/kernel/seal.js";
import { createRegistry, workflowsFor } from "./core/workflows/index.js";
import { appSecret } from "./store/secrets.js";
import { mountWorkflowRoutes } from "./routes.js";

export interface RunningApp {
  url: string;
  address: AddressInfo;
  deps: CoreDeps;
  kernel: Kernel;
  store: Store;
  storage: StorageAccount;
  http: HttpServer;
  work: BackgroundWork;
  adapters: Adapter[];
  /** Durable jobs and fan-out delivery (src/scheduler). */
  scheduling: Scheduling;
  /** Start-up log lines saying which endpoints are on and why the others are off. */
  describe(): string[];
  /** Graceful stop: no new requests, in-flight work finished (bounded), storage closed. */
  stop(): Promise<void>;
}

export interface AppOptions {
  log: Logger;
  /** A table-name prefix (tests isolate themselves with it). */
  tablePrefix?: string;
  /** The workflows to run (default: every workflow the app has; tests add a throwaway one). */
  workflows?: readonly Workflow[];
  /** Scheduler settings (tests shorten its intervals and point its Messengers at fake platforms). */
  scheduling?: SchedulingOptions;
  /** The app's clock (tests move it past an event); the system clock by default. */
  clock?: Clock;
  /** How the work after a Slack ack is admitted under load (tests make it wait or refuse at will). */
  workGate?: WorkGateOptions;
}

/** Composition: storage (embedded Azurite when no account is configured), store, core, HTTP server. */
export async function startApp(config: Config, { log, tablePrefix, workflows, scheduling: schedulingOptions, clock = { now: () => new Date() }, workGate }: AppOptions): Promise<RunningApp> {
  // The platform SDKs (botbuilder, Bolt) take most of start-up to load: loaded while storage starts and its
  // tables are made, not before. The drafting model's SDK (openai) is loaded only when a model is configured.
  const adapterModule = import("./adapters.js");
  const drafterModule = config.ai ? import("./ai/azureOpenAIDrafter.js") : undefined;
  // Awaited below; a start that fails before then must not also report these as unhandled.
  for (const loading of [adapterModule, drafterModule]) loading?.catch(() => undefined);
  let azurite: EmbeddedAzurite | undefined;
  let connectionString: string;
  if (config.storage.mode === "embedded") {
    // Loaded only when it runs: Azurite is a large package, and an app on real storage never needs it.
    const { startEmbeddedAzurite } = await import("./store/embeddedAzurite.js");
    azurite = await startEmbeddedAzurite(join(config.storage.dataDir, "azurite"));
    connectionString = azurite.connectionString;
    if (azurite.tookOverLockFrom !== undefined) log.warn({ stalePid: azurite.tookOverLockFrom }, "the data folder was locked by a process that no longer runs; lock taken over");
    log.info({ dataDir: config.storage.dataDir, tables: azurite.tableUrl, queues: azurite.queueUrl }, "embedded storage (Azurite) started");
  } else {
    connectionString = config.storage.connectionString;
    log.info("using the configured Azure Storage account");
  }
  const storage: StorageAccount = { connectionString, tablePrefix };
  const store = openStore(storage, log);
  const prepared = prepareUntilReady(store, log);
  // Wait briefly for the tables so the first request finds them; an unreachable account is retried in the background.
  await Promise.race([prepared.firstAttempt, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);

  // Links the app hands out (calendar files): PUBLIC_URL, else its own address once it listens.
  const site: { url?: string } = { url: config.publicUrl?.replace(/\/+$/, "") };
  // Drafting follow-ups only with a configured model: otherwise the feature is absent (no command, help or button).
  const drafts = config.ai && drafterModule ? new (await drafterModule).AzureOpenAIDrafter(config.ai, log.child({ component: "drafts" })) : undefined;
  const registry = createRegistry(workflows ?? workflowsFor({ drafts }));
  // The scheduler renders fan-out cards and runs workflow jobs through the kernel, which needs its jobs: a late binding.
  const core: { kernel?: Kernel } = {};
  const scheduling = createScheduling({
    account: storage,
    repos: store.repos,
    log,
    clock,
    present: (card, reader) => core.kernel!.presentToAll({ presenter: card.presenter, data: card.data }, reader),
    load: (source, args) => core.kernel!.loadCopy(source, args),
    ...schedulingOptions,
    registerJobs: (jobs) => {
      registerWorkflowJobs(jobs, registry, () => core.kernel!);
      schedulingOptions?.registerJobs?.(jobs);
    },
  });
  const deps: CoreDeps = {
    repos: store.repos,
    clock,
    ids: { newId: () => randomUUID() },
    jobs: scheduling.jobs,
    copies: scheduling.copies,
    sealer: new Sealer(() => appSecret(store.tables.settings, log)),
    directories: {},
    links: { base: () => site.url },
    ...(drafts ? { drafts } : {}),
  };
  const kernel = new Kernel(registry, deps, log.child({ component: "kernel" }));
  core.kernel = kernel;
  const work = new BackgroundWork(workGate);
  const { ADAPTER_FACTORIES } = await adapterModule;
  const adapters = await Promise.all(ADAPTER_FACTORIES.map((create) => create({ config, deps, kernel, storage, log, work })));
  for (const adapter of adapters) {
    const platform = Platform.safeParse(adapter.name);
    if (platform.success && adapter.directory) deps.directories[platform.data] = adapter.directory;
  }
  scheduling.start(adapterMessengers(adapters));
  const http = createHttpServer({
    log,
    storageAnswers: () => storageAnswers(storage),
    mount: (app) => {
      adapters.forEach((adapter) => adapter.mount(app));
      mountWorkflowRoutes(app, registry, deps);
    },
  });
  const address = await http.listen(config.port, config.host, listenersFor(config.listeners, log));
  const idleCollector = new IdleCollector(log.child({ component: "memory" }));
  idleCollector.start(http.server);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  site.url ??= url;

  return {
    url,
    address,
    deps,
    kernel,
    store,
    storage,
    http,
    work,
    adapters,
    scheduling,
    describe: () => [
      `GET ${url}/healthz: health and storage status`,
      ...adapters.flatMap((a) => a.describe(url)),
      ...registry.routes().map(({ workflow, def }) => `GET ${site.url}${ROUTE_PREFIX}/${workflow}/${def.path}: links the ${workflow} workflow hands out (set PUBLIC_URL to the address people reach)`),
    ],
    async stop() {
      prepared.cancel();
      idleCollector.stop();
      work.gate.stop();
      // At once and each bounded, so main.ts's 10-second deadline never cuts off deliveries being recorded.
      const requests = async () => {
        await http.close(4000);
        const drained = await work.drain(1500);
        if (!drained) log.warn({ pending: work.size }, "stopped with background work still running");
      };
      await Promise.all([bounded(requests(), 6000, "requests", log), bounded(scheduling.stop(), 6000, "scheduler", log)]);
      await bounded(Promise.allSettled(adapters.map((a) => a.stop?.())), 1000, "adapters", log);
      await bounded(azurite?.stop(), 1000, "embedded storage", log);
    },
  };
}

/** Every workflow's job kinds, run through the kernel, which carries out their effects. */
export function registerWorkflowJobs(jobs: JobRegistry, registry: Registry, kernel: () => Kernel): void {
  for (const def of registry.jobKinds()) jobs.register(def.kind, { schema: def.schema, run: (payload, ctx) => kernel().runJob(def, payload, ctx) });
}

/** The listening sockets to open: as asked (HTTP_LISTENERS), or several where the runtime can; one where it cannot. */
function listenersFor(asked: number | undefined, log: Logger): number {
  if (!reusePortAvailable()) {
    if (asked !== undefined && asked > 1) log.warn({ asked, node: process.versions.node, platform: process.platform }, "HTTP_LISTENERS above 1 needs Node 22.12 or later on Linux; listening on one socket");
    return 1;
  }
  return asked ?? LISTENERS_WHERE_AVAILABLE;
}

/** Waits for one step of a stop, at most `ms`; a step that fails or overruns is logged and left behind. */
async function bounded(step: Promise<unknown> | undefined, ms: number, what: string, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const overran = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms)));
  const finished = Promise.resolve(step).then(
    () => false,
    (error: unknown) => {
      log.error({ err: error, step: what }, "stopping: a step failed");
      return false;
    },
  );
  if (await Promise.race([finished, overran])) log.warn({ step: what, waitedMs: ms }, "stopping: a step did not finish in time; going on without it");
  clearTimeout(timer);
}

/** Creates the tables, retrying with backoff while storage is unreachable, so the app recovers by itself. */
function prepareUntilReady(store: ReturnType<typeof openStore>, log: Logger): { cancel(): void; firstAttempt: Promise<void> } {
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async (delayMs: number) => {
    if (cancelled) return;
    try {
      await store.prepare();
      if (delayMs > 500) log.info("storage is reachable again; tables ready");
    } catch (error) {
      log.error({ err: error, retryInMs: delayMs }, "storage unreachable; will retry");
      timer = setTimeout(() => void attempt(Math.min(delayMs * 2, 30_000)), delayMs);
      timer.unref();
    }
  };
  const firstAttempt = attempt(500);
  return {
    firstAttempt,
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

/** Each adapter named after a platform may bring that platform's Messenger for the scheduler's fan-outs. */
function adapterMessengers(adapters: Adapter[]): Partial<Record<Platform, Messenger>> {
  const messengers: Partial<Record<Platform, Messenger>> = {};
  for (const adapter of adapters) {
    const platform = Platform.safeParse(adapter.name);
    if (platform.success && adapter.messenger) messengers[platform.data] = adapter.messenger;
  }
  return messengers;
}
