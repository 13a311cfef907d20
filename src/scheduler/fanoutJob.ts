import type { QueueClient } from "@azure/storage-queue";
import { FanoutPayload } from "../core/kernel/fanout.js";
import type { Clock, DeliveryTarget, Repositories } from "../core/ports.js";
import type { FanoutStore } from "./fanouts.js";
import { recipientId, type DeliveryMessage } from "./records.js";
import type { JobContext, JobDefinition } from "./registry.js";
import { sleep } from "./sleep.js";

export { FANOUT_JOB, FanoutPayload } from "../core/kernel/fanout.js";
type FanoutAudience = FanoutPayload["audience"];

export interface FanoutOptions {
  /** Recipients read and enqueued per step (the step is redone after a crash, so keep it modest). */
  pageSize: number;
  /** Recipients per queue message: fewer queue operations, at the price of retrying them together. */
  recipientsPerMessage: number;
  /** Queue writes in flight at once. */
  enqueueConcurrency: number;
  /** Enqueueing pauses while the queue holds more messages than this (work waits in the table, not the queue). */
  maxQueued: number;
  backpressurePollMs: number;
}

export const DEFAULT_FANOUT_OPTIONS: FanoutOptions = { pageSize: 256, recipientsPerMessage: 16, enqueueConcurrency: 16, maxQueued: 200, backpressurePollMs: 250 };

interface Deps {
  repos: Repositories;
  fanouts: FanoutStore;
  queue: QueueClient;
  clock: Clock;
  options: FanoutOptions;
  /** Called once the first page is on the queue, so the facilitator's progress card shows at once. */
  started?: (fanoutId: string) => void;
}

/** The fan-out job: reads recipients page by page and enqueues one delivery per recipient, resumably. */
export function fanoutJob(deps: Deps): JobDefinition<FanoutPayload> {
  return { schema: FanoutPayload, run: (payload, context) => produce(deps, payload, context) };
}

async function produce(deps: Deps, payload: FanoutPayload, { key, signal, log }: JobContext): Promise<void> {
  const { fanouts, clock } = deps;
  const fanoutId = payload.fanoutId ?? key;
  const communityId = payload.audience.kind === "people" || payload.audience.kind === "targets" ? undefined : payload.audience.communityId;
  const opened = await fanouts.open({
    fanoutId, jobKey: key, communityId, card: payload.card, locale: payload.locale, startedBy: payload.startedBy,
    createdAt: clock.now().toISOString(), enqueued: 0, enqueueDone: false, resumes: 0,
  });
  const { created } = opened;
  let { record, etag } = opened;
  if (record.enqueueDone) return;
  if (!created) {
    // Said before enqueueing anything, so a worker that sees a copy from the page redone below also sees this.
    record = { ...record, resumes: record.resumes + 1 };
    etag = await fanouts.update(record, etag);
  }
  log.info({ fanoutId, communityId, resumeFrom: record.enqueued }, created ? "starting a fan-out" : "resuming a fan-out");
  let announced = false;
  while (!record.enqueueDone) {
    await waitForRoom(deps, signal);
    signal.throwIfAborted();
    const page = await readRecipients(deps.repos, payload.audience, record.cursor, deps.options.pageSize);
    const recipients = await enqueue(deps, fanoutId, page.targets, signal);
    // A page cut short by a stop must not be counted: the next run redoes it from the same cursor.
    signal.throwIfAborted();
    record = { ...record, enqueued: record.enqueued + recipients, cursor: page.next, enqueueDone: page.next === undefined };
    // ETag: if another instance took the job over meanwhile, this throws and the job stops here.
    etag = await fanouts.update(record, etag);
    if (!announced) deps.started?.(fanoutId);
    announced = true;
  }
  log.info({ fanoutId, recipients: record.enqueued }, "fan-out enqueued: every recipient is on the delivery queue");
}

async function waitForRoom({ queue, options }: Deps, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const { approximateMessagesCount = 0 } = await queue.getProperties();
    if (approximateMessagesCount < options.maxQueued) return;
    await sleep(options.backpressurePollMs, signal);
  }
}

/** Puts one page on the queue, a few recipients per message; returns how many distinct recipients it held. */
async function enqueue({ queue, options }: Deps, fanoutId: string, targets: DeliveryTarget[], signal: AbortSignal): Promise<number> {
  const unique = [...new Map(targets.map((t) => [recipientId(t), t])).values()];
  const messages: string[] = [];
  for (let i = 0; i < unique.length; i += options.recipientsPerMessage) {
    messages.push(JSON.stringify({ f: fanoutId, t: unique.slice(i, i + options.recipientsPerMessage), th: 0 } satisfies DeliveryMessage));
  }
  let next = 0;
  const sender = async () => {
    while (next < messages.length && !signal.aborted) await queue.sendMessage(messages[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(options.enqueueConcurrency, messages.length) }, sender));
  return unique.length;
}

/** One page of recipients and where the next starts (undefined: that was the last page). */
export async function readRecipients(
  repos: Repositories,
  audience: FanoutAudience,
  cursor: string | undefined,
  pageSize: number,
): Promise<{ targets: DeliveryTarget[]; next?: string }> {
  switch (audience.kind) {
    case "members": {
      const page = await repos.members.list(audience.communityId, { pageSize, continuationToken: cursor });
      const wanted = page.items.filter((m) => !audience.roles || audience.roles.includes(m.role));
      return { targets: wanted.map((m) => ({ kind: "person", personKey: m.personKey, ...(m.locale ? { locale: m.locale } : {}) })), next: page.continuationToken };
    }
    case "spaces": {
      const spaces = await repos.spaces.listForCommunity(audience.communityId);
      const except = new Set(audience.except);
      return { targets: spaces.filter((s) => !except.has(s.spaceKey)).map((s) => ({ kind: "space", spaceKey: s.spaceKey })) };
    }
    case "people": {
      // Each person once, in the order first named: the enqueueing counts what it put on the queue.
      const people = [...new Set(audience.people)];
      const from = Number(cursor ?? 0);
      const to = from + pageSize;
      return { targets: people.slice(from, to).map((personKey) => ({ kind: "person", personKey })), next: to < people.length ? String(to) : undefined };
    }
    case "targets": {
      const targets = [...new Map(audience.targets.map((t) => [recipientId(t), t])).values()];
      const from = Number(cursor ?? 0);
      const to = from + pageSize;
      return { targets: targets.slice(from, to), next: to < targets.length ? String(to) : undefined };
    }
  }
}
