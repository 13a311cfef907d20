import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { FILE_LIMIT_BYTES } from "../../src/core/kernel/files.js";
import { file, outcome } from "../../src/core/kernel/outcome.js";
import { command, type Workflow } from "../../src/core/kernel/workflow.js";
import { WORKFLOWS } from "../../src/core/workflows/index.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { slashCommand } from "../support/slackRequests.js";
import { ADELE, GENERAL, MEGAN, cardOf, cardText, fileConsentAnswer, message, post, type TeamsUser } from "../support/teamsActivities.js";
import { consentOf, uploadInfo } from "../support/fakeOneDriveUpload.js";

/**
 * The private file effect through both real adapters: a throwaway workflow's command answers with a CSV,
 * which lands in the asker's Slack DM through the three-step external upload, and in Teams is offered in
 * the person's 1:1 chat (file consent), uploaded on accept.
 */
const CSV = 'name,answer\r\n"Ana, F.",=1+1 "quoted"\r\nLuc,ça va\r\n';
const csvCommand = (verb: string, words: string[], bytes: () => Buffer | string) =>
  command({
    verb,
    permission: "anyone",
    where: "anywhere",
    input: z.object({}).passthrough(),
    text: { words },
    handle: async () => outcome(file({ name: "answers.csv", mime: "text/csv; charset=utf-8", bytes: bytes(), title: "Survey answers" })),
  });
const throwaway: Workflow = {
  name: "throwaway",
  commands: [csvCommand("throwaway.csv", ["csvfile"], () => CSV), csvCommand("throwaway.hugecsv", ["hugecsv"], () => Buffer.alloc(FILE_LIMIT_BYTES + 1, 0x41))],
  presenters: [],
};

let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => {
  connector = await startFakeBotConnector();
  s = await startSlackApp({ options: { workflows: [...WORKFLOWS, throwaway] } });
});
afterAll(async () => {
  await s?.stop();
  await connector?.stop();
});

describe("a file in Slack", () => {
  it("lands in the asker's DM with the exact bytes, through getUploadURLExternal, the upload URL and completeUploadExternal", async () => {
    expect((await s.send(slashCommand({ text: "csvfile" }))).status).toBe(200);
    await expect.poll(() => [...s.fake.files.values()].find((f) => f.completed)).toBeTruthy();
    const sent = [...s.fake.files.values()].find((f) => f.completed)!;
    expect(sent.bytes!.equals(Buffer.from(CSV, "utf8"))).toBe(true);
    expect(sent.filename).toBe("answers.csv");
    expect(sent.completed).toMatchObject({ title: "Survey answers", userOfDm: FAKE_IDS.facilitator });
    expect(sent.completed!.initialComment).toContain("Here is *Survey answers*");
    expect(s.fake.calls.map((c) => c.method).filter((m) => m.startsWith("files.") || m === "upload")).toEqual(["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]);
    // Asked in a channel: only the asker is told, there, where it went.
    await expect.poll(() => s.fake.ephemerals().some((c) => blocksText(c.args.blocks).includes("in our direct messages"))).toBe(true);
    expect(s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === FAKE_IDS.general)).toEqual([]);
  });

  it("tells the asker privately when the installation may not upload files yet (no files:write)", async () => {
    const grant = s.fake.state.tokens.get(s.fake.botToken)!;
    const granted = grant.scopes;
    grant.scopes = granted.filter((scope) => scope !== "files:write");
    try {
      expect((await s.send(slashCommand({ text: "csvfile" }))).status).toBe(200);
      await expect.poll(() => s.fake.ephemerals().some((c) => blocksText(c.args.blocks).includes("it needs the files:write permission"))).toBe(true);
    } finally {
      grant.scopes = granted;
    }
  });

  it("refuses a file over the limit privately, uploading nothing", async () => {
    const before = s.fake.files.size;
    expect((await s.send(slashCommand({ text: "hugecsv" }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().some((c) => blocksText(c.args.blocks).includes("more than the 5.0 MB I can send"))).toBe(true);
    expect(s.fake.files.size).toBe(before);
  });
});

const personalChat = (user: TeamsUser) => `a:1personal-${user.aadObjectId}`;
type Sent = ReturnType<FakeBotConnector["activitiesTo"]>[number];
const textsIn = (conversationId: string) => connector.activitiesTo(conversationId).map((a) => a.text ?? "");

/** Megan asks for the CSV in her 1:1 chat; the consent card offering it. */
async function offeredInPersonalChat() {
  const before = connector.activitiesTo(personalChat(MEGAN)).length;
  expect((await post(s.app.url, message(connector.serviceUrl, "csvfile", { user: MEGAN }))).status).toBe(200);
  const offer = consentOf(connector.activitiesTo(personalChat(MEGAN)).slice(before).find((a) => consentOf(a)));
  expect(offer).toBeTruthy();
  return offer!;
}

describe("a file in Teams", () => {
  it("is offered in the 1:1 chat; Allow uploads the exact bytes and shows the file card", async () => {
    const offer = await offeredInPersonalChat();
    expect(offer.name).toBe("answers.csv");
    expect(offer.content.sizeInBytes).toBe(Buffer.byteLength(CSV));
    expect(offer.content.description).toContain("Here is Survey answers");

    const session = connector.uploadSession("answers.csv");
    const answered = await post(s.app.url, fileConsentAnswer(connector.serviceUrl, "accept", offer.content.acceptContext, uploadInfo(session), { user: MEGAN }));
    expect(answered.status).toBe(200);
    expect(session.bytes?.equals(Buffer.from(CSV, "utf8"))).toBe(true);
    expect(session.puts).toEqual([{ contentRange: `bytes 0-${Buffer.byteLength(CSV) - 1}/${Buffer.byteLength(CSV)}`, contentLength: String(Buffer.byteLength(CSV)), bytes: Buffer.byteLength(CSV), status: 201 }]);
    const info = connector.activitiesTo(personalChat(MEGAN)).at(-1)!;
    expect(info.attachments?.[0]).toMatchObject({ contentType: "application/vnd.microsoft.teams.card.file.info", contentUrl: session.contentUrl, name: "answers.csv", content: { uniqueId: session.uniqueId, fileType: "csv" } });
    expect(info.text).toContain("is in your OneDrive");

    // Handled: a second Allow on the same card finds nothing to upload.
    const again = connector.uploadSession("answers.csv");
    expect((await post(s.app.url, fileConsentAnswer(connector.serviceUrl, "accept", offer.content.acceptContext, uploadInfo(again), { user: MEGAN }))).status).toBe(200);
    expect(again.puts).toEqual([]);
    expect(textsIn(personalChat(MEGAN)).at(-1)).toContain("no longer available");
  });

  it("asked in a channel, goes to the asker's 1:1 chat only, with a pointer in the channel", async () => {
    const before = connector.calls.length;
    expect((await post(s.app.url, message(connector.serviceUrl, "csvfile", { place: "channel", threadId: "7", user: MEGAN }))).status).toBe(200);
    const calls = connector.calls.slice(before);
    const offered = calls.filter((c) => consentOf(c.activity as Sent));
    expect(offered).toHaveLength(1);
    expect(offered[0]!.conversationId).not.toContain(GENERAL.id);
    const inChannel = calls.filter((c) => c.conversationId?.startsWith(GENERAL.id)).map((c) => JSON.stringify(c.activity));
    expect(inChannel.join("\n")).toContain("I answered you in our private chat");
    expect(inChannel.join("\n")).not.toContain("file.consent");
  });

  it("refuses an Allow from someone else, or with a forged context, uploading nothing", async () => {
    const offer = await offeredInPersonalChat();
    const adeles = connector.uploadSession("answers.csv");
    expect((await post(s.app.url, fileConsentAnswer(connector.serviceUrl, "accept", offer.content.acceptContext, uploadInfo(adeles), { user: ADELE }))).status).toBe(200);
    expect(adeles.puts).toEqual([]);
    expect(textsIn(personalChat(ADELE)).at(-1)).toContain("offered to someone else");

    for (const forged of [{ fileId: "AAAAAAAAAAAAAAAAAAAAAAAA" }, { fileId: "../../etc" }, "nothing"]) {
      const session = connector.uploadSession("answers.csv");
      expect((await post(s.app.url, fileConsentAnswer(connector.serviceUrl, "accept", forged, uploadInfo(session), { user: MEGAN }))).status).toBe(200);
      expect(session.puts).toEqual([]);
      expect(textsIn(personalChat(MEGAN)).at(-1)).toContain("no longer available");
    }

    // Megan's own offer is still hers to take.
    const hers = connector.uploadSession("answers.csv");
    await post(s.app.url, fileConsentAnswer(connector.serviceUrl, "accept", offer.content.acceptContext, uploadInfo(hers), { user: MEGAN }));
    expect(hers.bytes?.equals(Buffer.from(CSV, "utf8"))).toBe(true);
  });

  it("declined, keeps nothing and says so", async () => {
    const offer = await offeredInPersonalChat();
    expect((await post(s.app.url, fileConsentAnswer(connector.serviceUrl, "decline", offer.content.declineContext, undefined, { user: MEGAN }))).status).toBe(200);
    expect(textsIn(personalChat(MEGAN)).at(-1)).toContain("You declined **answers.csv**");
    const late = connector.uploadSession("answers.csv");
    await post(s.app.url, fileConsentAnswer(connector.serviceUrl, "accept", offer.content.acceptContext, uploadInfo(late), { user: MEGAN }));
    expect(late.puts).toEqual([]);
    expect(textsIn(personalChat(MEGAN)).at(-1)).toContain("no longer available");
  });

  it("refuses a file over the limit with a private note, offering nothing", async () => {
    const before = connector.activitiesTo(personalChat(MEGAN)).length;
    expect((await post(s.app.url, message(connector.serviceUrl, "hugecsv", { user: MEGAN }))).status).toBe(200);
    const sent = connector.activitiesTo(personalChat(MEGAN)).slice(before);
    expect(sent.some((a) => consentOf(a))).toBe(false);
    expect(sent.map((a) => cardText(cardOf(a).body)).join("\n")).toContain("more than the 5.0 MB I can send");
  });
});

describe("all the while", () => {
  it("logged no error", () => {
    expect(s.app.logs.filter((l) => Number(l.level) >= 50).map((l) => l.msg)).toEqual([]);
  });
});
