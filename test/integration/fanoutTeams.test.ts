import { afterEach, describe, expect, it } from "vitest";
import { FANOUT_JOB } from "../../src/scheduler/index.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAST, member, notice, waitFor } from "../support/scheduling.js";

const TENANT = "tenant-fan";
const PEOPLE = 150;

describe("fan-out through the real Teams Messenger", () => {
  let app: TestApp | undefined;
  let connector: FakeBotConnector | undefined;
  afterEach(async () => {
    await app?.stop();
    await connector?.stop();
  });

  it("sends each member one card in their 1:1 chat through Bot Connector 429s, recording Teams' message ids", async () => {
    connector = await startFakeBotConnector();
    // The app as deployed: its own Teams adapter's Messenger, nothing overridden but the intervals.
    app = await startTestApp({}, { scheduling: FAST });
    const now = new Date().toISOString();
    const people = Array.from({ length: PEOPLE }, (_, i) => ({ aad: `aad-${i}`, conversation: `a:personal-${i}` }));
    for (const person of people) {
      await app.deps.repos.conversationRefs.save({
        key: `teams:${TENANT}:${person.aad}`,
        platform: "teams",
        reference: {
          serviceUrl: connector.serviceUrl,
          channelId: "msteams",
          bot: { id: "28:cop-companion", name: "CoP Companion" },
          user: { id: `29:${person.aad}`, aadObjectId: person.aad },
          conversation: { id: person.conversation, conversationType: "personal", tenantId: TENANT, isGroup: false },
        },
        unreachable: false,
        updatedAt: now,
      });
    }
    await app.deps.repos.members.saveMany(people.map((p) => member("c-teams", `teams:${TENANT}:${p.aad}`)));
    // Teams pushes back three times (Retry-After 1 s) in the middle of it.
    connector.fail({ status: 429, retryAfterSeconds: 1, times: 3 });

    await app.deps.jobs.schedule({ kind: FANOUT_JOB, key: "digest:teams", dueAt: new Date(), payload: { view: notice, audience: { kind: "members", communityId: "c-teams" } } });
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await app!.deps.jobs.fanoutProgress("digest:teams");
      return progress?.done && progress;
    }, 60_000, 200);

    expect(final).toMatchObject({ total: PEOPLE, sent: PEOPLE, unreachable: 0, queued: 0, failed: 0 });
    expect(people.filter((p) => connector!.activitiesTo(p.conversation).length !== 1)).toEqual([]);
    const [card] = connector.activitiesTo(people[0]!.conversation);
    expect(card?.attachments?.[0]?.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(connector.calls.filter((c) => c.status === 429)).toHaveLength(3);
    // Each record carries the id Teams gave the message (to update or delete it later).
    const records = await app.scheduling.deliveries.list("digest:teams");
    expect(records.filter((r) => !/^\d+$/.test(r.messageId ?? ""))).toEqual([]);
  }, 90_000);
});
