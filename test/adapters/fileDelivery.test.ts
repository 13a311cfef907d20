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
    await expect.poll(() => s.fake.callsTo("chat.postEphemeral").some((c) => blocksText(c.args.blocks).includes("in our direct messages"))).toBe(true);
    expect(s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === FAKE_IDS.general)).toEqual([]);
  });

  it("refuses a file over the limit privately, uploading nothing", async () => {
    const before = s.fake.files.size;
    expect((await s.send(slashCommand({ text: "hugecsv" }))).status).toBe(200);
    await expect.poll(() => s.fake.callsTo("chat.postEphemeral").some((c) => blocksText(c.args.blocks).includes("more than the 5.0 MB I can send"))).toBe(true);
    expect(s.fake.files.size).toBe(before);
  });
});
