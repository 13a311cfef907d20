/**
 * RSVP burst: BENCH_RSVP_MEMBERS (2,000) members of a community linked across Teams and Slack press an RSVP
 * button on its announcement within BENCH_RSVP_SECONDS (60), half on each platform, through the real app
 * (signed Slack block_actions; Teams Action.Execute invokes). Reports every RSVP stored once, the counts the
 * card shows right after the burst, and the Slack ack p99 and Teams invoke p99, each next to the bare
 * framework (Bolt; teams-ai on botbuilder) answering the same requests at the same pace in the same run.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Application, TeamsAdapter, type TurnState } from "@microsoft/teams-ai";
import { App, ExpressReceiver } from "@slack/bolt";
import express from "express";
import { startApp, type RunningApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { startFakeBotConnector, type FakeBotConnector } from "../test/support/fakeBotConnector.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../test/support/fakeSlack.js";
import { blockActions, buttonAction, send, slashCommand, TEST_SIGNING_SECRET } from "../test/support/slackRequests.js";
import { GENERAL, MEGAN, TENANT, cardOf, cardText, executeAction, message, post, setUpInChannel, shownNow, thread, type TeamsUser } from "../test/support/teamsActivities.js";
import { startStorageProcess } from "./storageProcess.js";

const members = Number(process.env.BENCH_RSVP_MEMBERS ?? 2000);
const windowMs = Number(process.env.BENCH_RSVP_SECONDS ?? 60) * 1000;
const ANSWERS = ["going", "maybe", "no"] as const;
const answerOf = (i: number) => ANSWERS[i % 3]!;
const WHERE = { place: "channel" as const, threadId: "2", user: MEGAN };

/** A Slack press and a Teams press, ready to send (signed at send time: Slack refuses old signatures). */
interface Press {
  platform: "slack" | "teams";
  i: number;
  send(base: string): Promise<Response | { status: number; body: unknown }>;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const p = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Sends every press at its moment in the window (open loop: nobody waits for anyone) and times each answer. */
async function burst(presses: Press[], base: Record<Press["platform"], string>): Promise<Record<Press["platform"], { latencies: number[]; failed: number }>> {
  const out = { slack: { latencies: [] as number[], failed: 0 }, teams: { latencies: [] as number[], failed: 0 } };
  const started = performance.now();
  await Promise.all(
    presses.map(async (press, n) => {
      const at = (n / presses.length) * windowMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - (performance.now() - started))));
      const t0 = performance.now();
      const answer = await press.send(base[press.platform]).catch(() => ({ status: 0, body: undefined }));
      if (answer instanceof Response) await answer.arrayBuffer();
      const latency = performance.now() - t0;
      if (answer.status === 200) out[press.platform].latencies.push(latency);
      else out[press.platform].failed += 1;
    }),
  );
  for (const r of Object.values(out)) r.latencies.sort((a, b) => a - b);
  return out;
}

/** Bare Bolt acking every action, and bare teams-ai answering every Action.Execute with a fixed card. */
async function startBareFrameworks(fake: FakeSlack): Promise<{ slack: string; teams: string; stop(): Promise<void> }> {
  const receiver = new ExpressReceiver({ signingSecret: TEST_SIGNING_SECRET, endpoints: "/slack/events" });
  const bolt = new App({ receiver, token: fake.botToken, botId: FAKE_IDS.botId, botUserId: FAKE_IDS.botUserId, tokenVerificationEnabled: false, clientOptions: { slackApiUrl: fake.apiUrl } });
  bolt.action(/.*/, async ({ ack }) => ack());
  const slackServer = createServer(receiver.app);
  await new Promise<void>((resolve) => slackServer.listen(0, "127.0.0.1", resolve));

  const adapter = new TeamsAdapter({});
  const teams = new Application<TurnState>({ adapter, botAppId: "", removeRecipientMention: false, startTypingTimer: false, longRunningMessages: false });
  const card = { type: "AdaptiveCard" as const, version: "1.4", body: [{ type: "TextBlock", text: "Going: 1 · Maybe: 0 · Not going: 0" }] };
  teams.adaptiveCards.actionExecute(/.*/, async () => card);
  const web = express();
  web.post("/api/messages", express.json(), (req, res) => void adapter.process(req, res, (context) => teams.run(context).then(() => undefined)));
  const teamsServer = createServer(web);
  await new Promise<void>((resolve) => teamsServer.listen(0, "127.0.0.1", resolve));
  const url = (s: ReturnType<typeof createServer>) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return {
    slack: url(slackServer),
    teams: url(teamsServer),
    stop: async () => {
      slackServer.closeAllConnections();
      teamsServer.closeAllConnections();
      await Promise.all([new Promise((r) => slackServer.close(r)), new Promise((r) => teamsServer.close(r))]);
    },
  };
}

/** A community set up in Teams, linked to a Slack channel, with an event announced in both. */
async function announcedEvent(app: RunningApp, connector: FakeBotConnector, fake: FakeSlack) {
  await setUpInChannel(app.url, connector, "1");
  const before = connector.calls.length;
  await post(app.url, message(connector.serviceUrl, "link", WHERE));
  const CODE = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/;
  const body = await until("a link code", () => connector.calls.slice(before).map((c) => JSON.stringify(c.body)).find((b) => CODE.test(b)));
  await send(app.url, slashCommand({ text: `link ${CODE.exec(body)![1]}` }));
  await until("the link", () => fake.callsTo("chat.postMessage").some((c) => JSON.stringify(c.args.blocks ?? "").includes("now meets in")));
  await post(app.url, message(connector.serviceUrl, "event Bench call on 2030-01-10 at 15:00 Europe/Rome for 60m", WHERE));
  const slackPost = await until("the Slack announcement", () => fake.callsTo("chat.postMessage").find((c) => c.args.channel === FAKE_IDS.general && JSON.stringify(c.args.blocks ?? "").includes("Bench call")));
  const buttons = (slackPost.args.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string; text?: { text?: string } }> }>).flatMap((b) => b.elements ?? []);
  const communityId = (await app.deps.repos.spaces.find(`teams:${TENANT}:${GENERAL.id}`))!.communityId;
  const [event] = await app.deps.repos.events.upcoming(communityId, new Date());
  const label = { going: "Going", maybe: "Maybe", no: "Not going" } as const;
  const teamsAnnouncement = await until("the Teams announcement", () => teamsAnnouncementOf(connector));
  return {
    communityId,
    eventId: event!.id,
    at: event!.firstAt,
    slackButton: (answer: (typeof ANSWERS)[number]) => buttons.find((e) => e.text?.text === label[answer])!,
    slackTs: String((slackPost.response as { ts?: unknown }).ts),
    teamsId: teamsAnnouncement.id!,
  };
}

const teamsAnnouncementOf = (connector: FakeBotConnector) =>
  shownNow(connector.activitiesTo(thread("2"))).filter((a) => a.attachments?.length).find((a) => cardText(cardOf(a).body).includes("Bench call"));
const COUNTS = /Going: \d+ · Maybe: \d+ · Not going: \d+/;

function presses(event: Awaited<ReturnType<typeof announcedEvent>>, connector: FakeBotConnector, fake: FakeSlack): Press[] {
  const list: Press[] = [];
  const slackUsers = Array.from({ length: Math.ceil(members / 2) }, (_, n) => `U${String(n * 2).padStart(8, "0")}`);
  const general = fake.state.channels.get(FAKE_IDS.general)!;
  fake.setChannel({ id: FAKE_IDS.general, members: [...new Set([...general.members, ...slackUsers])] });
  for (let i = 0; i < members; i++) {
    const answer = answerOf(i);
    if (i % 2 === 0) {
      const user = `U${String(i).padStart(8, "0")}`;
      fake.setUser({ id: user, name: `member${i}` });
      const button = event.slackButton(answer);
      const pressed = { container: { type: "message", message_ts: event.slackTs, channel_id: FAKE_IDS.general, is_ephemeral: false }, message: { type: "message", user: FAKE_IDS.botUserId, ts: event.slackTs, text: "", blocks: [] } };
      const who = { id: user, username: `member${i}`, name: `member${i}`, team_id: FAKE_IDS.teamId };
      list.push({ platform: "slack", i, send: (base) => send(base, blockActions({ user: who, ...pressed, actions: [buttonAction(button.action_id!, button.value!)] })) });
    } else {
      const user: TeamsUser = { id: `29:bench-${i}`, name: `Member ${i}`, aadObjectId: `aad-bench-${String(i).padStart(6, "0")}` };
      // Pressed on the announcement, so the app replaces that message for everyone.
      const activity = { ...executeAction(connector.serviceUrl, "events.rsvp", { event: event.eventId, at: event.at, answer }, { ...WHERE, user }), replyToId: event.teamsId };
      list.push({ platform: "teams", i, send: (base) => post(base, activity) });
    }
  }
  return list;
}

const storage = await startStorageProcess();
const fake = await startFakeSlack({ rateLimits: false });
const connector = await startFakeBotConnector({ rateWindows: false });
const log = createLogger(process.env.BENCH_LOG ?? "warn");
const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", PLAYGROUND: "off", AZURE_STORAGE_CONNECTION_STRING: storage.connectionString, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_BOT_TOKEN: fake.botToken, SLACK_API_URL: fake.apiUrl });
const app = await startApp(config, { log, tablePrefix: `r${Date.now().toString(36)}` });
const bare = await startBareFrameworks(fake);
try {
  const event = await announcedEvent(app, connector, fake);
  console.log(`RSVP burst: ${members} members within ${windowMs / 1000} s, half in Slack, half in Teams; bare frameworks first…`);
  const baseline = await burst(presses(event, connector, fake), { slack: bare.slack, teams: bare.teams });
  console.log("  the app…");
  const real = await burst(presses(event, connector, fake), { slack: app.url, teams: app.url });
  // Every press answered: what is stored, counted from rows, and what the card says right after.
  const expected = { going: 0, maybe: 0, no: 0 };
  for (let i = 0; i < members; i++) expected[answerOf(i)] += 1;
  const stored = await until("every RSVP stored", async () => {
    const tally = await app.deps.repos.events.tally(event.communityId, event.eventId, event.at);
    return tally.going + tally.maybe + tally.no >= members ? tally : undefined;
  }, 120_000).catch(async () => app.deps.repos.events.tally(event.communityId, event.eventId, event.at));
  // Each press counts its occurrence's answers from rows: how long one count takes once they are all in.
  const t0 = performance.now();
  await app.deps.repos.events.tally(event.communityId, event.eventId, event.at);
  const tallyMs = performance.now() - t0;
  // One more press (member 1 again, same answer: changes nothing) and the card it gets back.
  const again = await post(app.url, { ...executeAction(connector.serviceUrl, "events.rsvp", { event: event.eventId, at: event.at, answer: answerOf(1) }, { ...WHERE, user: { id: "29:bench-1", name: "Member 1", aadObjectId: "aad-bench-000001" } }), replyToId: event.teamsId });
  const shown = COUNTS.exec(cardText((again.body as { value?: unknown }).value ?? ""))?.[0];
  const teamsNow = COUNTS.exec(cardText(cardOf(teamsAnnouncementOf(connector)).body))?.[0];
  const lastUpdate = fake.callsTo("chat.update").filter((c) => c.args.ts === event.slackTs && c.ok).at(-1);
  const slackNow = COUNTS.exec(JSON.stringify(lastUpdate?.args.blocks ?? ""))?.[0];
  const row = (name: string, r: typeof real.slack, b: typeof real.slack) =>
    `| ${name} | ${ms(p(r.latencies, 0.5))} (bare ${ms(p(b.latencies, 0.5))}) | ${ms(p(r.latencies, 0.99))} (bare ${ms(p(b.latencies, 0.99))}) | ${(p(r.latencies, 0.99) / p(b.latencies, 0.99)).toFixed(1)}× | ${r.latencies.length}/${r.latencies.length + r.failed} (bare ${b.latencies.length}/${b.latencies.length + b.failed}) |`;
  console.log(`\n${members} RSVPs within ${windowMs / 1000} s; goal: every RSVP stored once, counts right on the card, Slack ack p99 < 3 s\n`);
  console.log("| platform | p50 | p99 | p99 / bare p99 | answered 200 |");
  console.log("|---|---|---|---|---|");
  console.log(row("Slack ack (block_actions)", real.slack, baseline.slack));
  console.log(row("Teams invoke (Action.Execute)", real.teams, baseline.teams));
  console.log(`\nstored (rows): ${JSON.stringify(stored)}; expected ${JSON.stringify(expected)}: ${JSON.stringify(stored) === JSON.stringify(expected) ? "every RSVP stored once" : "MISMATCH"}`);
  console.log(`one count of the answers from rows after the burst: ${ms(tallyMs)}`);
  console.log(`card right after the burst: the presser's refreshed Teams card ${shown ?? "(no counts)"}; the Teams announcement ${teamsNow ?? "(no counts)"}; the Slack announcement's last update ${slackNow ?? "(none)"}`);
} finally {
  await bare.stop();
  await app.stop();
  await connector.stop();
  await fake.stop();
  await storage.stop();
}
// Keep-alive sockets and the SDKs' timers would hold the process open.
process.exit(0);
