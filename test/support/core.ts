import type { Request } from "../../src/core/commands.js";
import type { CoreDeps } from "../../src/core/ports.js";
import type { Charter } from "../../src/core/domain.js";
import { EMPTY_CHARTER_FORM } from "../../src/core/charterForm.js";
import { openStore } from "../../src/store/index.js";
import { createLogger } from "../../src/log.js";
import { createScheduling } from "../../src/scheduler/index.js";
import { testConnectionString, uniquePrefix } from "./storage.js";

/** Core dependencies on a real store (the test run's Azurite, tables of its own) and a settable clock. */
export async function coreOnRealStore(): Promise<CoreDeps & { setNow(iso: string): void }> {
  const account = { connectionString: testConnectionString(), tablePrefix: uniquePrefix() };
  const store = openStore(account, createLogger("silent"));
  let now = new Date("2026-11-23T09:00:00Z");
  // Jobs are stored, not run: no scheduler loop starts here.
  const scheduling = createScheduling({ account, repos: store.repos, log: createLogger("silent"), clock: { now: () => now } });
  await Promise.all([store.prepare(), scheduling.prepare()]);
  let id = 0;
  return {
    repos: store.repos,
    clock: { now: () => now },
    ids: { newId: () => `community-${++id}` },
    jobs: scheduling.jobs,
    setNow(iso) {
      now = new Date(iso);
    },
  };
}

export const CHANNEL = { spaceKey: "teams:tenant-1:19:general@thread.tacv2", platform: "teams", displayName: "General", personal: false } as const;
export const SLACK_CHANNEL = { spaceKey: "slack:T1:C123", platform: "slack", displayName: "#data-stewards", personal: false } as const;
export const ANA = { personKey: "teams:tenant-1:aad-ana", displayName: "Ana Duarte", locale: "en-GB" } as const;
export const BEN = { personKey: "teams:tenant-1:aad-ben", displayName: "Ben Okafor", locale: "en-US" } as const;
export const SLACK_CAROL = { personKey: "slack:T1:U3", displayName: "Carol", locale: "en" } as const;

export function request(actor: Request["actor"], space: Request["space"], command: Request["command"]): Request {
  return { actor, space, command };
}

/** A filled-in charter, the same for every renderer's snapshots. */
export const SAMPLE_CHARTER: Charter = {
  name: "Data Stewards CoP",
  domain: "Research data management",
  audience: "Data stewards in partner universities",
  purposes: ["learning", "knowledge"],
  goals: ["Share practice", "Write a common checklist"],
  outcomes: ["A checklist adopted by three partners"],
  guidelines: { participation: "Join one webinar a month", contribution: "", conflictResolution: "Talk to a facilitator first" },
};

export const CHARTER_FORM = {
  ...EMPTY_CHARTER_FORM,
  name: "Data Stewards",
  domain: "research data management",
  audience: "data stewards in partner universities",
  purposes: ["learning", "knowledge"],
  goals: "Share practice\nWrite a guide",
};
