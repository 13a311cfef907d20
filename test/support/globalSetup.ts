import type { TestProject } from "vitest/node";
import { startEmbeddedAzurite, type EmbeddedAzurite } from "../../src/store/embeddedAzurite.js";

declare module "vitest" {
  export interface ProvidedContext {
    azuriteConnectionString: string;
  }
}

let azurite: EmbeddedAzurite | undefined;

/** One real Azurite (tables + queues, in memory, free ports) for the whole test run. */
export async function setup(project: TestProject): Promise<void> {
  azurite = await startEmbeddedAzurite("memory");
  project.provide("azuriteConnectionString", azurite.connectionString);
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}
