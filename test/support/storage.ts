import { randomBytes } from "node:crypto";
import { inject } from "vitest";

/** The connection string of the test run's Azurite (started once in globalSetup). */
export function testConnectionString(): string {
  return inject("azuriteConnectionString");
}

/** A table-name prefix unique to one test, so tests never see each other's rows. */
export function uniquePrefix(): string {
  return "t" + randomBytes(4).toString("hex");
}
