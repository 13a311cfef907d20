/**
 * Survey burst: BENCH_SURVEY_RESPONSES (10,000) members of a community linked across Teams and Slack answer one
 * quick poll within BENCH_SURVEY_SECONDS (60), open loop, half on each platform, each answer one HTTP request to
 * the real app (signed Slack block_actions; Teams Action.Submit, as every Teams client sends a poll button).
 * Next to it, in the same run and the same storage process: bare Bolt and bare teams-ai answering the same
 * requests at the same pace, raw `@azure/data-tables` inserts of as many rows at the same pace (and as fast as
 * they go), and a raw scan of the app's response rows against the app's own tally. Lost and doubled responses
 * come from a recount of the rows against the presses answered 200.
 */
import { TableClient } from "@azure/data-tables";
import type { RunningApp } from "../src/app.js";
import { recountedState, surveyState } from "../src/core/workflows/surveys/tally.js";
import type { Survey } from "../src/core/workflows/surveys/model.js";
import { responsePartition } from "../src/store/surveys/index.js";
import { TABLE_NAMES } from "../src/store/tables.js";
import type { FakeBotConnector } from "../test/support/fakeBotConnector.js";
import { FAKE_IDS, type FakeSlack } from "../test/support/fakeSlack.js";
import { blockActions, buttonAction, send } from "../test/support/slackRequests.js";
import { GENERAL, TENANT, post, press, type TeamsUser } from "../test/support/teamsActivities.js";
import { burst, latencyRow, ms, startBareFrameworks, type Press } from "./burst.js";
import { noticeOpening } from "./latencyShared.js";
import { paced } from "./pace.js";
import { enrolVoters, linkedCommunity, postedPoll, startBenchWorld, WHERE } from "./world.js";

const responses = Number(process.env.BENCH_SURVEY_RESPONSES ?? 10_000);
const windowMs = Number(process.env.BENCH_SURVEY_SECONDS ?? 60) * 1000;
const OPTIONS = ["Red", "Green", "Blue"] as const;
const optionOf = (i: number) => i % OPTIONS.length;
const POLL_TITLE = "Bench poll: which colour?";

/** A community set up in Teams, linked to a Slack channel, with a quick poll posted in both. */
async function postedSurveyPoll(app: RunningApp, connector: FakeBotConnector, fake: FakeSlack) {
  await linkedCommunity(app.url, connector, fake);
  const posted = await postedPoll(app.url, connector, fake, POLL_TITLE, OPTIONS);
  const communityId = (await app.deps.repos.spaces.find(`teams:${TENANT}:${GENERAL.id}`))!.communityId;
  const [survey] = await app.deps.repos.surveys.open(communityId);
  return { ...posted, survey: survey! };
}

function presses(poll: Awaited<ReturnType<typeof postedSurveyPoll>>, connector: FakeBotConnector, fake: FakeSlack): Press[] {
  const list: Press[] = [];
  const slackUsers = Array.from({ length: Math.ceil(responses / 2) }, (_, n) => `U${String(n * 2).padStart(8, "0")}`);
  const general = fake.state.channels.get(FAKE_IDS.general)!;
  fake.setChannel({ id: FAKE_IDS.general, members: [...new Set([...general.members, ...slackUsers])] });
  for (let i = 0; i < responses; i++) {
    if (i % 2 === 0) {
      const user = `U${String(i).padStart(8, "0")}`;
      fake.setUser({ id: user, name: `member${i}` });
      const button = poll.slackButton(optionOf(i));
      const pressed = { container: { type: "message", message_ts: poll.slackTs, channel_id: FAKE_IDS.general, is_ephemeral: false }, message: { type: "message", user: FAKE_IDS.botUserId, ts: poll.slackTs, text: "", blocks: [] } };
      const who = { id: user, username: `member${i}`, name: `member${i}`, team_id: FAKE_IDS.teamId };
      list.push({ platform: "slack", i, send: (base) => send(base, blockActions({ user: who, ...pressed, actions: [buttonAction(button.action_id!, button.value!)] })) });
    } else {
      const user: TeamsUser = { id: `29:bench-${i}`, name: `Member ${i}`, aadObjectId: `aad-bench-${String(i).padStart(6, "0")}` };
      const activity = press(connector.serviceUrl, poll.teamsPoll, OPTIONS[optionOf(i)]!, { ...WHERE, user });
      list.push({ platform: "teams", i, send: (base) => post(base, activity) });
    }
  }
  return list;
}

/** The voters take part in the community before the burst (see `enrolVoters`): Slack's even, Teams' odd. */
const enrolSurveyVoters = (app: RunningApp) =>
  enrolVoters(app, Array.from({ length: responses }, (_, i) =>
    i % 2 === 0
      ? { platform: "slack" as const, id: `U${String(i).padStart(8, "0")}`, displayName: `member${i}` }
      : { platform: "teams" as const, id: `aad-bench-${String(i).padStart(6, "0")}`, displayName: `Member ${i}` }));

/** The response rows of a survey's partition, read with the bare SDK (counter, text and gate rows, all after `~`, left out). */
async function rawScan(table: TableClient, survey: Survey): Promise<{ rows: number; byOption: number[]; ms: number }> {
  const t0 = performance.now();
  const byOption = OPTIONS.map(() => 0);
  let rows = 0;
  const filter = `PartitionKey eq '${responsePartition(survey).replace(/'/g, "''")}' and RowKey lt '~'`;
  for await (const row of table.listEntities<{ json?: string }>({ queryOptions: { filter } })) {
    rows += 1;
    const answer = (JSON.parse(row.json ?? "{}") as { answers?: { q1?: number } }).answers?.q1;
    if (typeof answer === "number") byOption[answer] = (byOption[answer] ?? 0) + 1;
  }
  return { rows, byOption, ms: performance.now() - t0 };
}

/** As many rows as responses inserted with the bare SDK into a table of their own: at the same pace, and unpaced. */
async function rawInserts(connectionString: string, prefix: string): Promise<{ pacedPerSecond: number; unpacedPerSecond: number; failed: number }> {
  const table = TableClient.fromConnectionString(connectionString, `${prefix}RawInserts`, { allowInsecureConnection: true });
  await table.createTable();
  const json = JSON.stringify({ answers: { q1: 1 } });
  let failed = 0;
  const insert = (partitionKey: string, n: number) =>
    table.createEntity({ partitionKey, rowKey: `b:${String(n).padStart(8, "0")}`, kind: "response", json }).catch(() => {
      failed += 1;
    });
  const { seconds } = await paced(responses, windowMs, (n) => insert("paced", n));
  const t0 = performance.now();
  const CONCURRENCY = 64;
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < responses) await insert("unpaced", next++);
  }));
  const unpacedSeconds = (performance.now() - t0) / 1000;
  return { pacedPerSecond: (responses - failed) / seconds, unpacedPerSecond: responses / unpacedSeconds, failed };
}

/** The notices that tell a person their answer changed nothing (the app's English texts), by kind. */
const NOTHING_CHANGED = { busy: "notice.busy", unchecked: "slack.requestUnchecked", conflict: "notice.tryAgain", failed: "notice.internalError", lookup: "notice.lookupFailed" } as const;

/** How many of each notice the fakes received. */
function toldNothingChanged(calls: unknown[]): string {
  const sent = calls.map((call) => JSON.stringify(call));
  return Object.entries(NOTHING_CHANGED)
    .map(([kind, key]) => {
      const opening = noticeOpening(key);
      return `${kind} ${sent.filter((text) => text.includes(opening)).length}`;
    })
    .join(", ");
}

/**
 * How a poll's card kept up where people watch it during the burst (`at`: when it was refreshed): how often, the
 * longest anyone watching waited for new counts, and how long after the last answer the final counts showed.
 */
function refreshLine(name: string, at: number[], from: number, to: number): string {
  const sorted = [...at].sort((a, b) => a - b);
  const during = sorted.filter((t) => t >= from && t <= to);
  const marks = [from, ...during, to];
  const longest = Math.max(...marks.slice(1).map((t, i) => t - marks[i]!));
  const final = sorted.find((t) => t > to);
  return `${name} ${during.length} times, longest wait ${(longest / 1000).toFixed(1)} s, final counts ${final === undefined ? "never shown" : `${((final - to) / 1000).toFixed(1)} s after the last answer`}`;
}

const world = await startBenchWorld("s");
const { storage, fake, connector, app, tablePrefix } = world;
const bare = await startBareFrameworks(fake, "message");
try {
  const poll = await postedSurveyPoll(app, connector, fake);
  await enrolSurveyVoters(app);
  console.log(`survey burst: ${responses} answers to one quick poll within ${windowMs / 1000} s, half in Slack, half in Teams; bare frameworks first…`);
  const baseline = await burst(presses(poll, connector, fake), { slack: bare.slack, teams: bare.teams }, windowMs);
  console.log("  the app…");
  const callsBefore = { slack: fake.calls.length, teams: connector.calls.length };
  const burstFrom = Date.now();
  const real = await burst(presses(poll, connector, fake), { slack: app.url, teams: app.url }, windowMs);
  const burstTo = Date.now();
  console.log("  raw inserts…");
  const raw = await rawInserts(storage.connectionString, tablePrefix);

  // Recount: every response row read with the bare SDK, against the presses answered 200.
  const responseTable = TableClient.fromConnectionString(storage.connectionString, `${tablePrefix}${TABLE_NAMES.surveyResponses}`, { allowInsecureConnection: true });
  const expected = OPTIONS.map(() => 0);
  for (const i of real.answered) expected[optionOf(i)]! += 1;
  // The app's tally as its cards take it (kept counts), and its recount of every row (what closing can fall back
  // to), each timed twice between two raw scans; the best of each counts, as for the raw scan.
  const timed = async <T>(work: () => Promise<T>) => {
    const t0 = performance.now();
    const value = await work();
    return { value, ms: performance.now() - t0 };
  };
  const scan = await rawScan(responseTable, poll.survey);
  const tallies = [await timed(() => surveyState(app.deps, poll.survey)), await timed(() => surveyState(app.deps, poll.survey))];
  const recounts = [await timed(() => recountedState(app.deps, poll.survey)), await timed(() => recountedState(app.deps, poll.survey))];
  const rawAgain = await rawScan(responseTable, poll.survey);
  const shown = tallies[1]!.value;
  const recounted = recounts[1]!.value;
  const tallyMs = Math.min(...tallies.map((t) => t.ms));
  const recountMs = Math.min(...recounts.map((t) => t.ms));
  const rawScanMs = Math.min(scan.ms, rawAgain.ms);
  const lost = expected.reduce((sum, n, o) => sum + Math.max(0, n - (scan.byOption[o] ?? 0)), 0);
  const doubled = Math.max(0, scan.rows - real.answered.size) + Math.max(0, shown.answered - scan.rows);
  // Rows, not presses answered 200: a press answered busy is answered 200 and stores nothing.
  const storedPerSecond = scan.rows / real.seconds;

  console.log(`\n${responses} answers to one poll within ${windowMs / 1000} s; goals: stored/s ≥ 0.8 of raw inserts/s, tally ≤ 1.3× a raw scan, none lost or doubled\n`);
  console.log("| measure | the app | raw / bare | ratio |");
  console.log("|---|---|---|---|");
  console.log(`| responses stored per second (same pace) | ${storedPerSecond.toFixed(0)}/s | ${raw.pacedPerSecond.toFixed(0)}/s raw inserts (unpaced: ${raw.unpacedPerSecond.toFixed(0)}/s) | ${(storedPerSecond / raw.pacedPerSecond).toFixed(2)} |`);
  console.log(`| tally (kept counts, as the cards show it) | ${ms(tallyMs)} | ${ms(rawScanMs)} raw scan of ${scan.rows} rows | ${(tallyMs / rawScanMs).toFixed(2)}× |`);
  console.log(`| recount of every row (app) | ${ms(recountMs)} | ${ms(rawScanMs)} | ${(recountMs / rawScanMs).toFixed(2)}× |`);
  console.log("\n| platform | p50 | p99 | p99 / bare p99 | answered 200 |");
  console.log("|---|---|---|---|---|");
  console.log(latencyRow("Slack ack (block_actions)", real.slack, baseline.slack));
  console.log(latencyRow("Teams (Action.Submit)", real.teams, baseline.teams));
  const counts = (q: { counts: number[] } | undefined) => JSON.stringify(q?.counts ?? []);
  console.log(`\nanswered 200: ${real.answered.size}; rows: ${scan.rows} ${JSON.stringify(scan.byOption)}; expected ${JSON.stringify(expected)}; kept counts ${counts(shown.questions[0])} (${shown.answered}); app recount ${counts(recounted.questions[0])}`);
  console.log(`not answered 200: ${JSON.stringify(Object.fromEntries(real.refusals))} (bare: ${JSON.stringify(Object.fromEntries(baseline.refusals))})`);
  console.log(`lost: ${lost}; doubled: ${doubled}; raw insert failures: ${raw.failed}`);
  // A press answered 200 whose person was told that nothing was changed is not lost: what each was told.
  console.log(`told nothing was changed (answered 200, not stored by design): ${toldNothingChanged([...fake.calls.slice(callsBefore.slack), ...connector.calls.slice(callsBefore.teams)])}`);
  // Read once the tally was timed, so refreshes that came after the burst are in.
  const slackRefreshes = fake.calls.slice(callsBefore.slack).filter((c) => c.ok && ((c.method === "chat.update" && c.args.ts === poll.slackTs) || (c.method === "response_url" && c.args.replace_original === true)));
  const teamsRefreshes = connector.calls.slice(callsBefore.teams).filter((c) => c.kind === "update" && c.activityId === poll.teamsPoll.id && c.status < 300);
  console.log(`the poll's card refreshed in the channel: ${refreshLine("Slack", slackRefreshes.map((c) => c.at), burstFrom, burstTo)}; ${refreshLine("Teams", teamsRefreshes.map((c) => c.at), burstFrom, burstTo)}`);
} finally {
  await world.stop(bare);
}
// Keep-alive sockets and the SDKs' timers would hold the process open.
process.exit(0);
