import { afterEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { FanoutAudienceSpec } from "../../src/core/kernel/audience.js";
import type { DeliveryTarget, Messenger } from "../../src/core/ports.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type ConnectorCall, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { startFakePlatform, type FakePlatform } from "../support/fakePlatform.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";
import { FAST, fanoutJob, member, NOTICE_TEXT, startInstance, testAccount, waitFor, type TestInstance } from "../support/scheduling.js";
import { TEST_SIGNING_SECRET } from "../support/slackRequests.js";

const CARD_INTERVAL_MS = 1000;
const scheduling = { ...FAST, progressCard: { minIntervalMs: CARD_INTERVAL_MS } };

/** Sends the notice (the progress card names it by its sentence) and waits for the fan-out to finish. */
async function fanout(app: TestApp, key: string, audience: FanoutAudienceSpec, startedBy: string) {
  await app.deps.jobs.schedule(fanoutJob(key, audience, { startedBy }));
  return waitFor("the fan-out to finish", async () => {
    const progress = await app.deps.jobs.fanoutProgress(key);
    return progress?.done && progress;
  }, 60_000, 200);
}

/** Between two versions of the card, at least the interval (the final one may follow sooner). */
function gapsBeforeTheLast(times: number[]): number[] {
  return times.slice(1, -1).map((t, i) => t - times[i]!);
}

describe("the facilitator's progress card", () => {
  let app: TestApp | undefined;
  let connector: FakeBotConnector | undefined;
  let slack: FakeSlack | undefined;
  const instances: TestInstance[] = [];
  const platforms: FakePlatform[] = [];
  afterEach(async () => {
    await app?.stop();
    await connector?.stop();
    await slack?.stop();
    await Promise.all(instances.splice(0).map((i) => i.stop()));
    await Promise.all(platforms.splice(0).map((p) => p.stop()));
    app = connector = slack = undefined;
  });

  it("Teams: one card in the facilitator's 1:1 chat, updated in place, ending with how many could not be reached", async () => {
    connector = await startFakeBotConnector();
    app = await startTestApp({}, { scheduling });
    const tenant = "tenant-progress";
    const ref = (aad: string, conversation: string) => ({
      key: `teams:${tenant}:${aad}`, platform: "teams" as const, unreachable: false, updatedAt: new Date().toISOString(),
      reference: {
        serviceUrl: connector!.serviceUrl, channelId: "msteams", bot: { id: "28:cop-companion", name: "CoP Companion" },
        user: { id: `29:${aad}`, aadObjectId: aad }, conversation: { id: conversation, conversationType: "personal", tenantId: tenant, isGroup: false },
      },
    });
    const people = Array.from({ length: 300 }, (_, i) => ({ aad: `aad-${i}`, conversation: `a:personal-${i}` }));
    for (const p of people) await app.deps.repos.conversationRefs.save(ref(p.aad, p.conversation));
    await app.deps.repos.conversationRefs.save(ref("aad-facilitator", "a:personal-facilitator"));
    await app.deps.repos.members.saveMany(people.map((p) => member("c-progress", `teams:${tenant}:${p.aad}`)));
    // Four people blocked the app: Teams answers 403 once, and once must be all it is asked.
    const blocked = people.filter((_, i) => i % 75 === 7);
    for (const p of blocked) connector.fail({ status: 403, times: 1, conversationId: p.conversation });

    const final = await fanout(app, "announce:teams", { kind: "members", communityId: "c-progress" }, `teams:${tenant}:aad-facilitator`);
    expect(final).toMatchObject({ total: 300, sent: 296, unreachable: 4, failed: 0, queued: 0 });
    const facilitatorCalls = () => connector!.calls.filter((c) => c.conversationId === "a:personal-facilitator");
    const versions = await waitFor("the final version of the card", () => {
      const calls = facilitatorCalls();
      return String(calls.at(-1)?.activity?.summary).startsWith("Done") && calls;
    }, 30_000);

    // The recipients: one message each, none to the blocked, who were tried once.
    for (const p of people) {
      const isBlocked = blocked.includes(p);
      expect(connector.activitiesTo(p.conversation), p.aad).toHaveLength(isBlocked ? 0 : 1);
      if (isBlocked) expect(connector.calls.filter((c) => c.conversationId === p.conversation), p.aad).toHaveLength(1);
    }
    expect((await app.scheduling.deliveries.list("announce:teams")).map((r) => r.status).sort()).toEqual([...Array(296).fill("sent"), ...Array(4).fill("unreachable")]);
    expect(await app.deps.repos.conversationRefs.get(`teams:${tenant}:${blocked[0]!.aad}`)).toMatchObject({ unreachable: true });

    // The facilitator: one message, then updates of that same message.
    const [posted, ...updates] = versions;
    expect(posted).toMatchObject({ kind: "reply", status: 201 });
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.every((u) => u.kind === "update" && u.status === 200 && u.activityId === posted!.activityId)).toBe(true);
    const summaries = versions.map((v: ConnectorCall) => String(v.activity?.summary));
    expect(summaries[0]).toMatch(/^Sending: \d+ of \d+ delivered \(Data Stewards CoP is now at the Launched stage\.\)$/);
    expect(summaries.some((s) => /^Sending: [1-9]\d* of 300 delivered/.test(s))).toBe(true);
    expect(summaries.at(-1)).toBe(`Done: 296 of 300 delivered (${NOTICE_TEXT})`);
    const lastCard = JSON.stringify(versions.at(-1)!.activity?.attachments);
    expect(lastCard).toContain("4 recipients could not be reached: the app was blocked or removed there");
    expect(gapsBeforeTheLast(versions.map((v) => v.at)).filter((gap) => gap < CARD_INTERVAL_MS - 100)).toEqual([]);
  }, 90_000);

  it("Slack: one DM to the facilitator, updated with chat.update, ending with all delivered", async () => {
    slack = await startFakeSlack();
    app = await startTestApp(
      { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: slack.botToken },
      { scheduling: { ...scheduling, rateLimits: { slack: { tenant: { perSecond: 50, burst: 10 } } } } },
    );
    const team = FAKE_IDS.teamId;
    const channels = Array.from({ length: 200 }, (_, i) => `C0PROG${String(i).padStart(4, "0")}`);
    for (const id of channels) {
      slack.setChannel({ id, members: [FAKE_IDS.botUserId] });
      await app.deps.repos.conversationRefs.save({ key: `slack:${team}:${id}`, platform: "slack", reference: { teamId: team, isEnterpriseInstall: false, channelId: id }, unreachable: false, updatedAt: new Date().toISOString() });
    }
    const facilitator = FAKE_IDS.facilitator;
    await app.deps.repos.conversationRefs.save({ key: `slack:${team}:${facilitator}`, platform: "slack", reference: { teamId: team, isEnterpriseInstall: false, userId: facilitator }, unreachable: false, updatedAt: new Date().toISOString() });

    const targets = channels.map((id) => ({ kind: "space" as const, spaceKey: `slack:${team}:${id}` }));
    const final = await fanout(app, "announce:slack", { kind: "targets", targets }, `slack:${team}:${facilitator}`);
    expect(final).toMatchObject({ total: 200, sent: 200, unreachable: 0, failed: 0 });
    const dm = (slack.callsTo("conversations.open")[0]!.response as { channel: { id: string } }).channel.id;
    await waitFor("the final version of the card", () => String(slack!.callsTo("chat.update").at(-1)?.args.text).startsWith("Done"), 30_000);

    const posts = slack.callsTo("chat.postMessage").filter((c) => c.ok);
    expect(posts.filter((c) => c.args.channel !== dm).map((c) => c.args.channel).sort()).toEqual(channels);
    const [card, ...others] = posts.filter((c) => c.args.channel === dm);
    expect(others).toEqual([]);
    expect(card!.args.text).toMatch(/^Sending: \d+ of \d+ delivered/);
    const updates = slack.callsTo("chat.update");
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.every((u) => u.ok && u.args.channel === dm && u.args.ts === card!.response.ts)).toBe(true);
    const shown = slack.state.messages.get(`${dm}:${String(card!.response.ts)}`)!;
    expect(shown.text).toBe(`Done: all 200 delivered (${NOTICE_TEXT})`);
    const blocks = JSON.stringify(shown.blocks);
    expect(blocks).toContain(`Sent: ${NOTICE_TEXT}`);
    expect(blocks).toContain("Done: all 200 delivered");
    expect(gapsBeforeTheLast([card!.at, ...updates.map((u) => u.at)]).filter((gap) => gap < CARD_INTERVAL_MS - 100)).toEqual([]);
  }, 90_000);

  it("instances take turns on one card: a single message, versions spaced out across instances, the final one last", async () => {
    const { account, store } = await testAccount();
    const platform = await startFakePlatform({ perSecond: 1000 });
    platforms.push(platform);
    const facilitator = "teams:tenant-y:facilitator";
    const versions: Array<{ at: number; call: "deliver" | "update"; messageId?: string; card: Card }> = [];
    const recording = (): Messenger => {
      const real = platform.messenger();
      return {
        deliver: (target, card) => {
          if (isFacilitator(target)) versions.push({ at: Date.now(), call: "deliver", card });
          return real.deliver(target, card);
        },
        update: (target, messageId, card) => {
          versions.push({ at: Date.now(), call: "update", messageId, card });
          return real.update(target, messageId, card);
        },
      };
    };
    const isFacilitator = (target: DeliveryTarget) => target.kind === "person" && target.personKey === facilitator;
    const isDone = (card: Card) => card.summary.startsWith("Done");
    const options = { messengers: { teams: recording() }, rateLimits: { teams: { tenant: { perSecond: 200, burst: 20 } } }, progressIntervalMs: 100, progressCard: { minIntervalMs: 400 } };
    const a = await startInstance(account, store.repos, { ...options, instanceId: "a" });
    const b = await startInstance(account, store.repos, { ...options, messengers: { teams: recording() }, instanceId: "b", runScheduler: false });
    instances.push(a, b);
    const targets = Array.from({ length: 600 }, (_, i) => ({ kind: "person" as const, personKey: `teams:tenant-y:p${i}` }));
    await a.scheduling.jobs.schedule(fanoutJob("announce:two", { kind: "targets", targets }, { startedBy: facilitator }));
    await waitFor("the final version of the card", () => versions.some((v) => isDone(v.card)), 60_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // anything still to come would land now

    const [posted, ...updates] = versions;
    expect(posted?.call).toBe("deliver");
    const cardId = platform.deliveries.find((d) => d.key === facilitator)?.messageId;
    expect(platform.deliveries.filter((d) => d.key === facilitator)).toHaveLength(1);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.every((u) => u.call === "update" && u.messageId === cardId)).toBe(true);
    expect(versions.map((v) => isDone(v.card))).toEqual([...Array(versions.length - 1).fill(false), true]);
    expect(versions.at(-1)!.card.summary).toBe(`Done: all 600 delivered (${NOTICE_TEXT})`);
    expect(gapsBeforeTheLast(versions.map((v) => v.at)).filter((gap) => gap < 400 - 50)).toEqual([]);
    const toRecipients = platform.deliveries.filter((d) => d.key !== facilitator);
    expect(toRecipients).toHaveLength(600);
    expect(toRecipients.filter((d) => d.text !== NOTICE_TEXT)).toEqual([]);
  }, 90_000);

  it("a card that cannot be shown changes nothing for the fan-out", async () => {
    const { account, store } = await testAccount();
    const platform = await startFakePlatform({ perSecond: 1000 });
    platforms.push(platform);
    const real = platform.messenger();
    const facilitator = "teams:tenant-x:facilitator";
    // The facilitator's platform call throws (a bug, an outage): the fan-out must not notice.
    const messenger: Messenger = {
      deliver: (target, card) => (target.kind === "person" && target.personKey === facilitator ? Promise.reject(new Error("card service down")) : real.deliver(target, card)),
      update: () => Promise.reject(new Error("card service down")),
    };
    const instance = await startInstance(account, store.repos, { messengers: { teams: messenger } });
    instances.push(instance);
    const targets = Array.from({ length: 40 }, (_, i) => ({ kind: "person" as const, personKey: `teams:tenant-x:p${i}` }));
    await instance.scheduling.jobs.schedule(fanoutJob("announce:broken-card", { kind: "targets", targets }, { startedBy: facilitator }));
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await instance.scheduling.jobs.fanoutProgress("announce:broken-card");
      return progress?.done && progress;
    }, 30_000, 100);
    expect(final).toMatchObject({ total: 40, sent: 40, failed: 0, unreachable: 0 });
    expect(platform.duplicates()).toBe(0);
    expect(platform.deliveries).toHaveLength(40);
    await waitFor("the card's failure to be logged", () => instance.logs.some((l) => l.msg === "showing a fan-out's progress failed; the fan-out goes on"));
  }, 60_000);
});
