/**
 * A small fake chat platform for the scheduler's tests and benchmark: one POST per message, a
 * requests-per-second limit per tenant answered with 429 + Retry-After (whole seconds, as Teams and
 * Slack send it), 403 for blocked recipients, and a record of every request and delivery.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeKey } from "../../src/core/domain.js";
import type { DeliveryFailure, DeliveryResult, DeliveryTarget, Messenger, UpdateResult } from "../../src/core/ports.js";
import type { Card } from "../../src/core/kernel/card.js";
import { plainText } from "../../src/core/kernel/text.js";
import { text } from "node:stream/consumers";

export interface FakePlatformOptions {
  /** Requests per second allowed per tenant (a token bucket refilled at this rate). */
  perSecond: number;
  /** Requests a quiet tenant may send at once; default one second's worth. */
  burst?: number;
  /** Recipients (person or space keys) answered 403, as a blocked or uninstalled app is. */
  blocked?: Iterable<string>;
  /** Recipients answered 500 every time. */
  broken?: Iterable<string>;
  /** A slow platform: each message is taken at once but answered this much later. */
  answerAfterMs?: number;
  now?: () => number;
}

export interface FakeRequest {
  key: string;
  tenant: string;
  at: number;
  status: number;
  /** The URL path it came to: a test can give each instance its own (`<url>/a/messages`). */
  path: string;
}

export interface FakeDelivery {
  key: string;
  tenant: string;
  at: number;
  messageId: string;
  /** The card's title and its summary in plain words: what the recipient's notification shows. */
  title: string;
  text: string;
  path: string;
}

export interface FakePlatform {
  url: string;
  requests: FakeRequest[];
  deliveries: FakeDelivery[];
  /** Messages replaced in place (not deliveries: a recipient still has one message). */
  updates: FakeDelivery[];
  /** How many messages each recipient got. */
  perRecipient(): Map<string, number>;
  /** Messages beyond the first per recipient. */
  duplicates(): number;
  /** Requests that came while an earlier 429's Retry-After was still running, `graceMs` after it was sent. */
  ignoredRetryAfter(graceMs: number): number;
  /** Requests taken but not answered yet (with `answerAfterMs`), those to paths starting with `pathPrefix`. */
  unanswered(pathPrefix?: string): number;
  /** A Messenger that delivers here (what the real Teams/Slack Messengers do against their platform). */
  messenger(): Messenger;
  stop(): Promise<void>;
}

interface Bucket {
  tokens: number;
  last: number;
}


export async function startFakePlatform(options: FakePlatformOptions): Promise<FakePlatform> {
  const now = options.now ?? Date.now;
  const burst = options.burst ?? options.perSecond;
  const blocked = new Set(options.blocked ?? []);
  const broken = new Set(options.broken ?? []);
  const buckets = new Map<string, Bucket>();
  const requests: FakeRequest[] = [];
  const deliveries: FakeDelivery[] = [];
  const updates: FakeDelivery[] = [];
  const throttles: Array<{ tenant: string; at: number; until: number }> = [];
  const waiting = new Map<NodeJS.Timeout, string>();
  let lastId = 0;

  /** 0 when the request may pass, else the milliseconds until a token frees up. */
  const take = (tenant: string, at: number): number => {
    const bucket = buckets.get(tenant) ?? { tokens: burst, last: at };
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.last) * options.perSecond) / 1000);
    bucket.last = at;
    buckets.set(tenant, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / options.perSecond);
  };

  const answerNow = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (!options.answerAfterMs) return answerNow(res, status, body, headers);
    const timer = setTimeout(() => {
      waiting.delete(timer);
      answerNow(res, status, body, headers);
    }, options.answerAfterMs);
    waiting.set(timer, res.req.url ?? "");
  };

  const server = createServer((req, res) => {
    void text(req).then((raw) => {
      const { key, title, text: shown, messageId: replacing } = JSON.parse(raw) as { key: string; title: string; text: string; messageId?: string };
      const path = req.url ?? "";
      const at = now();
      const tenant = decodeKey(key).tenant;
      const waitMs = take(tenant, at);
      let status = 200;
      if (waitMs > 0) {
        status = 429;
        const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
        throttles.push({ tenant, at, until: at + retryAfterSeconds * 1000 });
        answer(res, status, { error: "throttled" }, { "retry-after": String(retryAfterSeconds) });
      } else if (blocked.has(key)) {
        status = 403;
        answer(res, status, { error: "blocked" });
      } else if (broken.has(key)) {
        status = 500;
        answer(res, status, { error: "internal" });
      } else if (replacing !== undefined) {
        updates.push({ key, tenant, at, messageId: replacing, title, text: shown, path });
        answer(res, status, { id: replacing });
      } else {
        const messageId = `m${++lastId}`;
        deliveries.push({ key, tenant, at, messageId, title, text: shown, path });
        answer(res, status, { id: messageId });
      }
      requests.push({ key, tenant, at, status, path });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    deliveries,
    updates,
    perRecipient() {
      const counts = new Map<string, number>();
      for (const d of deliveries) counts.set(d.key, (counts.get(d.key) ?? 0) + 1);
      return counts;
    },
    duplicates() {
      return deliveries.length - new Set(deliveries.map((d) => d.key)).size;
    },
    ignoredRetryAfter(graceMs) {
      const ignored = new Set<FakeRequest>();
      for (const t of throttles) {
        for (const r of requests) if (r.tenant === t.tenant && r.at > t.at + graceMs && r.at < t.until) ignored.add(r);
      }
      return ignored.size;
    },
    unanswered(pathPrefix = "") {
      return [...waiting.values()].filter((path) => path.startsWith(pathPrefix)).length;
    },
    messenger: () => platformMessenger(url),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of waiting.keys()) clearTimeout(timer);
        waiting.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Delivers to a fake platform over HTTP and maps its answers as the real Messengers map theirs. */
export function platformMessenger(url: string): Messenger {
  const call = async (target: DeliveryTarget, card: Card, messageId?: string) => {
    const key = target.kind === "space" ? target.spaceKey : target.personKey;
    const body = JSON.stringify({ key, title: card.title, text: plainText(card.summary), messageId });
    const response = await fetch(`${url}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body });
    return { response, body: (await response.json()) as { id?: string; error?: string } };
  };
  const failure = (response: Response, body: { error?: string }): DeliveryFailure => {
    if (response.status === 429) return { status: "throttled", retryAfterMs: Number(response.headers.get("retry-after") ?? "1") * 1000 };
    if (response.status === 403) return { status: "unreachable", reason: body.error ?? "forbidden" };
    return { status: "failed", reason: `HTTP ${response.status}`, retryable: response.status >= 500 };
  };
  return {
    async deliver(target, card): Promise<DeliveryResult> {
      const { response, body } = await call(target, card);
      return response.status === 200 ? { status: "sent", messageId: body.id ?? "" } : failure(response, body);
    },
    async update(target, messageId, card): Promise<UpdateResult> {
      const { response, body } = await call(target, card, messageId);
      return response.status === 200 ? { status: "updated" } : failure(response, body);
    },
  };
}
