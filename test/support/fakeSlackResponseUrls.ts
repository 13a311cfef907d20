/**
 * The fake Slack's response_urls (`<fake>/hooks/…`, built by test/support/slackRequests.ts): a request's own
 * URL for answering the person who sent it. Slack takes up to five answers at one, within 30 minutes of the
 * request (docs.slack.dev/interactivity/handling-user-interaction#message_responses); the body is JSON, checked
 * like a message (blocks, text). Slack's pages do not give the exact answer to a refused post; this fake answers
 * a 4xx with `{ok: false, error}` (`expired_url`, `used_url`, `invalid_blocks`…), and the app takes any status
 * but 2xx, or `ok: false`, as a refusal.
 */
import { SLACK_LIMITS } from "../../src/slack/limits.js";
import { messageContentError, type Args, type Body } from "./fakeSlackMethods.js";

/** What one post to a response_url did: its status and answer, and the call as the fake records it. */
export interface ResponseUrlAnswer {
  status: number;
  body: Body;
  /** The person and channel the URL is for, then what was posted (`text`, `blocks`, `response_type`, `replace_original`…). */
  args: Args;
}

const PATH = /^\/hooks\/(commands|actions|app)\/([^/]+)\/([^/]+)\/([^/]+)\/(\d+)\/([0-9a-f]+)$/;

export class FakeResponseUrls {
  private readonly uses = new Map<string, number>();

  answer(path: string, raw: string, nowMs: number): ResponseUrlAnswer {
    const parts = PATH.exec(path);
    if (!parts) return { status: 404, body: { ok: false, error: "invalid_url" }, args: {} };
    const [, , team, channel, user, issued] = parts;
    const where: Args = { team, channel: channel === "-" ? undefined : channel, user };
    let posted: Args;
    try {
      posted = JSON.parse(raw) as Args;
    } catch {
      return { status: 400, body: { ok: false, error: "invalid_payload" }, args: where };
    }
    if (!posted || typeof posted !== "object" || Array.isArray(posted)) return { status: 400, body: { ok: false, error: "invalid_payload" }, args: where };
    const args = { ...posted, ...where };
    if (nowMs - Number(issued) > SLACK_LIMITS.interaction.responseUrlTtlMs) return { status: 404, body: { ok: false, error: "expired_url" }, args };
    const used = this.uses.get(path) ?? 0;
    if (used >= SLACK_LIMITS.interaction.responseUrlUses) return { status: 404, body: { ok: false, error: "used_url" }, args };
    const problem = posted.delete_original === true ? undefined : messageContentError(posted);
    if (problem) return { status: 400, body: problem, args };
    this.uses.set(path, used + 1);
    return { status: 200, body: { ok: true }, args };
  }

  reset(): void {
    this.uses.clear();
  }
}

/** Whether a post to a response_url showed its person a new message that only they see (not a replace, not for the channel). */
export const isEphemeralPost = (args: Args): boolean => args.response_type !== "in_channel" && args.replace_original !== true && args.delete_original !== true;
