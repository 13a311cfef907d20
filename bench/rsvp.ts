/**
 * RSVP burst: BENCH_RSVP_MEMBERS (2,000) members of a community linked across Teams and Slack press an RSVP
 * button on its announcement within BENCH_RSVP_SECONDS (60), half on each platform, through the real app
 * (signed Slack block_actions; Teams Action.Execute invokes). Reports every RSVP stored once, the counts the
 * card shows right after the burst, and the Slack ack p99 and Teams invoke p99, each next to the bare
 * framework (Bolt; teams-ai on botbuilder) answering the same requests at the same pace in the same run.
 */
import type { RunningApp } from "../src/app.js";
import type { FakeBotConnector } from "../test/support/fakeBotConnector.js";
import { FAKE_IDS, type FakeSlack } from "../test/support/fakeSlack.js";
import { blockActions, buttonAction, send } from "../test/support/slackRequests.js";
import { GENERAL, TENANT, cardOf, cardText, executeAction, message, post, shownNow, thread, type TeamsUser } from "../test/support/teamsActivities.js";
import { burst, latencyRow, ms, startBareFrameworks, until, type Press } from "./burst.js";
import { linkedCommunity, startBenchWorld, WHERE } from "./world.js";

const members = Number(process.env.BENCH_RSVP_MEMBERS ?? 2000);
const windowMs = Number(process.env.BENCH_RSVP_SECONDS ?? 60) * 1000;
const ANSWERS = ["going", "maybe", "no"] as const;
const answerOf = (i: number) => ANSWERS[i % 3]!;

/** A community set up in Teams, linked to a Slack channel, with an event announced in both. */
async function announcedEvent(app: RunningApp, connector: FakeBotConnector, fake: FakeSlack) {
  await linkedCommunity(app.url, connector, fake);
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

const world = await startBenchWorld("r");
const { fake, connector, app } = world;
const bare = await startBareFrameworks(fake, "execute");
try {
  const event = await announcedEvent(app, connector, fake);
  console.log(`RSVP burst: ${members} members within ${windowMs / 1000} s, half in Slack, half in Teams; bare frameworks first…`);
  const baseline = await burst(presses(event, connector, fake), { slack: bare.slack, teams: bare.teams }, windowMs);
  console.log("  the app…");
  const real = await burst(presses(event, connector, fake), { slack: app.url, teams: app.url }, windowMs);
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
  console.log(`\n${members} RSVPs within ${windowMs / 1000} s; goal: every RSVP stored once, counts right on the card, Slack ack p99 < 3 s\n`);
  console.log("| platform | p50 | p99 | p99 / bare p99 | answered 200 |");
  console.log("|---|---|---|---|---|");
  console.log(latencyRow("Slack ack (block_actions)", real.slack, baseline.slack));
  console.log(latencyRow("Teams invoke (Action.Execute)", real.teams, baseline.teams));
  console.log(`\nstored (rows): ${JSON.stringify(stored)}; expected ${JSON.stringify(expected)}: ${JSON.stringify(stored) === JSON.stringify(expected) ? "every RSVP stored once" : "MISMATCH"}`);
  console.log(`one count of the answers from rows after the burst: ${ms(tallyMs)}`);
  console.log(`card right after the burst: the presser's refreshed Teams card ${shown ?? "(no counts)"}; the Teams announcement ${teamsNow ?? "(no counts)"}; the Slack announcement's last update ${slackNow ?? "(none)"}`);
} finally {
  await world.stop(bare);
}
// Keep-alive sockets and the SDKs' timers would hold the process open.
process.exit(0);
