import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { uniquePrefix } from "../support/storage.js";
import { GENERAL, MEGAN, TENANT, message, post } from "../support/teamsActivities.js";
import type { TeamsAdapterHandle } from "../../src/teams/index.js";
import { ReferenceRecorder } from "../../src/teams/references.js";
import type { Activity } from "botbuilder";
import type { Card } from "../../src/core/kernel/card.js";

let connector: FakeBotConnector;
const apps: TestApp[] = [];

beforeEach(async () => {
  connector = await startFakeBotConnector();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
  await connector.stop();
});

const megan = `teams:${TENANT}:${MEGAN.aadObjectId}`;
const personalSpace = `teams:${TENANT}:a:1personal-${MEGAN.aadObjectId}`;
const channel = `teams:${TENANT}:${GENERAL.id}`;
const notice: Card = { title: "", summary: "A note for Megan.", tone: "info", blocks: [{ type: "text", text: "A note for Megan.", style: "default", tone: "info" }] };
const messengerOf = (app: TestApp) => (app.adapters.find((a) => a.name === "teams") as TeamsAdapterHandle).bot.messenger;

async function start(tablePrefix: string): Promise<TestApp> {
  const app = await startTestApp({}, { tablePrefix });
  apps.push(app);
  return app;
}

describe("Teams conversation references stay current across app instances", () => {
  it("makes a person reachable again when they write after another instance marked them unreachable (403)", async () => {
    const prefix = uniquePrefix();
    const [a, b] = [await start(prefix), await start(prefix)];
    await post(a.url, message(connector.serviceUrl, "help"));

    // Megan blocks the app: instance B's delivery gets 403 and marks her unreachable.
    connector.fail({ status: 403, times: 1 });
    expect(await messengerOf(b).deliver({ kind: "person", personKey: megan }, notice)).toMatchObject({ status: "unreachable" });
    expect(await a.deps.repos.conversationRefs.get(megan)).toMatchObject({ unreachable: true });

    // She unblocks it and writes; instance A, which had seen her before, gets the message.
    await post(a.url, message(connector.serviceUrl, "help"));
    expect(await a.deps.repos.conversationRefs.get(megan)).toMatchObject({ unreachable: false });
    expect(await messengerOf(b).deliver({ kind: "person", personKey: megan }, notice)).toMatchObject({ status: "sent" });
  });

  it("marks a 1:1 chat unreachable under its space and its person alike, and both reachable again on the next message", async () => {
    const prefix = uniquePrefix();
    const [a, b] = [await start(prefix), await start(prefix)];
    const refs = a.deps.repos.conversationRefs;
    await post(a.url, message(connector.serviceUrl, "help"));

    // Megan blocks the app: instance B's post into her 1:1 chat (as a space) gets 403.
    connector.fail({ status: 403, times: 1 });
    expect(await messengerOf(b).deliver({ kind: "space", spaceKey: personalSpace }, notice)).toMatchObject({ status: "unreachable" });
    expect(await refs.get(personalSpace)).toMatchObject({ unreachable: true });
    expect(await refs.get(megan)).toMatchObject({ unreachable: true });
    expect(await messengerOf(b).deliver({ kind: "person", personKey: megan }, notice)).toMatchObject({ status: "unreachable" });

    // She unblocks it and writes to instance A: both ways of reaching her work again, from either instance.
    await post(a.url, message(connector.serviceUrl, "help"));
    expect(await messengerOf(b).deliver({ kind: "space", spaceKey: personalSpace }, notice)).toMatchObject({ status: "sent" });
    expect(await messengerOf(b).deliver({ kind: "person", personKey: megan }, notice)).toMatchObject({ status: "sent" });
  });

  it("keeps a 1:1 chat's two rows naming each other when an anonymous answer (the person not recorded) writes the space row again", async () => {
    const app = await start(uniquePrefix());
    const refs = app.deps.repos.conversationRefs;
    await post(app.url, message(connector.serviceUrl, "help"));
    await refs.markUnreachable(personalSpace);

    await new ReferenceRecorder(refs, app.deps.clock).recordTurn(message(connector.serviceUrl, "an answer") as unknown as Activity, false, { person: false });
    expect(await refs.get(personalSpace)).toMatchObject({ unreachable: false, twin: megan });
    // So a 403 in the chat still marks her as well, and her next message writes both back.
    connector.fail({ status: 403, times: 1 });
    expect(await messengerOf(app).deliver({ kind: "space", spaceKey: personalSpace }, notice)).toMatchObject({ status: "unreachable" });
    expect(await refs.get(megan)).toMatchObject({ unreachable: true });
  });

  it("rewrites space and person refs marked unreachable elsewhere on the next message, in a chat and in a channel", async () => {
    const app = await start(uniquePrefix());
    const refs = app.deps.repos.conversationRefs;
    await post(app.url, message(connector.serviceUrl, "help"));
    await post(app.url, message(connector.serviceUrl, "help", { place: "channel" }));
    for (const key of [megan, personalSpace, channel]) await refs.markUnreachable(key);

    await post(app.url, message(connector.serviceUrl, "help", { place: "channel" }));
    expect(await refs.get(channel)).toMatchObject({ unreachable: false });
    // In a channel the person's ref says where to find them, so a 1:1 chat is opened again for the private answer.
    const reopened = connector.calls.find((c) => c.kind === "createConversation" && c.status === 201)?.conversationId;
    expect(reopened).toBeDefined();
    expect(await refs.get(megan)).toMatchObject({ unreachable: false, reference: { conversation: { id: reopened, conversationType: "personal" } } });
    expect(connector.activitiesTo(reopened!).map((a) => a.summary)).toEqual([expect.stringContaining("What CoP Companion can do here")]);

    await post(app.url, message(connector.serviceUrl, "help"));
    expect(await refs.get(personalSpace)).toMatchObject({ unreachable: false });
    expect(await refs.get(megan)).toMatchObject({ unreachable: false, reference: { conversation: { id: `a:1personal-${MEGAN.aadObjectId}` } } });
  });

  it("does not rewrite a ref that is stored unchanged", async () => {
    const app = await start(uniquePrefix());
    await post(app.url, message(connector.serviceUrl, "help"));
    const before = await app.deps.repos.conversationRefs.get(personalSpace);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await post(app.url, message(connector.serviceUrl, "help"));
    expect((await app.deps.repos.conversationRefs.get(personalSpace))?.updatedAt).toBe(before?.updatedAt);
  });
});
