/**
 * What the RSVP and survey bursts share: presses sent open-loop across a window and timed, the bare
 * frameworks (Bolt; teams-ai on botbuilder) answering the same requests, and the latency table row.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Application, TeamsAdapter, type TurnState } from "@microsoft/teams-ai";
import { App, ExpressReceiver } from "@slack/bolt";
import express from "express";
import { FAKE_IDS, type FakeSlack } from "../test/support/fakeSlack.js";
import { TEST_SIGNING_SECRET } from "../test/support/slackRequests.js";
import { p, paced } from "./pace.js";

/** A Slack press and a Teams press, ready to send (signed at send time: Slack refuses old signatures). */
export interface Press {
  platform: "slack" | "teams";
  i: number;
  send(base: string): Promise<Response | { status: number; body: unknown }>;
}
export type Timed = Record<Press["platform"], { latencies: number[]; failed: number }> & { answered: Set<number>; seconds: number; refusals: Map<string, number> };

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Sends every press at its moment and times each answer; `seconds` runs from the first press to the last answer. */
export async function burst(presses: Press[], base: Record<Press["platform"], string>, windowMs: number): Promise<Timed> {
  const out: Timed = { slack: { latencies: [], failed: 0 }, teams: { latencies: [], failed: 0 }, answered: new Set(), seconds: 0, refusals: new Map() };
  const { seconds } = await paced(presses.length, windowMs, async (n) => {
    const press = presses[n]!;
    const t0 = performance.now();
    const answer = await press.send(base[press.platform]).catch((error: unknown) => ({ status: 0, body: String((error as { cause?: { code?: string } }).cause?.code ?? error) }));
    if (answer instanceof Response) await answer.arrayBuffer();
    const latency = performance.now() - t0;
    if (answer.status === 200) {
      out[press.platform].latencies.push(latency);
      out.answered.add(press.i);
    } else {
      out[press.platform].failed += 1;
      const why = `${press.platform} ${answer.status || (answer as { body: unknown }).body}`;
      out.refusals.set(why, (out.refusals.get(why) ?? 0) + 1);
    }
  });
  out.seconds = seconds;
  out.slack.latencies.sort((a, b) => a - b);
  out.teams.latencies.sort((a, b) => a - b);
  return out;
}

/** One platform's line of the latency table: p50, p99 and answered, each next to the bare framework's. */
export const latencyRow = (name: string, r: Timed["slack"], b: Timed["slack"]) =>
  `| ${name} | ${ms(p(r.latencies, 0.5))} (bare ${ms(p(b.latencies, 0.5))}) | ${ms(p(r.latencies, 0.99))} (bare ${ms(p(b.latencies, 0.99))}) | ${(p(r.latencies, 0.99) / p(b.latencies, 0.99)).toFixed(1)}× | ${r.latencies.length}/${r.latencies.length + r.failed} (bare ${b.latencies.length}/${b.latencies.length + b.failed}) |`;

/**
 * Bare Bolt acking every action, and bare teams-ai answering the same Teams requests: every Action.Execute
 * with a fixed card (`execute`), or every message (Action.Submit arrives as one) with nothing (`message`).
 */
export async function startBareFrameworks(fake: FakeSlack, teamsAnswers: "execute" | "message"): Promise<{ slack: string; teams: string; stop(): Promise<void> }> {
  const receiver = new ExpressReceiver({ signingSecret: TEST_SIGNING_SECRET, endpoints: "/slack/events" });
  const bolt = new App({ receiver, token: fake.botToken, botId: FAKE_IDS.botId, botUserId: FAKE_IDS.botUserId, tokenVerificationEnabled: false, clientOptions: { slackApiUrl: fake.apiUrl } });
  bolt.action(/.*/, async ({ ack }) => ack());
  const slackServer = createServer(receiver.app);
  await new Promise<void>((resolve) => slackServer.listen(0, "127.0.0.1", resolve));

  const adapter = new TeamsAdapter({});
  const teams = new Application<TurnState>({ adapter, botAppId: "", removeRecipientMention: false, startTypingTimer: false, longRunningMessages: false });
  if (teamsAnswers === "execute") {
    const card = { type: "AdaptiveCard" as const, version: "1.4", body: [{ type: "TextBlock", text: "Going: 1 · Maybe: 0 · Not going: 0" }] };
    teams.adaptiveCards.actionExecute(/.*/, async () => card);
  } else teams.activity("message", async () => undefined);
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
