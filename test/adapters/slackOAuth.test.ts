import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { startTestApp } from "../support/app.js";
import { startSlackApp, STATE_SECRET, type SlackTestApp } from "../support/slackApp.js";
import { enterpriseGridMention, eventCallback, events, slashCommand, TEST_SIGNING_SECRET } from "../support/slackRequests.js";

let s: SlackTestApp;
beforeAll(async () => {
  s = await startSlackApp({ oauth: true, fake: { enterpriseId: FAKE_IDS.enterpriseId } });
});
afterAll(async () => {
  await s?.stop();
});
beforeEach(() => s.fake.reset());

/** The install page: it sets the state cookie and links to Slack's consent screen with that state. */
async function startInstall(): Promise<{ state: string; cookie: string; setCookie: string }> {
  const start = await fetch(new URL("/slack/install", s.app.url), { redirect: "manual" });
  expect(start.status).toBe(200);
  const page = await start.text();
  const authorize = new URL(/href="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, "&"));
  expect(authorize.searchParams.get("scope")).toContain("chat:write");
  const setCookie = start.headers.get("set-cookie")!;
  return { state: authorize.searchParams.get("state")!, cookie: setCookie.split(";")[0]!, setCookie };
}

/** Slack sending the person back with a code and the state, from the browser that holds the cookie. */
async function finishInstall(code: string, state: string, cookie: string): Promise<{ status: number; page: string }> {
  const back = await fetch(new URL(`/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, s.app.url), { headers: { cookie } });
  return { status: back.status, page: await back.text() };
}

/** The browser's round trip: the install page sets the state cookie, Slack sends the person back with a code. */
async function install(code: string): Promise<{ status: number; token: string; page: string; state: string }> {
  const { state, cookie } = await startInstall();
  const { status, page } = await finishInstall(code, state, cookie);
  const exchange = s.fake.callsTo("oauth.v2.access").at(-1);
  return { status, token: String(exchange?.response.access_token ?? ""), page, state };
}

/** The distinct tokens of the Web API calls since the `from`-th call (response_urls take none). */
const webApiTokensSince = (from: number) => [...new Set(s.fake.calls.slice(from).filter((c) => c.method !== "response_url").map((c) => c.token))];

describe("Slack installs across workspaces (OAuth)", () => {
  it("serves the install page and refuses a redirect without the state cookie", async () => {
    const res = await fetch(new URL(`/slack/oauth_redirect?code=${s.fake.grantOAuthCode()}&state=forged`, s.app.url));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("The installation did not complete");
    expect(s.fake.callsTo("oauth.v2.access")).toHaveLength(0);
  });

  it("installs org-wide on Enterprise Grid and answers the org's events with the org token", async () => {
    const { status, token, page } = await install(s.fake.grantOAuthCode({ enterprise: true }));
    expect(status).toBe(200);
    expect(page).toContain("CoP Companion is installed");
    expect(token).toMatch(/^xoxb-/);

    const res = await s.send(enterpriseGridMention(`<@${FAKE_IDS.botUserId}> help`));
    expect(res.status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().length).toBe(1);
    const reply = s.fake.ephemerals()[0]!;
    expect(reply).toMatchObject({ ok: true, token, args: { user: FAKE_IDS.facilitator } });
    const ref = await s.app.deps.repos.conversationRefs.get(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.facilitator}`);
    expect(ref).toMatchObject({ reference: { enterpriseId: FAKE_IDS.enterpriseId, isEnterpriseInstall: true } });

    const command = await s.send(slashCommand({ text: "help", enterprise_id: FAKE_IDS.enterpriseId, is_enterprise_install: true }));
    expect(command.status).toBe(200);
    // Answered (the org's installation authorised it) at the command's response_url, which takes no token.
    await expect.poll(() => s.fake.ephemerals().length).toBe(2);
    expect(s.fake.ephemerals()[1]).toMatchObject({ method: "response_url", ok: true, args: { user: FAKE_IDS.facilitator } });
  });

  it("answers nothing for a workspace that never installed the app", async () => {
    const res = await s.send(eventCallback(events.appMention({}), { team_id: "T09NOTHERE" }));
    expect(res.status).toBe(200);
    await expect.poll(() => s.app.logs.some((l) => String(l.msg).includes("Authorization of incoming event did not succeed"))).toBe(true);
    expect(s.fake.calls.filter((c) => c.method.startsWith("chat."))).toHaveLength(0);
  });

  it("forgets the org install and stops messaging it when the app is uninstalled", async () => {
    const userRef = `slack:${FAKE_IDS.teamId}:${FAKE_IDS.facilitator}`;
    expect(await s.app.deps.repos.conversationRefs.get(userRef)).toMatchObject({ unreachable: false });
    await s.send(eventCallback(events.appUninstalled(), { enterprise_id: FAKE_IDS.enterpriseId, is_enterprise_install: true }));
    await expect.poll(() => s.app.deps.repos.conversationRefs.get(userRef)).toMatchObject({ unreachable: true });

    s.fake.reset();
    await s.send(enterpriseGridMention(`<@${FAKE_IDS.botUserId}> help`));
    await expect.poll(() => s.app.logs.filter((l) => String(l.msg).includes("Authorization of incoming event did not succeed")).length).toBeGreaterThanOrEqual(2);
    expect(s.fake.calls.filter((c) => c.method.startsWith("chat."))).toHaveLength(0);
  });

  it("installs in a single workspace and uses that workspace's token", async () => {
    const { status, token } = await install(s.fake.grantOAuthCode({ teamId: FAKE_IDS.partnerTeamId, userId: FAKE_IDS.guest }));
    expect(status).toBe(200);
    s.fake.setChannel({ id: "C02PARTNER", name: "partner-cop", members: [FAKE_IDS.botUserId, FAKE_IDS.guest] });
    const asked = s.fake.calls.length;
    await s.send(slashCommand({ text: "help", team_id: FAKE_IDS.partnerTeamId, user_id: FAKE_IDS.guest, channel_id: "C02PARTNER" }));
    await expect.poll(() => s.fake.ephemerals().length).toBe(1);
    expect(s.fake.ephemerals()[0]).toMatchObject({ method: "response_url", ok: true, args: { user: FAKE_IDS.guest, channel: "C02PARTNER" } });
    // What the app asked Slack for the command (who the person is) used this workspace's token.
    expect(webApiTokensSince(asked)).toEqual([token]);
  });

  it("sets the state cookie HttpOnly and SameSite=Lax", async () => {
    const { state, setCookie } = await startInstall();
    expect(setCookie.startsWith(`slack-app-oauth-state=${state};`)).toBe(true);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
  });

  it("takes each OAuth state once: a replayed redirect is refused, even with a fresh code", async () => {
    const { state, cookie } = await startInstall();
    const first = await finishInstall(s.fake.grantOAuthCode({ teamId: FAKE_IDS.partnerTeamId, userId: FAKE_IDS.guest }), state, cookie);
    expect(first.status).toBe(200);
    expect(s.fake.callsTo("oauth.v2.access")).toHaveLength(1);

    const replay = await finishInstall(s.fake.grantOAuthCode({ teamId: FAKE_IDS.partnerTeamId, userId: FAKE_IDS.guest }), state, cookie);
    expect(replay.status).toBe(400);
    expect(replay.page).toContain("The installation did not complete");
    expect(s.fake.callsTo("oauth.v2.access")).toHaveLength(1);
    expect(s.app.logs).toContainEqual(expect.objectContaining({ msg: "slack installation failed", code: "slack_oauth_invalid_state" }));
  });

  it("keeps the OAuth secrets, codes, state, tokens and people's profiles out of the debug log", async () => {
    const profile = { real_name: "Nadia Newcomer", display_name: "nadia", email: "nadia@partner.example", team: FAKE_IDS.partnerTeamId, image_48: "https://avatars.example/nadia.png" };
    const person = s.fake.setUser({ id: "U03NADIA", team_id: FAKE_IDS.partnerTeamId, real_name: profile.real_name, profile });
    const code = s.fake.grantOAuthCode({ teamId: FAKE_IDS.partnerTeamId, userId: person.id });
    const { status, token, state } = await install(code);
    expect(status).toBe(200);
    s.fake.setChannel({ id: "C03PARTNER", name: "partner-cop-2", members: [FAKE_IDS.botUserId, person.id] });
    await s.send(slashCommand({ text: "help", team_id: FAKE_IDS.partnerTeamId, user_id: person.id, channel_id: "C03PARTNER" }));
    await expect.poll(() => s.fake.ephemerals().length).toBe(1);
    await expect.poll(() => s.fake.callsTo("users.info").length).toBeGreaterThan(0);

    const logged = JSON.stringify(s.app.logs);
    // The debug log did see the flow (so the test would notice a leak) ...
    expect(s.app.logs.some((l) => l.level === 20 && String(l.msg).includes("oauth.v2.access"))).toBe(true);
    // ... but none of what it carried.
    for (const secret of [s.fake.state.clientSecret, STATE_SECRET, TEST_SIGNING_SECRET, code, state, token, "Nadia Newcomer", "nadia@partner.example"]) {
      expect(logged, secret).not.toContain(secret);
    }
    expect(logged).not.toMatch(/xox[a-z]-[A-Za-z0-9]/);
  });

  it("lists the install and redirect endpoints in the start-up log", () => {
    const lines = s.app.describe().join("\n");
    expect(lines).toContain(`GET ${s.app.url}/slack/install`);
    expect(lines).toContain(`GET ${s.app.url}/slack/oauth_redirect`);
  });
});

describe("without Slack settings", () => {
  it("mounts no Slack route and says at start-up which variables turn Slack on", async () => {
    const app = await startTestApp();
    try {
      const lines = app.describe().join("\n");
      expect(lines).toContain("Slack: off");
      for (const name of ["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"]) expect(lines).toContain(name);
      const res = await fetch(new URL("/slack/events", app.url), { method: "POST", body: "{}" });
      expect(res.status).toBe(404);
    } finally {
      await app.stop();
    }
  });
});
