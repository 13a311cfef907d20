import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from "./fakeSlack.js";
import type { AppOptions } from "../../src/app.js";
import { startTestApp, type TestApp } from "./app.js";
import { send, TEST_SIGNING_SECRET, type SignedRequest } from "./slackRequests.js";

export interface SlackTestApp {
  fake: FakeSlack;
  app: TestApp;
  /** POSTs a signed request at the app's Slack endpoint. */
  send(req: SignedRequest, path?: string): Promise<Response>;
  stop(): Promise<void>;
}

export const STATE_SECRET = "state-secret-for-tests-0123456789";

/**
 * The real app with Slack on, its Web API pointed at a fresh fake: single-workspace mode by default,
 * OAuth (installs across workspaces) with `oauth: true`; `options` as for startTestApp (scheduler intervals).
 */
export async function startSlackApp(
  opts: { fake?: FakeSlackOptions; oauth?: boolean; env?: Record<string, string>; options?: Partial<Omit<AppOptions, "log">> } = {},
): Promise<SlackTestApp> {
  const fake = await startFakeSlack(opts.fake);
  const credentials: Record<string, string> = opts.oauth
    ? { SLACK_CLIENT_ID: fake.state.clientId, SLACK_CLIENT_SECRET: fake.state.clientSecret, SLACK_STATE_SECRET: STATE_SECRET }
    : { SLACK_BOT_TOKEN: fake.botToken };
  const app = await startTestApp({ SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, ...credentials, ...opts.env }, opts.options);
  return {
    fake,
    app,
    send: (req, path) => send(app.url, req, path),
    async stop() {
      await app.stop();
      await fake.stop();
    },
  };
}

/** The text of every text object in a blocks array, joined: what a person would read. */
/** A button in Slack blocks, as the app rendered it. */
export type SlackButton = { action_id?: string; value?: string; text?: { text?: string } };

/** The button with this label in Slack blocks (a test that expects it fails here, naming it, when it is missing). */
export function slackButton(blocks: unknown, label: string): SlackButton {
  const found = ((blocks ?? []) as Array<{ elements?: SlackButton[] }>).flatMap((b) => b.elements ?? []).find((e) => e.text?.text === label);
  if (!found) throw new Error(`no "${label}" button in the Slack message`);
  return found;
}

export function blocksText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const obj = node as Record<string, unknown>;
      if (typeof obj.text === "string") out.push(obj.text);
      Object.entries(obj).forEach(([key, value]) => key !== "text" || typeof value !== "string" ? walk(value) : undefined);
    }
  };
  walk(blocks);
  return out.join("\n");
}
