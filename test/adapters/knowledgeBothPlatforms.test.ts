import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";

import { blocksText, type SlackTestApp } from "../support/slackApp.js";
import { messageShortcut, slashCommand } from "../support/slackRequests.js";
import { ADELE, MEGAN, cardOf, cardText, message, messageActionInvoke, post, type SentMessage } from "../support/teamsActivities.js";
import { linkTeamsAndSlack, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

/**
 * The library through both adapters, which know nothing of it: shared from Teams, found from Slack in a
 * community linked across both; a Slack message saved from its menu with a link back to it.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

const SOON = { timeout: 10_000 };
let linked: Promise<string> | undefined;
const linkedCommunity = () => (linked ??= linkTeamsAndSlack(s, connector));
const textOf = (a: SentMessage | undefined) => (a?.attachments?.length ? cardText(cardOf(a).body) : "");
/** What reached Megan's 1:1 chat with the app (opened by the app for private answers), as text. */
const meganChat = () => {
  const chat = connector.calls.find((c) => c.kind === "createConversation" && c.status === 201 && JSON.stringify(c.body).includes(MEGAN.id))?.conversationId;
  return chat ? connector.activitiesTo(chat).map(textOf).join("\n") : "";
};
/** What Slack showed privately (ephemeral messages), as text. */
const ephemerals = () => s.fake.ephemerals().map((c) => `${blocksText(c.args.blocks)} ${String(c.args.text)}`);
const postedInGeneral = () => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === FAKE_IDS.general).map((c) => blocksText(c.args.blocks));

describe("the library in a community linked across Teams and Slack", () => {
  it("takes a link shared in Teams and finds it by tag from Slack", async () => {
    await linkedCommunity();
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, "share https://example.org/fair-guide FAIR data guide #FAIR #metadata", where))).status).toBe(200);
    // Megan is told privately (her 1:1 chat); the note reaches the Slack channel.
    await expect.poll(() => meganChat(), SOON).toMatch(/Added \*\*FAIR data guide\*\* to the library of .* as [A-Z0-9]+\./);
    await expect.poll(() => postedInGeneral().join("\n"), SOON).toContain("Megan Bowen shared <https://example.org/fair-guide|FAIR data guide> in the library.");

    expect((await s.send(slashCommand({ text: "resources #fair", user_id: FAKE_IDS.member, user_name: "luc" }))).status).toBe(200);
    await expect.poll(() => ephemerals().join("\n"), SOON).toMatch(/<https:\/\/example\.org\/fair-guide\|FAIR data guide> #fair #metadata\n`[A-Z0-9]+` · shared by Megan Bowen/);
    // A link Slack formatted as a link (`<https://…>`) is shared as typed; the same link again is refused.
    expect((await s.send(slashCommand({ text: "share <https://example.org/fair-guide> Again", user_id: FAKE_IDS.member, user_name: "luc" }))).status).toBe(200);
    await expect.poll(() => ephemerals().join("\n"), SOON).toMatch(/That link is already in the library as \*FAIR data guide\* \(id `[A-Z0-9]+`\), shared by Megan Bowen on /);
  }, 30_000);

  it("saves a Slack message from its menu with its permalink, and Teams finds it", async () => {
    const communityId = await linkedCommunity();
    const ts = "1700000000.000900";
    const text = "How to cite a dataset: use its DOI and the version you used. See <https://datacite.org/cite|DataCite> #citation";
    s.fake.state.messages.set(`${FAKE_IDS.general}:${ts}`, { channel: FAKE_IDS.general, ts, text, user: FAKE_IDS.facilitator });
    const saved = await s.send(messageShortcut({ callback_id: "knowledge.saveMessage", message: { ts, text, user: FAKE_IDS.facilitator } }));
    expect(saved.status).toBe(200);
    const permalink = `https://health-cop.slack.com/archives/${FAKE_IDS.general}/p1700000000000900`;
    await expect.poll(() => ephemerals().join("\n"), SOON).toMatch(/Saved the message as \*How to cite a dataset: use its DOI .*…\* in the library of \*Data Stewards CoP\* \(id [A-Z0-9]+\)\. Find it with `\/cop resources #citation`/);
    await expect.poll(() => postedInGeneral().join("\n"), SOON).toMatch(new RegExp(`saved <${permalink.replace(/\./g, "\\.")}\\|a message by [^>]+> in the library`));
    const [resource] = await s.app.deps.repos.resources.all(communityId).then((all) => all.filter((r) => r.source === "message"));
    expect(resource).toMatchObject({ url: permalink, tags: ["citation"], note: expect.stringContaining("See DataCite (https://datacite.org/cite) #citation") });

    // Run again on the same message: it is in the library once.
    await s.send(messageShortcut({ callback_id: "knowledge.saveMessage", message: { ts, text, user: FAKE_IDS.facilitator } }));
    await expect.poll(() => ephemerals().join("\n"), SOON).toMatch(/That message is already in the library/);
    expect((await s.app.deps.repos.resources.all(communityId)).filter((r) => r.source === "message")).toHaveLength(1);

    const where = { place: "channel" as const, threadId: "3", user: MEGAN };
    expect((await post(s.app.url, message(connector.serviceUrl, "resources doi", where))).status).toBe(200);
    await expect.poll(() => meganChat(), SOON).toMatch(/How to cite a dataset.*#citation/);
  }, 30_000);

  it("saves a Teams message from its menu with its link, answering in the action's dialog", async () => {
    const communityId = await linkedCommunity();
    const link = "https://teams.microsoft.com/l/message/19:general-data-stewards@thread.tacv2/1700000000123?tenantId=t&groupId=g&parentMessageId=1700000000123";
    const payload = {
      body: { contentType: "html", content: "<p>Checklist for <b>sensitive data</b>:</p><p>ask the DPO first. <a href=\"https://example.org/dpo\">DPO guide</a> #privacy</p>" },
      from: { user: { id: ADELE.aadObjectId, displayName: ADELE.name, userIdentityType: "aadUser" } },
      linkToMessage: link,
    };
    const where = { place: "channel" as const, threadId: "4", user: MEGAN };
    const answered = await post(s.app.url, messageActionInvoke(connector.serviceUrl, "knowledge.saveMessage", payload, where));
    expect(answered.status).toBe(200);
    // The private answer is the dialog Teams shows Megan, as a card.
    const task = (answered.body as { task?: { type?: string; value?: { card?: { content?: { body?: unknown } } } } }).task;
    expect(task?.type).toBe("continue");
    expect(cardText(task?.value?.card?.content?.body)).toMatch(/Saved the message as \*\*Checklist for sensitive data:\*\* in the library of .*#privacy/);
    const [resource] = (await s.app.deps.repos.resources.all(communityId)).filter((r) => r.url === link);
    expect(resource).toMatchObject({ source: "message", tags: ["privacy"], author: expect.stringMatching(/Adele|aad-0002/), note: expect.stringContaining("ask the DPO first. DPO guide [https://example.org/dpo] #privacy") });
    // The note reaches the linked Slack channel, linking back to the Teams message (Slack escapes its &).
    await expect.poll(() => postedInGeneral().join("\n"), SOON).toContain(`Megan Bowen saved <${link.replace(/&/g, "&amp;")}|a message by Adele Vance> in the library`);

    // Anything but a message action is not one: an unknown command id is answered 200 and changes nothing.
    const unknown = await post(s.app.url, messageActionInvoke(connector.serviceUrl, "knowledge.remove", { ...payload, linkToMessage: `${link}&x=1` }, where));
    expect(unknown.status).toBe(200);
    expect((await s.app.deps.repos.resources.all(communityId)).filter((r) => r.source === "message")).toHaveLength(2);
  }, 30_000);
});
