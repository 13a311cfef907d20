import type { Charter } from "../../src/core/domain.js";
import type { Card } from "../../src/core/kernel/card.js";
import { Kernel, type Delivery } from "../../src/core/kernel/kernel.js";
import type { Request } from "../../src/core/kernel/request.js";
import { Sealer } from "../../src/core/kernel/seal.js";
import { plainText } from "../../src/core/kernel/text.js";
import type { People } from "../../src/core/kernel/workflow.js";
import { createRegistry, workflowsFor } from "../../src/core/workflows/index.js";
import type { CoreDeps, FollowUpDrafter } from "../../src/core/ports.js";
import { openStore } from "../../src/store/index.js";
import { createLogger } from "../../src/log.js";
import { createScheduling, type SchedulingOptions } from "../../src/scheduler/index.js";
import { registerWorkflowJobs } from "../../src/app.js";
import { testConnectionString, uniquePrefix } from "./storage.js";

export type Actor = Request["actor"];
export type SpaceRef = Request["space"];

/**
 * The kernel on a real store (the test run's Azurite, tables of its own) and a settable clock; jobs are stored,
 * not run, unless the test starts `scheduling` (with `options`, e.g. fake Messengers).
 */
export async function kernelOnRealStore(options: SchedulingOptions = {}, services: { drafts?: FollowUpDrafter } = {}) {
  const account = { connectionString: testConnectionString(), tablePrefix: uniquePrefix() };
  const store = openStore(account, createLogger("silent"));
  let now = new Date("2026-11-23T09:00:00Z");
  const clock = { now: () => now };
  const core: { kernel?: Kernel } = {};
  const registry = createRegistry(workflowsFor(services));
  const scheduling = createScheduling({
    ...options,
    account,
    repos: store.repos,
    log: createLogger("silent"),
    clock,
    present: (card, reader) => core.kernel!.presentToAll({ presenter: card.presenter, data: card.data }, reader),
    load: (source, args) => core.kernel!.loadCopy(source, args),
    registerJobs: (jobs) => registerWorkflowJobs(jobs, registry, () => core.kernel!),
  });
  await Promise.all([store.prepare(), scheduling.prepare()]);
  let id = 0;
  const deps: CoreDeps = {
    repos: store.repos,
    clock,
    ids: { newId: () => `community-${++id}` },
    jobs: scheduling.jobs,
    copies: scheduling.copies,
    sealer: new Sealer(async () => Buffer.alloc(32, 7)),
    directories: {},
    ...services,
  };
  const k = new Kernel(registry, deps);
  core.kernel = k;
  return {
    kernel: k,
    deps,
    /** The storage account and table prefix (another instance of the app opens its own store on it). */
    account,
    scheduling,
    /** The store's tables, to read what was stored as rows. */
    tables: store.tables,
    setNow(iso: string) {
      now = new Date(iso);
    },
    /** What a person typed, with the people they @mentioned (resolved by `people`). */
    say: (actor: Actor, space: SpaceRef, text: string, mentions: Array<{ id: string; name: string }> = [], people: People = PEOPLE) =>
      k.handle({ actor, space, ask: { kind: "text", text, mentions } }, people),
    press: (actor: Actor, space: SpaceRef, verb: string, input: Record<string, unknown> = {}, people: People = PEOPLE) =>
      k.handle({ actor, space, ask: { kind: "action", verb, input } }, people),
    /** Submits the form a delivery showed, with `values` over what it held. */
    submit: (actor: Actor, shown: Delivery, values: Record<string, string | string[]>, from: SpaceRef = shown.space) => {
      const form = formOf(shown);
      const held = Object.fromEntries(form.fields.map((f) => [f.name, f.value]));
      return k.handle({ actor, space: from, ask: { kind: "form", verb: form.verb, token: form.token, values: { ...held, ...values } } }, PEOPLE);
    },
  };
}
export type KernelHarness = Awaited<ReturnType<typeof kernelOnRealStore>>;

export const CHANNEL = { spaceKey: "teams:tenant-1:19:general@thread.tacv2", platform: "teams", displayName: "Data Stewards / General", personal: false } as const;
export const SLACK_CHANNEL = { spaceKey: "slack:T1:C123", platform: "slack", displayName: "#data-stewards", personal: false } as const;
export const PERSONAL = { spaceKey: "teams:tenant-1:a:1on1-ana", platform: "teams", displayName: "", personal: true } as const;
export const ANA = { personKey: "teams:tenant-1:aad-ana", displayName: "Ana Duarte", locale: "en-GB" } as const;
export const BEN = { personKey: "teams:tenant-1:aad-ben", displayName: "Ben Okafor", locale: "en-US" } as const;
/** The n-th of many Teams people in one role (`Voter 3`, key `…:aad-voter-3`), for tests that need a crowd. */
export const numbered = (role: string, n: number) =>
  ({ personKey: `teams:tenant-1:aad-${role.toLowerCase()}-${n}`, displayName: `${role} ${n}`, locale: "en" }) as const;
export const SLACK_CAROL = { personKey: "slack:T1:U3", displayName: "Carol", locale: "en" } as const;

/** Platform people as the server would look them up: only ids the platform knows resolve. */
export const PEOPLE: People = {
  async resolve(id) {
    const known: Record<string, { personKey: string; displayName: string }> = {
      "29:ben": { personKey: BEN.personKey, displayName: BEN.displayName },
      "29:ana": { personKey: ANA.personKey, displayName: ANA.displayName },
      U3: { personKey: SLACK_CAROL.personKey, displayName: SLACK_CAROL.displayName },
    };
    return known[id];
  },
};

/** Everything a card says, as plain words. */
export function cardText(card: Card): string {
  const parts: string[] = card.title ? [card.title] : [];
  for (const b of card.blocks) {
    if (b.type === "text") parts.push(b.text);
    if (b.type === "facts") parts.push(...b.facts.flatMap((f) => [f.label, f.value]));
    if (b.type === "list") parts.push(b.heading, ...b.items, b.empty);
    if (b.type === "table") parts.push(...b.columns, ...b.rows.flat());
    if (b.type === "context") parts.push(...b.texts);
    if (b.type === "actions") parts.push(...b.actions.map((a) => a.label));
    if (b.type === "form") parts.push(b.title, b.error, ...b.fields.flatMap((f) => [f.label, f.error]));
  }
  return plainText(parts.filter(Boolean).join("\n"));
}

export const texts = (d: Delivery) => d.items.map((i) => cardText(i.card));
export const kinds = (d: Delivery) => d.items.map((i) => i.kind);
export const verbsOf = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions.map((a) => a.verb) : []));
export function formOf(d: Delivery) {
  const item = d.items.find((i) => i.kind === "form");
  if (!item || item.kind !== "form") throw new Error(`no form in ${kinds(d).join(",")}: ${texts(d).join(" | ")}`);
  return item.form;
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

/** The setup form as a person fills it in. */
export const CHARTER_VALUES = {
  name: "Data Stewards",
  domain: "research data management",
  audience: "data stewards in partner universities",
  purposes: ["learning", "knowledge"],
  goals: "Share practice\nWrite a guide",
};

/** A durable job as the scheduler stored it. */
export interface StoredJob {
  kind: string;
  key: string;
  dueAt: string;
  status: string;
  payload: Record<string, unknown>;
}

/** The durable jobs of one kind as stored (what the scheduler will run), soonest first. */
export async function listJobs(h: KernelHarness, kind: string): Promise<StoredJob[]> {
  const rows: StoredJob[] = [];
  for await (const row of h.scheduling.storage.tables.jobs.listEntities<{ json?: string }>()) {
    const parsed = row.json ? (JSON.parse(row.json) as Partial<StoredJob>) : {};
    if (parsed.kind === kind) rows.push(parsed as StoredJob);
  }
  return rows.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.key.localeCompare(b.key));
}
