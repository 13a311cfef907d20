import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS, startFakeSlack, type FakeSlack } from "../support/fakeSlack.js";

/** The fakes hold the app to the platforms' documented upload rules, so a sloppy upload fails in tests too. */
let slack: FakeSlack | undefined;
let connector: FakeBotConnector | undefined;
afterEach(async () => {
  await slack?.stop();
  await connector?.stop();
  slack = connector = undefined;
});

const slackError = async (p: Promise<unknown>) => ((await p.then(() => undefined, (e: unknown) => e)) as { data?: { error?: string } } | undefined)?.data?.error;

describe("fake Slack external file upload", () => {
  it("takes the three steps of a real WebClient's filesUploadV2 and keeps the bytes where they were shared", async () => {
    slack = await startFakeSlack();
    const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl });
    const dm = (await client.conversations.open({ users: FAKE_IDS.member })).channel!.id!;
    await client.filesUploadV2({ channel_id: dm, file: Buffer.from("a,b\r\n"), filename: "x.csv", title: "X" });
    const [file] = [...slack.files.values()];
    expect(file).toMatchObject({ filename: "x.csv", length: 5, completed: { title: "X", channel: dm, userOfDm: FAKE_IDS.member } });
    expect(file!.bytes!.toString()).toBe("a,b\r\n");
  });

  it("refuses what Slack refuses: no length, the wrong number of bytes, a reused URL, completing what was not uploaded or twice, no files:write", async () => {
    slack = await startFakeSlack();
    const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    expect(await slackError(client.files.getUploadURLExternal({ filename: "x.csv", length: 0 }))).toBe("missing_argument");

    const { upload_url: url, file_id: id } = await client.files.getUploadURLExternal({ filename: "x.csv", length: 3 });
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: id! }] }))).toBe("file_not_found");
    expect((await fetch(url!, { method: "POST", body: "abcd" })).status).toBe(400);
    expect((await fetch(url!, { method: "POST", body: "abc" })).status).toBe(200);
    expect((await fetch(url!, { method: "POST", body: "abc" })).status).toBe(404);
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: id! }], channel_id: FAKE_IDS.noBot }))).toBe("channel_not_found");
    await client.files.completeUploadExternal({ files: [{ id: id! }], channel_id: FAKE_IDS.general });
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: id! }] }))).toBe("file_not_found");

    slack.state.tokens.get(slack.botToken)!.scopes = slack.state.scopes.filter((s) => s !== "files:write");
    expect(await slackError(client.files.getUploadURLExternal({ filename: "x.csv", length: 3 }))).toBe("missing_scope");
  });
});

describe("fake OneDrive upload session (file consent)", () => {
  it("completes on one PUT whose Content-Range and Content-Length cover the body exactly, and only once", async () => {
    connector = await startFakeBotConnector();
    const put = (url: string, body: string, range: string) => fetch(url, { method: "PUT", headers: { "content-range": range }, body });
    const session = connector.uploadSession("r.csv");
    expect((await put(session.uploadUrl, "hello", "bytes 0-3/5")).status).toBe(416);
    expect((await put(session.uploadUrl, "hello", "bytes 1-5/5")).status).toBe(416);
    expect((await put(session.uploadUrl, "hello", "bytes 0-4/5")).status).toBe(201);
    expect(session.bytes?.toString()).toBe("hello");
    expect((await put(session.uploadUrl, "hello", "bytes 0-4/5")).status).toBe(404);
    expect((await put(`${connector.serviceUrl}upload/UNKNOWN`, "hello", "bytes 0-4/5")).status).toBe(404);
  });
});
