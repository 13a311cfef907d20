import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";
import { FAST, fanoutJob, member, NOTICE_TEXT, waitFor } from "../support/scheduling.js";
import { TEST_SIGNING_SECRET } from "../support/slackRequests.js";

const TENANT = "tenant-readers";
const TEAM = FAKE_IDS.teamId;
/** The pseudo-locale: every catalog message wrapped in ⟦ ⟧ and accented; what people typed stays as typed. */
const PSEUDO = "qps-ploc";

/** Every `text` in an Adaptive Card, at any depth (TextBlocks inside containers). */
function cardTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(cardTexts);
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === "text" && typeof value === "string" ? [value] : cardTexts(value)));
}

/** Read in the pseudo-locale: the catalog's words bracketed and accented, the community's name as typed. */
function expectPseudo(text: string) {
  expect(text).toMatch(/^⟦.*⟧$/u);
  expect(text).toContain("Data Stewards CoP");
  expect(text).not.toContain("Launched");
  expect(text).not.toContain("is now at the");
}

describe("a fan-out to members, rendered per recipient at delivery time", () => {
  let app: TestApp | undefined;
  let connector: FakeBotConnector | undefined;
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await app?.stop();
    await connector?.stop();
    await slack?.stop();
    app = connector = slack = undefined;
  });

  it("gives each member the card in their own language, rendered for their own platform", async () => {
    connector = await startFakeBotConnector();
    slack = await startFakeSlack();
    app = await startTestApp({ SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: slack.botToken }, { scheduling: FAST });
    const now = new Date().toISOString();

    // One English and one pseudo-locale reader on each platform, each with a stored way to reach them.
    const teams = [
      { aad: "aad-en", conversation: "a:personal-en", locale: "en-GB" },
      { aad: "aad-qps", conversation: "a:personal-qps", locale: PSEUDO },
    ];
    for (const p of teams) {
      await app.deps.repos.conversationRefs.save({
        key: `teams:${TENANT}:${p.aad}`, platform: "teams", unreachable: false, updatedAt: now,
        reference: {
          serviceUrl: connector.serviceUrl, channelId: "msteams", bot: { id: "28:cop-companion", name: "CoP Companion" },
          user: { id: `29:${p.aad}`, aadObjectId: p.aad }, conversation: { id: p.conversation, conversationType: "personal", tenantId: TENANT, isGroup: false },
        },
      });
    }
    const slackPeople = [
      { id: "U0READEN1", locale: "en-US" },
      { id: "U0READQPS", locale: PSEUDO },
    ];
    for (const p of slackPeople) {
      slack.setUser({ id: p.id, locale: p.locale });
      await app.deps.repos.conversationRefs.save({
        key: `slack:${TEAM}:${p.id}`, platform: "slack", reference: { teamId: TEAM, isEnterpriseInstall: false, userId: p.id }, unreachable: false, updatedAt: now,
      });
    }
    await app.deps.repos.members.saveMany([
      ...teams.map((p) => member("c-readers", `teams:${TENANT}:${p.aad}`, p.locale)),
      ...slackPeople.map((p) => member("c-readers", `slack:${TEAM}:${p.id}`, p.locale)),
    ]);

    // Sent in English: each recipient's own language is known, so each reads it in that.
    await app.deps.jobs.schedule(fanoutJob("announce:readers", { kind: "members", communityId: "c-readers" }, { locale: "en" }));
    const final = await waitFor("the fan-out to finish", async () => {
      const progress = await app!.deps.jobs.fanoutProgress("announce:readers");
      return progress?.done && progress;
    }, 30_000, 200);
    expect(final).toMatchObject({ total: 4, sent: 4, unreachable: 0, failed: 0, queued: 0 });

    // Teams: an Adaptive Card in each person's 1:1 chat, bold as Teams markdown writes it (**…**).
    const [teamsEn, teamsQps] = teams.map((p) => {
      const activities = connector!.activitiesTo(p.conversation);
      expect(activities, p.aad).toHaveLength(1);
      const [attachment] = activities[0]!.attachments ?? [];
      expect(attachment?.contentType).toBe("application/vnd.microsoft.card.adaptive");
      return { summary: String(activities[0]!.summary), texts: cardTexts(attachment?.content) };
    });
    expect(teamsEn!.summary).toBe(NOTICE_TEXT);
    expect(teamsEn!.texts.some((t) => t.includes("**Data Stewards CoP** is now at the Launched stage."))).toBe(true);
    expectPseudo(teamsQps!.summary);
    expect(teamsQps!.texts.some((t) => t.includes("⟦**Data Stewards CoP**"))).toBe(true);

    // Slack: a DM with Block Kit blocks, bold as Slack mrkdwn writes it (*…*), and a plain-text fallback.
    const dmOf = new Map(slack.callsTo("conversations.open").map((c) => [String(c.args.users), (c.response as { channel: { id: string } }).channel.id]));
    const [slackEn, slackQps] = slackPeople.map((p) => {
      const posts = slack!.callsTo("chat.postMessage").filter((c) => c.ok && c.args.channel === dmOf.get(p.id));
      expect(posts, p.id).toHaveLength(1);
      return { text: String(posts[0]!.args.text), blocks: JSON.stringify(posts[0]!.args.blocks) };
    });
    expect(slackEn!.text).toBe(NOTICE_TEXT);
    expect(slackEn!.blocks).toContain('"type":"section"');
    expect(slackEn!.blocks).toContain("*Data Stewards CoP* is now at the Launched stage.");
    expect(slackEn!.blocks).not.toContain("**");
    expectPseudo(slackQps!.text);
    expect(slackQps!.blocks).toContain("⟦*Data Stewards CoP*");
    expect(slackQps!.blocks).not.toContain("**");
  }, 60_000);
});
