import type { Member } from "../../src/core/domain.js";

/** Fixtures shared by the fan-out tests and the benchmark (no vitest import: the benchmark runs without it). */
export function member(communityId: string, personKey: string): Member {
  const at = "2026-11-23T09:00:00.000Z";
  return { communityId, personKey, displayName: personKey, role: "member", profile: { organisation: "", role: "", expertise: [], interests: [], offers: "", wantsToLearn: "", timezone: "" }, joinedAt: at, lastActiveAt: at };
}

export const notice = { kind: "notice", locale: "en", tone: "info", message: { key: "reminder.event", params: { title: "Monthly webinar" } } } as const;
