/**
 * Storage failing while someone fills in a modal or sends a command: what they typed must survive, and they
 * are told. The app's table endpoint goes through a loopback proxy the test controls: connections reset (an
 * outage), every table but the replay guard's refused (storage failing after the request was let in), or the
 * replay guard's writes held (storage slow to record a signature).
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { blocksText, startSlackApp, type SlackTestApp } from "../support/slackApp.js";
import { newTriggerId, slashCommand, viewSubmission } from "../support/slackRequests.js";
import { testConnectionString } from "../support/storage.js";

type ProxyMode = "up" | "down" | "refuseData" | "holdSignatures" | "slowSignatures";

/** How long storage takes to record a signature in `slowSignatures`: longer than Slack waits for an ack. */
const SLOW_SIGNATURE_MS = 3_500;

/** A request's path as a person would read it: the client encodes a key's value, then the path again. */
function readable(path: string): string {
  let text = path;
  for (let times = 0; times < 2; times++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      break;
    }
  }
  return text;
}

/**
 * An HTTP proxy in front of the table endpoint; `mode` says what storage does now. It notes every request
 * (`seen`: method and path); `holdSignatures` keeps the replay guard's writes unanswered until `release`;
 * `slowSignatures` passes them on after `SLOW_SIGNATURE_MS`.
 */
async function storageProxy(target: URL): Promise<{ url: string; mode: ProxyMode; seen: string[]; held: number; release(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  const proxy = {
    url: "",
    mode: "up" as ProxyMode,
    seen: [] as string[],
    get held() {
      return held.length;
    },
    release: () => held.splice(0).forEach((forward) => forward()),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    proxy.seen.push(`${req.method} ${readable(req.url ?? "")}`);
    if (proxy.mode === "holdSignatures" && (req.url ?? "").includes("SlackSignedRequests")) return void held.push(() => forward(req, res));
    if (proxy.mode === "slowSignatures" && (req.url ?? "").includes("SlackSignedRequests")) return void setTimeout(() => forward(req, res), SLOW_SIGNATURE_MS);
    forward(req, res);
  });
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    if (proxy.mode === "down") return void req.socket.destroy();
    if (proxy.mode === "refuseData" && !(req.url ?? "").includes("SlackSignedRequests")) {
      // What Azure Storage answers a request it will not serve (a rotated key, a revoked SAS): not retried.
      res.writeHead(403, { "content-type": "application/json;odata=minimalmetadata" });
      return void res.end(JSON.stringify({ "odata.error": { code: "AuthorizationFailure", message: { lang: "en-US", value: "This request is not authorized to perform this operation." } } }));
    }
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname}`;
  proxy.close = () => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
  return proxy;
}

let s: SlackTestApp;
let proxy: Awaited<ReturnType<typeof storageProxy>>;
beforeAll(async () => {
  const real = testConnectionString();
  const tables = new URL(/TableEndpoint=([^;]+)/.exec(real)![1]!);
  proxy = await storageProxy(tables);
  s = await startSlackApp({ env: { AZURE_STORAGE_CONNECTION_STRING: real.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${proxy.url}`) } });
});
afterAll(async () => {
  await s?.stop();
  await proxy?.close();
});
afterEach(() => {
  proxy.mode = "up";
  s.fake.reset();
});

const TYPED = { name: "Outage CoP", domain: "resilience", audience: "on-call stewards", goals: "Keep what was typed\nSay what happened" };

function formState() {
  const text = (value: string) => ({ value: { type: "plain_text_input", value } });
  return {
    values: {
      name: text(TYPED.name), domain: text(TYPED.domain), audience: text(TYPED.audience), goals: text(TYPED.goals),
      purposes: { value: { type: "checkboxes", selected_options: [{ value: "learning", text: { type: "plain_text", text: "learning" } }] } },
    },
  };
}

type Modal = { callback_id: string; private_metadata: string; title: unknown; submit: unknown; close: unknown; blocks: Array<{ block_id?: string; element?: { initial_value?: string; initial_options?: Array<{ value: string }> } }> };

async function openSetup(channel: string): Promise<{ modal: Modal; submission: () => ReturnType<typeof viewSubmission> }> {
  await s.send(slashCommand({ text: "setup", channel_id: channel, trigger_id: newTriggerId() }));
  await expect.poll(() => s.fake.callsTo("views.open").length).toBe(1);
  const modal = s.fake.callsTo("views.open")[0]!.args.view as Modal;
  // Slack sends the view as it was opened, with what was typed in state.values.
  const { callback_id, private_metadata, title, submit, close, blocks } = modal;
  return { modal, submission: () => viewSubmission({ view: { callback_id, private_metadata, title, submit, close, blocks, state: formState() } }) };
}

const postsTo = (channel: string) => s.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === channel);

describe("a setup modal submitted while storage is down", () => {
  it("is refused before anything runs, so Slack keeps the modal open with what was typed; the same submission works once storage is back", async () => {
    const { submission } = await openSetup(FAKE_IDS.general);

    proxy.mode = "down";
    const started = Date.now();
    const res = await s.send(submission());
    const tookMs = Date.now() - started;
    // Not a 200: Slack neither closes the modal nor replaces it, and shows its own error inside it, with the
    // person's entries still in their fields.
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: "unavailable", message: "The request could not be checked just now; nothing was changed. Try again." });
    expect(tookMs).toBeLessThan(3_000);
    expect(s.fake.callsTo("chat.postMessage")).toEqual([]);
    expect(s.fake.ephemerals()).toEqual([]);

    // Storage back: the person presses Create again on the same modal, which still holds what they typed.
    proxy.mode = "up";
    const again = await s.send(submission());
    expect(again.status).toBe(200);
    await expect.poll(() => postsTo(FAKE_IDS.general).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => s.fake.ephemerals().length).toBe(1);
    const space = await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`);
    const community = await s.app.deps.repos.communities.get(space!.communityId);
    expect(community?.value.charter).toMatchObject({ name: TYPED.name, domain: TYPED.domain, audience: TYPED.audience, goals: ["Keep what was typed", "Say what happened"] });
  }, 30_000);
});

describe("a setup modal whose save fails in storage after the request was let in", () => {
  it("keeps the modal open, saying saving failed, with every typed value as the field's initial value", async () => {
    const channel = FAKE_IDS.private;
    const { modal, submission } = await openSetup(channel);
    const logsBefore = s.app.logs.length;
    proxy.mode = "refuseData";
    const started = Date.now();
    const res = await s.send(submission());
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(res.status).toBe(200);
    const kept = (await res.json()) as { response_action: string; view: Modal };
    expect(kept.response_action).toBe("update");
    expect(blocksText(kept.view.blocks)).toContain("Saving failed on our side. Your entries are kept below: please submit again in a moment.");
    const initial = (field: string) => kept.view.blocks.find((b) => b.block_id === field)?.element;
    expect(initial("name")?.initial_value).toBe(TYPED.name);
    expect(initial("domain")?.initial_value).toBe(TYPED.domain);
    expect(initial("audience")?.initial_value).toBe(TYPED.audience);
    expect(initial("goals")?.initial_value).toBe(TYPED.goals);
    expect(initial("purposes")?.initial_options?.map((o) => o.value)).toEqual(["learning"]);
    // Still the same form: its sealed context and its command, so submitting it again saves it.
    expect(kept.view).toMatchObject({ callback_id: modal.callback_id, private_metadata: modal.private_metadata, title: { text: "Set up a community" }, submit: { text: "Create community" } });
    expect(postsTo(channel)).toEqual([]);
    // The failure is logged once, for operators; the person was not sent an apology besides the modal.
    expect(s.app.logs.slice(logsBefore).filter((l) => l.msg === "slack request failed")).toHaveLength(1);
    expect(s.fake.ephemerals()).toEqual([]);

    proxy.mode = "up";
    expect((await s.send(viewSubmission({ view: { ...kept.view, state: formState() } }))).status).toBe(200);
    await expect.poll(() => postsTo(channel).length, { timeout: 10_000 }).toBe(1);
    expect(blocksText(postsTo(channel)[0]!.args.blocks)).toContain(TYPED.name);
  }, 30_000);
});

describe("a slash command sent while storage is down", () => {
  it("is acknowledged at once, then the person is told it could not be checked, and nothing runs", async () => {
    const logsBefore = s.app.logs.length;
    proxy.mode = "down";
    const started = Date.now();
    // `join` may change something, so its signature must be recorded in storage before it runs.
    const res = await s.send(slashCommand({ text: "join", channel_id: FAKE_IDS.general }));
    // Slack's 200 does not wait for storage: the replay check goes on after it.
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    // Told once the storage client gives up, or after the check's budget (8 s): whichever comes first.
    await expect.poll(() => s.fake.ephemerals().length, { timeout: 15_000 }).toBe(1);
    expect(blocksText(s.fake.ephemerals()[0]!.args.blocks)).toBe(":warning: I could not check that request just now, so nothing was changed. Please try again in a moment.");
    expect(s.app.logs.slice(logsBefore).filter((l) => l.msg === "slack request not run: could not record its signature")).toHaveLength(1);

    // Storage back: the same command, sent again, is answered.
    proxy.mode = "up";
    expect((await s.send(slashCommand({ text: "join", channel_id: FAKE_IDS.general }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().length, { timeout: 10_000 }).toBe(2);
    expect(blocksText(s.fake.ephemerals()[1]!.args.blocks)).toContain(TYPED.name);
  }, 30_000);
});

describe("a slash command that may change something, while storage is slow to record its signature", () => {
  it("is read for meanwhile, but runs and is answered only once the signature is recorded", async () => {
    // Someone new to the channel (no roster import reads or writes their rows meanwhile) asks to join.
    const newcomer = "U01NEWBIE";
    const personKey = `slack:${FAKE_IDS.teamId}:${newcomer}`;
    const { communityId } = (await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`))!;
    const from = proxy.seen.length;
    proxy.mode = "holdSignatures";
    expect((await s.send(slashCommand({ text: "join", channel_id: FAKE_IDS.general, user_id: newcomer, user_name: "newbie" }))).status).toBe(200);
    await expect.poll(() => proxy.held).toBe(1);
    // Their membership is read while the signature is still being recorded (one step less to wait for)…
    const memberRow = `Communities(PartitionKey='c:${communityId}',RowKey='m:${personKey}')`;
    await expect.poll(() => proxy.seen.slice(from).some((r) => r.startsWith("GET ") && r.endsWith(memberRow))).toBe(true);
    // …but the request has not run: they are not on the roster, and have no answer.
    expect(await s.app.deps.repos.members.get(communityId, personKey)).toBeUndefined();
    expect(s.fake.ephemerals()).toEqual([]);

    proxy.release();
    await expect.poll(() => s.fake.ephemerals().length, { timeout: 10_000 }).toBe(1);
    expect(blocksText(s.fake.ephemerals()[0]!.args.blocks)).toContain(TYPED.name);
    expect(await s.app.deps.repos.members.get(communityId, personKey)).toMatchObject({ role: "member" });
  }, 30_000);
});

describe("a slash command that may change something, while storage takes longer than Slack waits to record its signature", () => {
  it("is acknowledged at once, and runs and is answered once the signature is recorded, rather than the person being told to try again", async () => {
    const newcomer = "U01LATER";
    const personKey = `slack:${FAKE_IDS.teamId}:${newcomer}`;
    const { communityId } = (await s.app.deps.repos.spaces.find(`slack:${FAKE_IDS.teamId}:${FAKE_IDS.general}`))!;
    proxy.mode = "slowSignatures";
    const started = Date.now();
    const res = await s.send(slashCommand({ text: "join", channel_id: FAKE_IDS.general, user_id: newcomer, user_name: "later" }));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect.poll(() => s.fake.ephemerals().length, { timeout: 15_000 }).toBe(1);
    // Answered after storage recorded the signature (3.5 s), with the welcome, not a warning.
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_SIGNATURE_MS);
    expect(blocksText(s.fake.ephemerals()[0]!.args.blocks)).toContain(TYPED.name);
    expect(await s.app.deps.repos.members.get(communityId, personKey)).toMatchObject({ role: "member" });
  }, 30_000);
});
