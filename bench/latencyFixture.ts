/**
 * The latency bench's fake platforms in a process of their own (their CPU is neither the app's nor the load
 * generator's), driven over IPC: `setup` makes a community linked across Teams and Slack on a server and posts a
 * quick poll; `count` says how many replies each platform got since the last count; `latest` what the last few
 * replies since the last `latest` said; `ephemerals` when each Slack ephemeral since the last one reached whom. Once set up, recorded calls are counted and dropped every second, so a
 * long run does not grow this process.
 */
import { FAKE_IDS } from "../test/support/fakeSlack.js";
import { isEphemeralPost } from "../test/support/fakeSlackResponseUrls.js";
import { MEGAN } from "../test/support/teamsActivities.js";
import { BENCH_USERS, BUSY_NOTICE, POLL_OPTIONS, slackUser, teamsUser, type FixtureAnswer, type FixtureRequest } from "./latencyShared.js";
import { linkedCommunity, postedPoll, startFakes } from "./world.js";

const answer = (message: FixtureAnswer) => process.send!(message);
// Everyone who votes is on the roster, in Slack's channel and in the Teams team (an answer enrols no one).
const { fake, connector } = await startFakes([MEGAN, ...Array.from({ length: BENCH_USERS }, (_, n) => teamsUser(n))].map((u) => ({ id: u.id, name: u.name, aadObjectId: u.aadObjectId })));
const general = fake.state.channels.get(FAKE_IDS.general)!;
const users = Array.from({ length: BENCH_USERS }, (_, n) => slackUser(n));
fake.setChannel({ id: FAKE_IDS.general, members: [...new Set([...general.members, ...users])] });
for (const [n, id] of users.entries()) fake.setUser({ id, name: `member${n}` });

// Replies: Slack chat.* posts and updates and posts at response_urls; Teams sends, replies and updates.
const totals = { slack: 0, teams: 0 };
/** What the latest replies said (their text and cards as JSON), for the bench's probe of each server. */
let latest: string[] = [];
let trimming = false;
/** Each Slack ephemeral reply since the last `ephemerals`: to whom, and when it reached the fake (epoch ms). */
let ephemerals: Array<[string, number]> = [];
/** The app's "too many requests are waiting" notices since the last `ephemerals`: kept out of `ephemerals`. */
let busy = 0;
function tally(): void {
  const slack = fake.calls.filter((c) => (c.method.startsWith("chat.") || c.method === "response_url") && c.ok);
  const teams = connector.calls.filter((c) => ["send", "reply", "update"].includes(c.kind) && c.status < 300 && (c.activity?.type ?? "message") === "message");
  for (const c of slack) {
    const ephemeral = c.method === "chat.postEphemeral" || (c.method === "response_url" && isEphemeralPost(c.args));
    if (!ephemeral || typeof c.args.user !== "string") continue;
    if (String(c.args.text ?? "").includes(BUSY_NOTICE)) busy += 1;
    else ephemerals.push([c.args.user, c.at]);
  }
  totals.slack += slack.length;
  totals.teams += teams.length;
  // Only the last few are kept: a busy cell records thousands a second.
  latest = [...latest, ...slack.slice(-5).map((c) => JSON.stringify([c.args.text, c.args.blocks])), ...teams.slice(-5).map((c) => JSON.stringify([c.activity?.text, c.activity?.attachments]))].slice(-5);
  fake.calls.length = 0;
  connector.calls.length = 0;
}
setInterval(() => trimming && tally(), 1000).unref();

process.on("message", (request: FixtureRequest) => {
  void (async () => {
    if (request.type === "latest") {
      tally();
      answer({ type: "latest", replies: latest });
      latest = [];
      return;
    }
    if (request.type === "ephemerals") {
      tally();
      answer({ type: "ephemerals", replies: ephemerals, busy });
      ephemerals = [];
      busy = 0;
      return;
    }
    if (request.type === "count") {
      if (trimming) tally();
      answer({ type: "count", ...totals });
      totals.slack = 0;
      totals.teams = 0;
      return;
    }
    trimming = false;
    const title = `Bench poll ${Date.now().toString(36)}`;
    await linkedCommunity(request.appUrl, connector, fake);
    const poll = await postedPoll(request.appUrl, connector, fake, title, POLL_OPTIONS);
    const button = poll.slackButton(1);
    const card = poll.teamsPoll.attachments?.[0]?.content;
    const teamsButton = findButton(card, POLL_OPTIONS[1]);
    if (!teamsButton?.data) throw new Error("no Green button on the Teams poll");
    tally();
    trimming = true;
    answer({ type: "ready", slackTs: poll.slackTs, actionId: button.action_id!, value: button.value!, teamsPollId: poll.teamsPoll.id!, teamsData: teamsButton.data });
  })().catch((error: unknown) => answer({ type: "failed", error: String((error as Error).stack ?? error) }));
});

/** The first action titled `title` anywhere in a card. */
function findButton(node: unknown, title: string): { data?: Record<string, unknown> } | undefined {
  if (Array.isArray(node)) return node.map((n) => findButton(n, title)).find(Boolean);
  if (!node || typeof node !== "object") return undefined;
  const o = node as Record<string, unknown>;
  if (o.title === title && typeof o.type === "string" && o.type.startsWith("Action.")) return o as { data?: Record<string, unknown> };
  return Object.values(o).map((v) => findButton(v, title)).find(Boolean);
}

answer({ type: "fakes", apiUrl: fake.apiUrl, hooksUrl: fake.hooksUrl, botToken: fake.botToken, serviceUrl: connector.serviceUrl });
process.on("disconnect", () => process.exit(0));
