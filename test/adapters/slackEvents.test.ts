import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Profile } from "../../src/core/domain.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { eventCallback, events, slackConnectMention, slashCommand, sslCheck, urlVerification } from "../support/slackRequests.js";

let s: SlackTestApp;
beforeAll(async () => {
  s = await startSlackApp();
});
afterAll(async () => {
  await s?.stop();
});
beforeEach(() => s.fake.reset());

const HOME = FAKE_IDS.teamId;

async function seedCommunity(spaceKey: string, name: string, facilitatorKey: string) {
  const { deps } = s.app;
  const now = new Date().toISOString();
  const id = `c-${name.toLowerCase().replace(/\W+/g, "-")}`;
  await deps.repos.communities.create({
    id, charter: { name, domain: "health data", audience: "stewards", purposes: ["learning"], goals: [], outcomes: [], guidelines: { participation: "", contribution: "", conflictResolution: "" } },
    status: "launched", createdAt: now, createdBy: facilitatorKey, updatedAt: now,
  });
  await deps.repos.spaces.bind({ communityId: id, spaceKey, platform: "slack", displayName: "#x", boundAt: now, boundBy: facilitatorKey });
  await deps.repos.members.save({ communityId: id, personKey: facilitatorKey, displayName: "Ana", role: "facilitator", spaceKey, profile: Profile.parse({}), joinedAt: now, lastActiveAt: now });
  return id;
}

describe("Slack request verification", () => {
  it("answers url_verification with the challenge", async () => {
    const res = await s.send(urlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("answers Slack's certificate check (ssl_check) with an empty 200", async () => {
    const res = await s.send(sslCheck());
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it.each([
    ["a wrong signature", slashCommand({ text: "help" }, { signWithSecret: "not-the-signing-secret" })],
    ["a timestamp older than 5 minutes", slashCommand({ text: "help" }, { ageSeconds: 6 * 60 })],
    ["an event with a wrong signature", eventCallback(events.appHomeOpened({}), {}, { signWithSecret: "nope" })],
  ])("refuses %s with 401 and processes nothing", async (_name, req) => {
    const res = await s.send(req);
    expect(res.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(s.fake.calls).toHaveLength(0);
  });

  it("refuses a request without signature headers with 401", async () => {
    const req = slashCommand({ text: "help" });
    const res = await fetch(new URL("/slack/events", s.app.url), {
      method: "POST",
      headers: { "content-type": req.headers["content-type"]! },
      body: req.body,
    });
    expect(res.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(s.fake.calls).toHaveLength(0);
  });
});

describe("Slack events", () => {
  it("processes an event retried by Slack (X-Slack-Retry-Num) only once", async () => {
    const event = events.appHomeOpened({});
    const first = await s.send(eventCallback(event, { event_id: "Ev0RETRY0001", event_time: 1_700_000_000 }));
    expect(first.status).toBe(200);
    await expect.poll(() => s.fake.callsTo("views.publish").length).toBe(1);
    const retry = await s.send(eventCallback(event, { event_id: "Ev0RETRY0001", event_time: 1_700_000_000 }, { retry: { num: 1, reason: "http_timeout" } }));
    expect(retry.status).toBe(200);
    await expect.poll(() => s.app.logs.some((l) => l.msg === "slack event already processed; retry skipped" && l.eventId === "Ev0RETRY0001")).toBe(true);
    expect(s.fake.callsTo("views.publish")).toHaveLength(1);
  });

  it("publishes the App Home listing the person's communities, by name, with their role and stage", async () => {
    await seedCommunity(`slack:${HOME}:C0HOME1`, "Zeta Data CoP", `slack:${HOME}:${FAKE_IDS.facilitator}`);
    await seedCommunity(`slack:${HOME}:C0HOME2`, "Alpha Health CoP", `slack:${HOME}:${FAKE_IDS.facilitator}`);
    await s.send(eventCallback(events.appHomeOpened({ user: FAKE_IDS.facilitator })));
    await expect.poll(() => s.fake.callsTo("views.publish").length).toBe(1);
    const publish = s.fake.callsTo("views.publish")[0]!;
    expect(publish.ok).toBe(true);
    expect(publish.args.user_id).toBe(FAKE_IDS.facilitator);
    const text = blocksText((publish.args.view as { blocks: unknown }).blocks);
    expect(text.indexOf("Alpha Health CoP")).toBeLessThan(text.indexOf("Zeta Data CoP"));
    expect(text).toContain("Your communities");
    expect(text).toContain("Alpha Health CoP*: Facilitator · Launched");
    expect(text).toContain("Zeta Data CoP*: Facilitator · Launched");
  });

  it("tells someone in no community how to start one, as typed in Slack", async () => {
    s.fake.setUser({ id: "U01NOCOP", name: "noa", real_name: "Noa Nobody" });
    await s.send(eventCallback(events.appHomeOpened({ user: "U01NOCOP" })));
    await expect.poll(() => s.fake.callsTo("views.publish").length).toBe(1);
    const text = blocksText((s.fake.callsTo("views.publish")[0]!.args.view as { blocks: unknown }).blocks);
    expect(text).toContain("You are not part of a community yet. Type `/cop setup` in a channel to create one");
  });

  it("ignores the Messages tab of the App Home", async () => {
    await s.send(eventCallback(events.appHomeOpened({ tab: "messages", user: FAKE_IDS.member })));
    await s.send(eventCallback(events.appHomeOpened({ tab: "home", user: FAKE_IDS.facilitator })));
    await expect.poll(() => s.fake.callsTo("views.publish").length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(s.fake.callsTo("views.publish").map((c) => c.args.user_id)).toEqual([FAKE_IDS.facilitator]);
  });

  it("answers an app_mention in the channel privately", async () => {
    await s.send(eventCallback(events.appMention({ text: `<@${FAKE_IDS.botUserId}> roles` })));
    await expect.poll(() => s.fake.ephemerals().length).toBe(1);
    const reply = s.fake.ephemerals()[0]!;
    expect(reply.args).toMatchObject({ channel: FAKE_IDS.general, user: FAKE_IDS.facilitator });
    // #cop-general has no community in this app: roles needs one.
    expect(String(reply.args.text)).toContain("not part of a community yet");
  });

  it("answers a direct message in the DM", async () => {
    s.fake.setChannel({ id: "D01HOMEDM", name: FAKE_IDS.facilitator, is_im: true, is_private: true, user: FAKE_IDS.facilitator, members: [FAKE_IDS.botUserId, FAKE_IDS.facilitator] });
    await s.send(eventCallback(events.messageIm({ text: "help" })));
    await expect.poll(() => s.fake.callsTo("chat.postMessage").length).toBe(1);
    expect(s.fake.callsTo("chat.postMessage")[0]).toMatchObject({ ok: true, args: { channel: "D01HOMEDM" } });
    expect(blocksText(s.fake.callsTo("chat.postMessage")[0]!.args.blocks)).toContain("/cop setup");
  });

  it("says hello when invited to a channel and remembers the channel for later messages", async () => {
    s.fake.setChannel({ id: "C01INVITED", name: "cop-new", members: [FAKE_IDS.botUserId, FAKE_IDS.facilitator] });
    await s.send(eventCallback(events.memberJoinedChannel({ user: FAKE_IDS.botUserId, channel: "C01INVITED", inviter: FAKE_IDS.facilitator })));
    await expect.poll(() => s.fake.callsTo("chat.postMessage").length).toBe(1);
    const hello = s.fake.callsTo("chat.postMessage")[0]!;
    expect(hello.args.channel).toBe("C01INVITED");
    expect(blocksText(hello.args.blocks)).toContain("Thanks for adding me!");
    const ref = await s.app.deps.repos.conversationRefs.get(`slack:${HOME}:C01INVITED`);
    expect(ref).toMatchObject({ platform: "slack", reference: { channelId: "C01INVITED", teamId: HOME } });
  });

  it("remembers a person who joins a channel, to reach them later", async () => {
    await s.send(eventCallback(events.memberJoinedChannel({ user: FAKE_IDS.member, channel: FAKE_IDS.general })));
    await expect.poll(() => s.app.deps.repos.conversationRefs.get(`slack:${HOME}:${FAKE_IDS.member}`)).toMatchObject({ reference: { userId: FAKE_IDS.member } });
    expect(s.fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("puts a person who joins a community's channel on its roster, and takes them off when they leave", async () => {
    s.fake.setChannel({ id: "C0ROSTER1", name: "cop-roster", members: [FAKE_IDS.botUserId, FAKE_IDS.facilitator, FAKE_IDS.member] });
    const communityId = await seedCommunity(`slack:${HOME}:C0ROSTER1`, "Roster CoP", `slack:${HOME}:${FAKE_IDS.facilitator}`);
    const luc = `slack:${HOME}:${FAKE_IDS.member}`;
    await s.send(eventCallback(events.memberJoinedChannel({ user: FAKE_IDS.member, channel: "C0ROSTER1" })));
    await expect.poll(() => s.app.deps.repos.members.get(communityId, luc)).toMatchObject({ role: "member", displayName: "Luc Member" });
    const left = { type: "member_left_channel", user: FAKE_IDS.member, channel: "C0ROSTER1", channel_type: "C", team: HOME, event_ts: `${Date.now() / 1000}` };
    await s.send(eventCallback(left));
    await expect.poll(() => s.app.deps.repos.members.get(communityId, luc)).toBeUndefined();
    // Nobody is told: a join or leave is not a reason to post.
    expect(s.fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("recognises a Slack Connect guest under their own team, in the host's channel", async () => {
    const spaceKey = `slack:${HOME}:${FAKE_IDS.shared}`;
    await seedCommunity(spaceKey, "Partners CoP", `slack:${HOME}:${FAKE_IDS.facilitator}`);
    await s.send(slackConnectMention(`<@${FAKE_IDS.botUserId}> charter`));
    await expect.poll(() => s.fake.ephemerals().length).toBe(1);
    const reply = s.fake.ephemerals()[0]!;
    expect(reply.args).toMatchObject({ channel: FAKE_IDS.shared, user: FAKE_IDS.guest });
    expect(blocksText(reply.args.blocks)).toContain("Partners CoP");
    const guestKey = `slack:${FAKE_IDS.partnerTeamId}:${FAKE_IDS.guest}`;
    await expect.poll(() => s.app.deps.repos.conversationRefs.get(guestKey)).toMatchObject({ reference: { userId: FAKE_IDS.guest, teamId: HOME } });

    // A facilitator gives the guest a role by mention: the member is stored under the guest's own team.
    await s.send(slashCommand({ text: `assign co-facilitator <@${FAKE_IDS.guest}|sofia>`, channel_id: FAKE_IDS.shared, channel_name: "cop-partners" }));
    await expect.poll(() => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === FAKE_IDS.shared).length).toBe(1);
    const community = await s.app.deps.repos.spaces.find(spaceKey);
    expect(await s.app.deps.repos.members.get(community!.communityId, guestKey)).toMatchObject({ role: "co-facilitator", displayName: "Sofia Partner" });
  });

  it("stops messaging the workspace when the app is uninstalled", async () => {
    const spaceRef = `slack:${HOME}:${FAKE_IDS.general}`;
    await s.send(slashCommand({ text: "help" }));
    // Both refs the command left are stored before the uninstall arrives, so none is written after it.
    await expect.poll(() => s.app.deps.repos.conversationRefs.get(spaceRef)).toMatchObject({ unreachable: false });
    await expect.poll(() => s.app.deps.repos.conversationRefs.get(`slack:${HOME}:${FAKE_IDS.facilitator}`)).toMatchObject({ unreachable: false });
    await s.send(eventCallback(events.appUninstalled()));
    await expect.poll(() => s.app.deps.repos.conversationRefs.get(spaceRef)).toMatchObject({ unreachable: true });
    // Refs are marked one after another (the space's key sorts first): the person's may follow a moment later.
    await expect.poll(() => s.app.deps.repos.conversationRefs.get(`slack:${HOME}:${FAKE_IDS.facilitator}`)).toMatchObject({ unreachable: true });
  });
});
