import { randomUUID } from "node:crypto";
import type { Member } from "../../src/core/domain.js";
import type { FanoutAudienceSpec } from "../../src/core/kernel/audience.js";
import type { Card } from "../../src/core/kernel/card.js";
import type { FanoutPayload } from "../../src/core/kernel/fanout.js";
import { Kernel } from "../../src/core/kernel/kernel.js";
import type { Reader } from "../../src/core/kernel/reader.js";
import { Sealer } from "../../src/core/kernel/seal.js";
import { wordsFor } from "../../src/core/kernel/words.js";
import { createRegistry } from "../../src/core/workflows/index.js";
import { createScheduling, FANOUT_JOB, type Scheduling, type SchedulingContext } from "../../src/scheduler/index.js";

/** Fixtures shared by the fan-out tests and the benchmark (no vitest import: the benchmark runs without it). */
export function member(communityId: string, personKey: string, locale?: string): Member {
  const at = "2026-11-23T09:00:00.000Z";
  return {
    communityId, personKey, displayName: personKey, role: "member", ...(locale ? { locale } : {}),
    profile: { organisation: "", role: "", expertise: [], interests: [], offers: "", wantsToLearn: "", timezone: "" }, joinedAt: at, lastActiveAt: at,
  };
}

/** What the fan-outs send: a one-line notice, rendered per recipient ("**Data Stewards CoP** is now at the Launched stage."). */
export const notice = {
  presenter: "notice",
  data: { key: "notice.statusChanged", params: { name: "Data Stewards CoP", status: { word: "status.launched" } }, tone: "info" },
} as const;

/** The notice as an English reader sees it, in plain words (Teams `summary`, Slack `text`). */
export const NOTICE_TEXT = "Data Stewards CoP is now at the Launched stage.";

/** The notice as its presenter renders it for one reader (the benchmark's baseline sends it straight from memory). */
export function renderNotice(reader: Reader): Card {
  const def = createRegistry().presenter(notice.presenter)!;
  return { ...def.render(def.schema.parse(notice.data), wordsFor(reader)), locale: reader.locale };
}

/** A fan-out job sending `notice` (in English unless a recipient's own language is known) to `audience`. */
export function fanoutJob(key: string, audience: FanoutAudienceSpec, extra: Partial<Pick<FanoutPayload, "startedBy" | "locale">> = {}) {
  return { kind: FANOUT_JOB, key, dueAt: new Date(), payload: { card: notice, locale: "en", audience, ...extra } };
}

/**
 * The scheduler as app.ts wires it: fan-out cards rendered per recipient by the kernel's own presenters
 * (with only the buttons everyone may press), at delivery time.
 */
export function schedulingWithKernel(context: Omit<SchedulingContext, "present" | "load">): Scheduling {
  // Called only at delivery time, once the kernel below exists.
  const scheduling = createScheduling({ ...context, present: (card, reader) => kernel.presentToAll({ presenter: card.presenter, data: card.data }, reader), load: (source, args) => kernel.loadCopy(source, args) });
  const kernel = new Kernel(createRegistry(), {
    repos: context.repos,
    clock: context.clock ?? { now: () => new Date() },
    ids: { newId: () => randomUUID() },
    jobs: scheduling.jobs,
    copies: scheduling.copies,
    sealer: new Sealer(async () => Buffer.alloc(32, 7)),
    directories: {},
  });
  return scheduling;
}
