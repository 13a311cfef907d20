import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { FAST } from "../support/scheduling.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { slashCommand } from "../support/slackRequests.js";
import { ADELE, GENERAL, MEGAN, cardOf, cardText, message, post, shownNow, thread, type TeamsUser } from "../support/teamsActivities.js";
import { linkTeamsAndSlack } from "../support/linked.js";

/**
 * Kudos through both adapters, which know nothing of them: typed in Teams with an @mention, the celebration
 * reaches the linked Slack channel; typed in Slack with a <@mention>, it reaches the Teams channel. The person
 * thanked gets a direct message on their own platform.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => {
  // Teams resolves a mentioned person by looking them up in the conversation (their id is never trusted as who they are).
  connector = await startFakeBotConnector({ members: [ADELE, MEGAN] });
  s = await startSlackApp({ options: { scheduling: FAST } });
});
afterAll(async () => {
  await s?.stop();
  await connector?.stop();
});

/** A channel message that @mentions the app and one person, as Teams sends it. */
function mentioning(text: string, person: TeamsUser, options: Parameters<typeof message>[2]) {
  const sent = message(connector.serviceUrl, text.replace("@PERSON", `<at>${person.name}</at>`), options);
  return { ...sent, entities: [...sent.entities, { type: "mention", text: `<at>${person.name}</at>`, mentioned: { id: person.id, name: person.name } }] };
}

const slackPosts = (words: string) => () => s.fake.callsTo("chat.postMessage").filter((c) => c.ok && c.args.channel === FAKE_IDS.general && blocksText(c.args.blocks).includes(words));
const dmChannels = () => new Map(s.fake.callsTo("conversations.open").map((c) => [(c.response as { channel: { id: string } }).channel.id, String(c.args.users)]));

describe("kudos in a community linked across Teams and Slack", () => {
  it("typed in Teams with an @mention reaches the Slack channel, and the person thanked privately; typed in Slack, the Teams channel", async () => {
    await linkTeamsAndSlack(s, connector);
    const where = { place: "channel" as const, threadId: "3", user: MEGAN };
    // Adele takes part first (anyone who acts in the channel is on the roster).
    expect((await post(s.app.url, message(connector.serviceUrl, "kudos", { ...where, user: ADELE }))).status).toBe(200);

    expect((await post(s.app.url, mentioning("kudos @PERSON for the onboarding checklist", ADELE, where))).status).toBe(200);
    const inTeams = () => shownNow(connector.activitiesTo(thread("3"))).find((a) => a.attachments?.length && cardText(cardOf(a).body).includes("the onboarding checklist"));
    await expect.poll(inTeams).toBeTruthy();
    expect(cardText(cardOf(inTeams()).body)).toContain("Megan Bowen gives kudos to Adele Vance for: the onboarding checklist");
    await expect.poll(() => slackPosts("the onboarding checklist")().length, { timeout: 15_000 }).toBe(1);
    expect(blocksText(slackPosts("the onboarding checklist")()[0]!.args.blocks)).toContain("Megan Bowen (on Microsoft Teams) gives kudos to Adele Vance (on Microsoft Teams) for: the onboarding checklist");
    // Adele hears it in her own chat with the app.
    const toAdele = () =>
      connector.calls
        .filter((c) => c.kind === "createConversation" && c.status < 300 && JSON.stringify(c.body).includes(ADELE.id))
        .flatMap((c) => connector.activitiesTo(c.conversationId!))
        .filter((a) => a.attachments?.length && cardText(cardOf(a).body).includes("You got kudos"));
    await expect.poll(() => toAdele().length, { timeout: 15_000 }).toBe(1);
    expect(cardText(cardOf(toAdele()[0]).body)).toContain("Megan Bowen thanked you in");

    // Slack: Luc takes part, then the Slack facilitator thanks him with a <@mention>.
    expect((await s.send(slashCommand({ text: "kudos", user_id: FAKE_IDS.member, user_name: "luc" }))).status).toBe(200);
    // Slack has its ack before the command runs: Luc is on the roster once he has his answer.
    await expect.poll(() => s.fake.ephemerals().filter((c) => c.args.user === FAKE_IDS.member).length).toBe(1);
    expect((await s.send(slashCommand({ text: `kudos <@${FAKE_IDS.member}|luc> for the Slack tips` }))).status).toBe(200);
    await expect.poll(() => slackPosts("the Slack tips")().length, { timeout: 15_000 }).toBe(1);
    // Slack readers see a Slack person as a mention Slack shows by name.
    expect(blocksText(slackPosts("the Slack tips")()[0]!.args.blocks)).toContain(`<@${FAKE_IDS.facilitator}> gives kudos to <@${FAKE_IDS.member}> for: the Slack tips`);
    const inGeneral = () => shownNow(connector.activitiesTo(GENERAL.id)).find((a) => a.attachments?.length && cardText(cardOf(a).body).includes("the Slack tips"));
    await expect.poll(inGeneral, { timeout: 15_000 }).toBeTruthy();
    expect(cardText(cardOf(inGeneral()).body)).toMatch(/\(on Slack\) gives kudos to Luc Member \(on Slack\) for: the Slack tips/);
    const dm = () => s.fake.callsTo("chat.postMessage").filter((c) => c.ok && dmChannels().get(String(c.args.channel)) === FAKE_IDS.member && blocksText(c.args.blocks).includes("You got kudos"));
    await expect.poll(() => dm().length, { timeout: 15_000 }).toBe(1);

    // Each giver's first kudos is their first contribution: a milestone in the Slack channel too.
    await expect.poll(() => slackPosts("made their first contribution")().length, { timeout: 15_000 }).toBe(2);

    // A Slack user not in the community is refused privately, and nothing about it is posted.
    expect((await s.send(slashCommand({ text: `kudos <@${FAKE_IDS.guest}|sofia> for visiting` }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().some((c) => `${blocksText(c.args.blocks)} ${String(c.args.text)}`.includes("isn't in"))).toBe(true);
    expect(s.fake.callsTo("chat.postMessage").filter((c) => blocksText(c.args.blocks).includes("visiting"))).toEqual([]);
  }, 60_000);
});
