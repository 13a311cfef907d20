/**
 * users.info and conversations.info through the directory: answers kept per installation, and lookups
 * that fail loudly (SlackLookupError) where a guess would do harm. Real WebClients at fake Slack APIs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { createLogger } from "../../src/log.js";
import { SlackDirectory } from "../../src/slack/directory.js";
import { SlackLookupError } from "../../src/slack/errors.js";
import { askFromText } from "../../src/slack/asks.js";
import { actorOf, personOf, spaceOf, type Inbound } from "../../src/slack/identity.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";

const log = createLogger("silent");
const TEAM_A = "T0ALPHA01";
const TEAM_B = "T0BETA001";
const SAME_USER = "U0SAMEID1";
const SAME_CHANNEL = "C0SAMEID1";

/** Two workspaces, each with its own Slack (token, users, channels); the same ids name different things. */
let alpha: FakeSlack;
let beta: FakeSlack;
const clientOf = (fake: FakeSlack, token = fake.botToken) => new webApi.WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });

beforeAll(async () => {
  alpha = await startFakeSlack({ teamId: TEAM_A, rateLimits: false, botToken: "xoxb-alpha" });
  beta = await startFakeSlack({ teamId: TEAM_B, rateLimits: false, botToken: "xoxb-beta" });
  alpha.setUser({ id: SAME_USER, real_name: "Alice Alpha", locale: "en-GB" });
  beta.setUser({ id: SAME_USER, real_name: "Bruno Beta", locale: "pt-PT" });
  alpha.setChannel({ id: SAME_CHANNEL, name: "alpha-cop" });
  beta.setChannel({ id: SAME_CHANNEL, name: "beta-cop" });
});
afterAll(async () => {
  await alpha?.stop();
  await beta?.stop();
});
beforeEach(() => {
  alpha.reset();
  beta.reset();
});

const inboundAt = (fake: FakeSlack, teamId: string, over: Partial<Inbound> = {}): Inbound => ({
  client: clientOf(fake), workspace: { teamId, isEnterpriseInstall: false }, userId: FAKE_IDS.facilitator, channelId: SAME_CHANNEL, ...over,
});

describe("one directory, two installations", () => {
  it("never answers for workspace B with a person workspace A looked up under the same user id", async () => {
    const dir = new SlackDirectory(log);
    const inA = inboundAt(alpha, TEAM_A, { userId: SAME_USER });
    const inB = inboundAt(beta, TEAM_B);
    expect(await actorOf(dir, inA)).toMatchObject({ personKey: `slack:${TEAM_A}:${SAME_USER}`, displayName: "Alice Alpha", locale: "en-GB" });

    const { mentions } = askFromText(`assign sponsor <@${SAME_USER}>`);
    expect(await personOf(dir, inB, mentions[0]!.id)).toMatchObject({ key: `slack:${TEAM_B}:${SAME_USER}`, displayName: "Bruno Beta" });
    expect(await actorOf(dir, { ...inB, userId: SAME_USER })).toMatchObject({ personKey: `slack:${TEAM_B}:${SAME_USER}`, locale: "pt-PT" });
    expect(beta.callsTo("users.info").map((c) => c.args.user)).toEqual([SAME_USER]);

    // Each installation's answer is still cached for that installation.
    await actorOf(dir, inA);
    expect(alpha.callsTo("users.info")).toHaveLength(1);
  });

  it("keeps channels apart by installation too", async () => {
    const dir = new SlackDirectory(log);
    expect(await spaceOf(dir, inboundAt(alpha, TEAM_A))).toMatchObject({ spaceKey: `slack:${TEAM_A}:${SAME_CHANNEL}`, displayName: "#alpha-cop" });
    expect(await spaceOf(dir, inboundAt(beta, TEAM_B))).toMatchObject({ spaceKey: `slack:${TEAM_B}:${SAME_CHANNEL}`, displayName: "#beta-cop" });
  });
});

describe("lookups that must not be guessed", () => {
  it("throws SlackLookupError when users.info fails for a person named in a request, and caches no failure", async () => {
    const dir = new SlackDirectory(log);
    const inA = inboundAt(alpha, TEAM_A);
    alpha.fail("users.info", { status: 503, when: (args) => args.user === FAKE_IDS.member });
    const failed = await personOf(dir, inA, FAKE_IDS.member).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(SlackLookupError);
    expect(failed).toMatchObject({ reason: "user_lookup_failed", id: FAKE_IDS.member, slackError: "http_503" });

    alpha.fail("users.info", { error: "user_not_found", when: (args) => args.user === "U0NOBODY1" });
    await expect(personOf(dir, inA, "U0NOBODY1")).rejects.toMatchObject({ reason: "user_lookup_failed", slackError: "user_not_found" });

    // Slack answers again: the same person resolves.
    expect(await personOf(dir, inA, FAKE_IDS.member)).toMatchObject({ key: `slack:${TEAM_A}:${FAKE_IDS.member}`, displayName: "Luc Member" });
  });

  it("still falls back to the payload's team for the person asking", async () => {
    alpha.fail("users.info", { error: "fatal_error" });
    const actor = await actorOf(new SlackDirectory(log), inboundAt(alpha, TEAM_A, { userId: FAKE_IDS.member, userTeamHint: TEAM_A }));
    expect(actor).toEqual({ personKey: `slack:${TEAM_A}:${FAKE_IDS.member}`, displayName: "", locale: "en" });
  });

  it("throws SlackLookupError when conversations.info fails for a Slack Connect channel, instead of a second space key", async () => {
    // The partner organisation's own installation, in the channel the home workspace hosts.
    const partnerToken = "xoxb-partner-install";
    alpha.addToken(partnerToken, { teamId: FAKE_IDS.partnerTeamId });
    const atPartner = (dir: SlackDirectory) =>
      spaceOf(dir, { client: clientOf(alpha, partnerToken), workspace: { teamId: FAKE_IDS.partnerTeamId, isEnterpriseInstall: false }, userId: FAKE_IDS.guest, channelId: FAKE_IDS.shared, channelName: "cop-partners" });
    alpha.setChannel({ id: FAKE_IDS.shared, context_team_id: TEAM_A });
    expect(await atPartner(new SlackDirectory(log))).toMatchObject({ spaceKey: `slack:${TEAM_A}:${FAKE_IDS.shared}` });

    alpha.fail("conversations.info", { status: 500 });
    const failed = await atPartner(new SlackDirectory(log)).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(SlackLookupError);
    expect(failed).toMatchObject({ reason: "channel_lookup_failed", id: FAKE_IDS.shared, slackError: "http_500" });
  });

  it("does not ask conversations.info about a DM", async () => {
    alpha.fail("conversations.info", { status: 500, times: Infinity });
    expect(await spaceOf(new SlackDirectory(log), inboundAt(alpha, TEAM_A, { channelId: "D0DIRECT1" }))).toMatchObject({ personal: true });
    expect(alpha.callsTo("conversations.info")).toHaveLength(0);
  });
});
