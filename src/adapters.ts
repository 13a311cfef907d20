import type { Express } from "express";
import type { Config } from "./config.js";
import type { Kernel } from "./core/kernel/kernel.js";
import type { CoreDeps, Directory, Messenger } from "./core/ports.js";
import type { Logger } from "./log.js";
import type { StorageAccount } from "./store/index.js";
import type { BackgroundWork } from "./work.js";
import { createTeamsAdapter } from "./teams/index.js";
import { createSlackAdapter } from "./slack/adapter.js";

/** What a platform adapter gets from the composition root. */
export interface AdapterContext {
  config: Config;
  deps: CoreDeps;
  /** The core: every request goes through it. */
  kernel: Kernel;
  storage: StorageAccount;
  log: Logger;
  work: BackgroundWork;
}

/** A platform adapter (Teams, Slack): mounts its routes on the shared server. */
export interface Adapter {
  name: string;
  /** Adds the adapter's routes; called before the shared JSON parser so each route parses its own body. */
  mount(app: Express): void;
  /** Lines for the start-up log: where the adapter listens, or why it is off and how to turn it on. */
  describe(baseUrl: string): string[];
  stop?(): Promise<void>;
  /** Delivers the scheduler's fan-out messages; used when `name` is a platform ("teams", "slack"). */
  messenger?: Messenger;
  /** Lists the people in a space of this platform (the roster import). */
  directory?: Directory;
}

/** Every adapter the app has; each factory decides from the config whether it is on. */
export const ADAPTER_FACTORIES: Array<(ctx: AdapterContext) => Promise<Adapter>> = [
  createTeamsAdapter,
  createSlackAdapter,
];
