import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAST, fanoutJob, member, NOTICE_TEXT, waitFor } from "../support/scheduling.js";

const TENANT = "tenant-fan";
const PEOPLE = 150;

/** `count` members of a community, each with a stored 1:1 chat with the app (as after they first wrote to it). */
async function seedPeople(app: TestApp, connector: FakeBotConnector, communityId: string, count: number) {
  const now = new Date().toISOString();
  const people = Array.from({ length: count }, (_, i) => ({ aad: `aad-${i}`, conversation: `a:personal-${i}` }));
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
  await app.deps.repos.members.saveMany(people.map((p) => member(communityId, `teams:${TENANT}:${p.aad}`)));
  return people;
}

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
    const people = await seedPeople(app, connector, "c-teams", PEOPLE);
    // Teams pushes back three times (Retry-After 1 s) in the middle of it.
    connector.fail({ status: 429, retryAfterSeconds: 1, times: 3 });

    await app.deps.jobs.schedule(fanoutJob("digest:teams", { kind: "members", communityId: "c-teams" }));
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await app!.deps.jobs.fanoutProgress("digest:teams");
      return progress?.done && progress;
    }, 60_000, 200);

    expect(final).toMatchObject({ total: PEOPLE, sent: PEOPLE, unreachable: 0, queued: 0, failed: 0 });
    expect(people.filter((p) => connector!.activitiesTo(p.conversation).length !== 1)).toEqual([]);
    const [card] = connector.activitiesTo(people[0]!.conversation);
    expect(card?.attachments?.[0]?.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card?.summary).toBe(NOTICE_TEXT);
    expect(connector.calls.filter((c) => c.status === 429)).toHaveLength(3);
    // Each record carries the id Teams gave the message (to update or delete it later).
    const records = await app.scheduling.deliveries.list("digest:teams");
    expect(records.filter((r) => !/^\d+$/.test(r.messageId ?? ""))).toEqual([]);
  }, 90_000);

  it("counts a person who blocked the app (403) as unreachable, not sent, and does not try them again", async () => {
    connector = await startFakeBotConnector();
    app = await startTestApp({}, { scheduling: FAST });
    const people = await seedPeople(app, connector, "c-blocked", 20);
    const blocked = [people[3]!, people[11]!];
    for (const person of blocked) connector.fail({ status: 403, times: 1, conversationId: person.conversation });

    await app.deps.jobs.schedule(fanoutJob("nudge:teams", { kind: "members", communityId: "c-blocked" }));
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await app!.deps.jobs.fanoutProgress("nudge:teams");
      return progress?.done && progress;
    }, 30_000, 200);

    expect(final).toMatchObject({ total: 20, sent: 18, unreachable: 2, failed: 0, queued: 0 });
    const records = await app.scheduling.deliveries.list("nudge:teams");
    for (const person of blocked) {
      expect(connector.calls.filter((c) => c.conversationId === person.conversation).map((c) => c.status)).toEqual([403]);
      expect(records.find((r) => r.target.kind === "person" && r.target.personKey === `teams:${TENANT}:${person.aad}`)).toMatchObject({ status: "unreachable", reason: "ConversationBlockedByUser" });
      expect(await app.deps.repos.conversationRefs.get(`teams:${TENANT}:${person.aad}`)).toMatchObject({ unreachable: true });
    }
    expect(people.filter((p) => !blocked.includes(p) && connector!.activitiesTo(p.conversation).length !== 1)).toEqual([]);
    // The turn error handler is for inbound turns: a refused proactive send never reaches it.
    expect(app.logs.filter((l) => l.msg === "Teams turn failed")).toEqual([]);
  }, 60_000);
});
