import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROSTER_IMPORT, rosterImport } from "../../src/core/workflows/community/roster.js";
import { createLogger } from "../../src/log.js";
import { SlackRosterDirectory } from "../../src/slack/rosterDirectory.js";
import { CHARTER_VALUES, kernelOnRealStore, listJobs, type KernelHarness } from "../support/core.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";

const TEAM = FAKE_IDS.teamId;
const ROOM = "C0ROSTER";
const SPACE = { spaceKey: `slack:${TEAM}:${ROOM}`, platform: "slack", displayName: "#roster", personal: false } as const;
const person = (id: string, displayName: string) => ({ personKey: `slack:${TEAM}:${id}`, displayName, locale: "en" });
const ANA = person("U0ANA", "Ana");
const BEN = person("U0BEN", "Ben");
const LEFT = person("U0LEFT", "Lou");
const NEWCOMERS = Array.from({ length: 30 }, (_, i) => `U0NEW${String(i).padStart(3, "0")}`);

let fake: FakeSlack;
let h: KernelHarness;
let communityId: string;

beforeAll(async () => {
  fake = await startFakeSlack({ rateLimits: { perMinute: { "users.info": 100_000 } } });
  for (const p of [ANA, BEN, LEFT]) fake.setUser({ id: p.personKey.split(":")[2]!, real_name: p.displayName });
  for (const id of NEWCOMERS) fake.setUser({ id, real_name: `Newcomer ${id}` });
});
afterAll(async () => {
  await fake?.stop();
});

beforeEach(async () => {
  fake.reset();
  fake.setChannel({ id: ROOM, members: [FAKE_IDS.botUserId, "U0ANA", "U0BEN", "U0LEFT", ...NEWCOMERS] });
  h = await kernelOnRealStore();
  await h.deps.repos.conversationRefs.save({ key: SPACE.spaceKey, platform: "slack", reference: { teamId: TEAM, isEnterpriseInstall: false, channelId: ROOM }, unreachable: false, updatedAt: new Date().toISOString() });
  h.deps.directories.slack = new SlackRosterDirectory({ refs: h.deps.repos.conversationRefs, tokens: { botToken: async () => fake.botToken }, apiUrl: fake.apiUrl, log: createLogger("silent") });
  // Ana sets the community up in the channel; Ben and Lou take part, and Lou then leaves it.
  await h.submit(ANA, await h.say(ANA, SPACE, "setup"), CHARTER_VALUES);
  communityId = (await h.deps.repos.spaces.find(SPACE.spaceKey))!.communityId;
  await h.say(BEN, SPACE, "join");
  await h.say(LEFT, SPACE, "join");
  await h.say(LEFT, SPACE, "leave");
});

/** The import the setup scheduled, run as the scheduler runs it. */
async function runImport(): Promise<void> {
  const [job] = await listJobs(h, ROSTER_IMPORT);
  expect(job).toBeDefined();
  await rosterImport.run(rosterImport.schema.parse(job!.payload), { deps: h.deps, key: job!.key, dueAt: new Date(job!.dueAt), lateMs: 0, signal: new AbortController().signal });
}

const roster = async () => (await h.deps.repos.members.list(communityId, { pageSize: 1000 })).items;
const usersAskedAbout = () => fake.callsTo("users.info").map((c) => c.args.user).sort();

describe("importing a Slack channel's people onto the roster", () => {
  it("adds the channel's newcomers, keeps who is there as they are, leaves out who said leave, and asks Slack about none it knows", async () => {
    const before = new Map((await roster()).map((m) => [m.personKey, m]));
    await runImport();
    const after = await roster();
    expect(after.map((m) => m.personKey).sort()).toEqual([ANA.personKey, BEN.personKey, ...NEWCOMERS.map((id) => `slack:${TEAM}:${id}`)].sort());
    // Ana stays the facilitator, Ben's row is the one he joined with.
    expect(after.find((m) => m.personKey === ANA.personKey)).toEqual(before.get(ANA.personKey));
    expect(after.find((m) => m.personKey === BEN.personKey)).toEqual(before.get(BEN.personKey));
    expect(after.find((m) => m.personKey === `slack:${TEAM}:${NEWCOMERS[0]}`)).toMatchObject({ role: "member", displayName: `Newcomer ${NEWCOMERS[0]}`, spaceKey: SPACE.spaceKey });
    // users.info (90 a minute) only for those it did not know: the newcomers, Lou (who left) and the bot.
    expect(usersAskedAbout()).toEqual([FAKE_IDS.botUserId, ...NEWCOMERS, "U0LEFT"].sort());
  });

  it("asks Slack about nobody, and changes nothing, when it runs again", async () => {
    await runImport();
    const once = await roster();
    fake.reset();
    fake.setChannel({ id: ROOM, members: [FAKE_IDS.botUserId, "U0ANA", "U0BEN", "U0LEFT", ...NEWCOMERS] });
    await runImport();
    expect(await roster()).toEqual(once);
    expect(usersAskedAbout()).toEqual([FAKE_IDS.botUserId, "U0LEFT"]);
    expect(fake.callsTo("conversations.members")).toHaveLength(1);
  });
});
