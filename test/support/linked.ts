import { startFakeBotConnector, type FakeBotConnector } from "./fakeBotConnector.js";
import { FAST, waitFor } from "./scheduling.js";
import { blocksText, startSlackApp, type SlackTestApp } from "./slackApp.js";
import { slashCommand } from "./slackRequests.js";
import { GENERAL, MEGAN, TENANT, message, post, setUpInChannel, type TeamsUser } from "./teamsActivities.js";
import { FAKE_IDS } from "./fakeSlack.js";

const CODE = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/;
export const TEAMS_GENERAL_SPACE = `teams:${TENANT}:${GENERAL.id}`;

/**
 * A community linked across both platforms, as people make one: Megan sets it up in the Teams General channel
 * (thread "1"), asks for a link code there, and it is typed with `/cop link CODE` in the Slack general channel;
 * done when Slack hears where the community now meets (usable in `beforeAll`). Returns the community's id. `slackNow` signs the Slack
 * request at a test clock's time.
 */
export async function linkTeamsAndSlack(s: SlackTestApp, connector: FakeBotConnector, options: { slackNow?: number } = {}): Promise<string> {
  await setUpInChannel(s.app.url, connector, "1");
  const before = connector.calls.length;
  await post(s.app.url, message(connector.serviceUrl, "link", { place: "channel", user: MEGAN }));
  const withCode = () => connector.calls.slice(before).map((c) => JSON.stringify(c.body)).find((body) => CODE.test(body));
  const code = CODE.exec(await waitFor("the link code in Megan's 1:1 chat", withCode, 10_000))![1]!;
  const linked = await s.send(slashCommand({ text: `link ${code}` }, options.slackNow === undefined ? undefined : { now: options.slackNow }));
  if (linked.status !== 200) throw new Error(`Slack answered /cop link with ${linked.status}`);
  // Slack has its 200 at once; the link is made when the channel hears where the community now meets.
  await waitFor("Slack to hear where the community now meets", () => s.fake.callsTo("chat.postMessage").some((c) => blocksText(c.args.blocks).includes("now meets in")), 10_000);
  return (await s.app.deps.repos.spaces.find(TEAMS_GENERAL_SPACE))!.communityId;
}

/** The app with Slack on (fast scheduling) and a fake Bot Connector for Teams: what a both-platforms test starts. */
export async function startBothPlatforms(): Promise<{ s: SlackTestApp; connector: FakeBotConnector }> {
  const connector = await startFakeBotConnector();
  return { s: await startSlackApp({ options: { scheduling: FAST } }), connector };
}

export async function stopBothPlatforms(s: SlackTestApp | undefined, connector: FakeBotConnector | undefined): Promise<void> {
  await s?.stop();
  await connector?.stop();
}

/**
 * People take part in the linked community by saying something where it meets (`surveys`): Teams people in the
 * General channel, Slack people (user ids) in the Slack general channel. An answer to a survey enrols no one.
 */
export async function takePart(s: SlackTestApp, connector: FakeBotConnector, communityId: string, people: { teams?: TeamsUser[]; slack?: string[] }): Promise<void> {
  const keys: string[] = [];
  for (const user of people.teams ?? []) {
    await post(s.app.url, message(connector.serviceUrl, "surveys", { place: "channel", user }));
    keys.push(`teams:${TENANT}:${user.aadObjectId}`);
  }
  for (const user of people.slack ?? []) {
    await s.send(slashCommand({ text: "surveys", user_id: user, user_name: user.toLowerCase() }));
    keys.push(`slack:${FAKE_IDS.teamId}:${user}`);
  }
  for (const key of keys) await waitFor(`${key} to take part`, async () => Boolean(await s.app.deps.repos.members.get(communityId, key)), 10_000);
}
