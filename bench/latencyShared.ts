import { kernelEn } from "../src/core/kernel/i18n/en.js";
import type { TeamsUser } from "../test/support/teamsActivities.js";

/** What the latency bench (bench/latency.ts) and its fake-platform process (bench/latencyFixture.ts) share. */
export const BENCH_USERS = 1000;
export const slackUser = (n: number) => `U${String(n % BENCH_USERS).padStart(8, "0")}`;
/** The n-th Teams voter (the fake Teams lists them all in the team, so they are on the roster). */
export const teamsUser = (n: number): TeamsUser => {
  const k = n % BENCH_USERS;
  return { id: `29:bench-${k}`, name: `Member ${k}`, aadObjectId: `aad-bench-${String(k).padStart(6, "0")}` };
};
export const POLL_OPTIONS = ["Red", "Green", "Blue"] as const;

export type FixtureRequest = { type: "setup"; appUrl: string } | { type: "count" } | { type: "latest" } | { type: "ephemerals" };
export type FixtureAnswer =
  | { type: "fakes"; apiUrl: string; hooksUrl: string; botToken: string; serviceUrl: string }
  | { type: "ready"; slackTs: string; actionId: string; value: string; teamsPollId: string; teamsData: Record<string, unknown> }
  | { type: "count"; slack: number; teams: number }
  | { type: "latest"; replies: string[] }
  | { type: "ephemerals"; replies: Array<[user: string, at: number]>; busy: number }
  | { type: "failed"; error: string };

/** How a notice of the app's begins (its English text up to the first placeholder): what a bench looks for in a reply. */
export const noticeOpening = (key: keyof typeof kernelEn) => kernelEn[key].split("{")[0]!.slice(0, 40);
/** The Slack notice that a request was not taken because too many were waiting. */
export const BUSY_NOTICE = noticeOpening("notice.busy");
