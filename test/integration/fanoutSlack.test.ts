import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";
import { FAST, fanoutJob, member, NOTICE_TEXT, waitFor, watchLoopDelay } from "../support/scheduling.js";
import { TEST_SIGNING_SECRET } from "../support/slackRequests.js";

const PEOPLE = 40;

describe("fan-out through the real Slack Messenger", () => {
  let app: TestApp | undefined;
  let fake: FakeSlack | undefined;
  afterEach(async () => {
    await app?.stop();
    await fake?.stop();
  });

  it("sends each member one DM, pausing the whole workspace on a 429 for its Retry-After", async () => {
    fake = await startFakeSlack();
    app = await startTestApp({ SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, SLACK_BOT_TOKEN: fake.botToken }, { scheduling: FAST });
    const now = new Date().toISOString();
    const users = Array.from({ length: PEOPLE }, (_, i) => `U0FAN${String(i).padStart(4, "0")}`);
    for (const id of users) {
      fake.setUser({ id });
      await app.deps.repos.conversationRefs.save({
        key: `slack:${FAKE_IDS.teamId}:${id}`, platform: "slack", reference: { teamId: FAKE_IDS.teamId, isEnterpriseInstall: false, userId: id }, unreachable: false, updatedAt: now,
      });
    }
    await app.deps.repos.members.saveMany(users.map((id) => member("c-slack", `slack:${FAKE_IDS.teamId}:${id}`)));
    fake.fail("chat.postMessage", { status: 429, retryAfterSeconds: 1, times: 1 });

    const loop = watchLoopDelay();
    await app.deps.jobs.schedule(fanoutJob("digest:slack", { kind: "members", communityId: "c-slack" }));
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await app!.deps.jobs.fanoutProgress("digest:slack");
      return progress?.done && progress;
    }, 60_000, 200);

    expect(final).toMatchObject({ total: PEOPLE, sent: PEOPLE, unreachable: 0, failed: 0, queued: 0 });
    const posts = fake.callsTo("chat.postMessage");
    const delivered = posts.filter((c) => c.ok);
    expect(delivered).toHaveLength(PEOPLE);
    expect(delivered.filter((c) => c.args.text !== NOTICE_TEXT)).toEqual([]);
    const opened = new Map(fake.callsTo("conversations.open").map((c) => [(c.response as { channel: { id: string } }).channel.id, String(c.args.users)]));
    expect(new Set(delivered.map((c) => opened.get(String(c.args.channel))))).toEqual(new Set(users));
    const throttled = posts.find((c) => c.status === 429)!;
    // Nothing else was posted in the workspace until the Retry-After had passed (a little slack for requests on
    // the wire, and for however late this busy process ran its timers).
    const slack = 100 + loop.stop();
    expect(posts.filter((c) => c.at > throttled.at + slack && c.at < throttled.at + 1000)).toEqual([]);
  }, 60_000);
});
