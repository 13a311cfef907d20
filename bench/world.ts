/**
 * What the RSVP and survey bursts and the latency bench share: the fake platforms, a community set up in
 * Teams and linked to a Slack channel, a quick poll posted in both, and one teardown for whatever was started.
 */
import { startApp, type RunningApp } from "../src/app.js";
import { personKey } from "../src/core/domain.js";
import { memberFor } from "../src/core/kernel/members.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { startFakeBotConnector, type ConnectorRosterMember, type FakeBotConnector } from "../test/support/fakeBotConnector.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../test/support/fakeSlack.js";
import { send, slashCommand, TEST_SIGNING_SECRET } from "../test/support/slackRequests.js";
import { GENERAL, MEGAN, TENANT, cardOf, cardText, message, post, setUpInChannel, shownNow, thread } from "../test/support/teamsActivities.js";
import { until } from "./burst.js";
import { startStorageProcess, type StorageProcess } from "./storageProcess.js";

/** Where the bench's Teams messages are typed: a thread of the General channel, by Megan (the facilitator). */
export const WHERE = { place: "channel" as const, threadId: "2", user: MEGAN };

/**
 * The fake platforms, rate limits off: the bench measures the app, not the platforms' limits. `teamsRoster`:
 * who Teams lists in a channel when the app is set up there (they join the roster, as in a real team).
 */
export async function startFakes(teamsRoster?: readonly ConnectorRosterMember[]): Promise<{ fake: FakeSlack; connector: FakeBotConnector }> {
  return { fake: await startFakeSlack({ rateLimits: false }), connector: await startFakeBotConnector({ rateWindows: false, ...(teamsRoster ? { roster: teamsRoster } : {}) }) };
}

/** The app's settings pointing at the fakes and at storage (no Teams credentials: local mode). */
export const benchEnv = (connectionString: string, fake: Pick<FakeSlack, "botToken" | "apiUrl">) => ({
  PORT: "0", HOST: "127.0.0.1", PLAYGROUND: "off", AZURE_STORAGE_CONNECTION_STRING: connectionString,
  SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_BOT_TOKEN: fake.botToken, SLACK_API_URL: fake.apiUrl,
  // The app's listening sockets (HTTP_LISTENERS): unset, its default for the runtime.
  ...(process.env.BENCH_HTTP_LISTENERS ? { HTTP_LISTENERS: process.env.BENCH_HTTP_LISTENERS } : {}),
});

export interface BenchWorld {
  storage: StorageProcess;
  fake: FakeSlack;
  connector: FakeBotConnector;
  app: RunningApp;
  tablePrefix: string;
  /** Stops, in reverse order, what was started, plus `also` (e.g. bare frameworks) first. */
  stop(also?: { stop(): Promise<void> }): Promise<void>;
}

/** Storage in its own process, the fakes, and the real app in this process on tables named `prefix…`. */
export async function startBenchWorld(prefix: string): Promise<BenchWorld> {
  const storage = await startStorageProcess();
  const { fake, connector } = await startFakes();
  const log = createLogger(process.env.BENCH_LOG ?? "warn");
  const tablePrefix = `${prefix}${Date.now().toString(36)}`;
  const app = await startApp(loadConfig(benchEnv(storage.connectionString, fake)), { log, tablePrefix });
  return {
    storage, fake, connector, app, tablePrefix,
    stop: async (also) => {
      await also?.stop();
      await app.stop();
      await connector.stop();
      await fake.stop();
      await storage.stop();
    },
  };
}

/** A community set up in Teams (thread 1) and linked to the fake Slack's general channel with a link code. */
export async function linkedCommunity(appUrl: string, connector: FakeBotConnector, fake: FakeSlack): Promise<void> {
  await setUpInChannel(appUrl, connector, "1");
  const before = connector.calls.length;
  await post(appUrl, message(connector.serviceUrl, "link", WHERE));
  const CODE = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/;
  const body = await until("a link code", () => connector.calls.slice(before).map((c) => JSON.stringify(c.body)).find((b) => CODE.test(b)));
  await send(appUrl, slashCommand({ text: `link ${CODE.exec(body)![1]}` }));
  await until("the link", () => fake.callsTo("chat.postMessage").some((c) => JSON.stringify(c.args.blocks ?? "").includes("now meets in")));
}

type Button = { action_id?: string; value?: string; text?: { text?: string } };

/** Posts a quick poll from Teams and waits for it in both: its Slack message (ts, buttons) and its Teams card. */
export async function postedPoll(appUrl: string, connector: FakeBotConnector, fake: FakeSlack, title: string, options: readonly string[]) {
  await post(appUrl, message(connector.serviceUrl, `poll "${title}" ${options.join(" ")}`, WHERE));
  const slackPost = await until("the Slack poll", () => fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && JSON.stringify(c.args.blocks ?? "").includes(title)));
  const buttons = (slackPost.args.blocks as Array<{ elements?: Button[] }>).flatMap((b) => b.elements ?? []);
  const teamsPoll = await until("the Teams poll", () => teamsPollOf(connector, title));
  return { slackTs: String((slackPost.response as { ts?: unknown }).ts), slackButton: (option: number) => buttons.find((e) => e.text?.text === options[option])!, teamsPoll };
}

export const teamsPollOf = (connector: FakeBotConnector, title: string) =>
  shownNow(connector.activitiesTo(thread("2"))).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes(title));

export interface Voter {
  platform: "slack" | "teams";
  /** Their Slack user id, or their Teams AAD object id. */
  id: string;
  displayName: string;
}

/** A bench person's key, as the app makes it: in the fake Slack's team, or in the fake Teams tenant. */
export const benchPersonKey = (platform: Voter["platform"], id: string) => personKey(platform, platform === "slack" ? FAKE_IDS.teamId : TENANT, id);

/**
 * Voters take part in the community before a bench presses (an answer enrols no one: it must not be dated by a
 * row naming the person): a member row for each in their own platform's space of the linked community, as the
 * roster sync would leave them (a Slack roster of thousands takes it minutes, paced to users.info's tier).
 */
export async function enrolVoters(app: Pick<RunningApp, "deps">, voters: readonly Voter[]): Promise<void> {
  const teamsSpace = `teams:${TENANT}:${GENERAL.id}`;
  const communityId = (await app.deps.repos.spaces.find(teamsSpace))!.communityId;
  const slackSpace = (await app.deps.repos.spaces.listForCommunity(communityId)).find((space) => space.platform === "slack")!.spaceKey;
  const now = new Date().toISOString();
  for (let from = 0; from < voters.length; from += 64) {
    await Promise.all(voters.slice(from, from + 64).map(({ platform, id, displayName }) =>
      app.deps.repos.members.add(memberFor({ personKey: benchPersonKey(platform, id), displayName, locale: "en" }, { communityId, spaceKey: platform === "slack" ? slackSpace : teamsSpace, role: "member", now }), { optedOut: false })));
  }
}
