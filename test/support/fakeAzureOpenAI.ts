/**
 * A local fake of the Azure OpenAI chat completions API (data plane), as the `openai` package's AzureOpenAI
 * client calls it: `POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…` with an
 * `api-key` header. It refuses a wrong key (401), an unknown deployment (404, DeploymentNotFound) and a
 * missing or other api-version (400), records every request, and answers what it is told next:
 * a completion whose content is the given JSON, 429 with Retry-After, 500, content that is not the schema,
 * Azure's content-filter refusal (400, code content_filter) or a completion cut by the filter.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";

export type FakeAnswer =
  | { kind: "draft"; content: unknown }
  | { kind: "status"; status: number; retryAfter?: string; code?: string }
  | { kind: "malformed"; content: string }
  | { kind: "filteredPrompt" }
  | { kind: "filteredOutput" }
  /** Answers `then` after `ms` (a slow deployment; the client's own timeout decides). */
  | { kind: "slow"; ms: number; then: FakeAnswer };

export interface RecordedRequest {
  path: string;
  apiVersion: string | null;
  apiKey: string | undefined;
  body: { messages?: Array<{ role: string; content: string }>; response_format?: unknown; [k: string]: unknown };
  /** What it answered. */
  status: number;
}

export interface FakeAzureOpenAI {
  endpoint: string;
  apiKey: string;
  deployment: string;
  apiVersion: string;
  requests: RecordedRequest[];
  /** The answers for the next requests, in order; after them, `fallback`. */
  next(...answers: FakeAnswer[]): void;
  /** The text of the last request's user message (the notes sent). */
  lastUserText(): string | undefined;
  close(): Promise<void>;
}

export const SAMPLE_DRAFT = {
  discussed: "We reviewed the metadata checklist and the FAIR self-assessment.",
  decisions: ["Adopt the checklist for all new datasets"],
  actions: [{ owner: "Ana", action: "circulate the checklist by Friday" }],
  resources: ["https://example.org/fair-checklist"],
  nextSteps: "Pilot the checklist with two teams.",
};

const completion = (content: string, finish: string) => ({
  id: "chatcmpl-fake",
  object: "chat.completion",
  created: 1_790_000_000,
  model: "gpt-4o-mini",
  choices: [{ index: 0, finish_reason: finish, message: { role: "assistant", content } }],
  usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
});

export async function startFakeAzureOpenAI(options: { apiKey?: string; deployment?: string; apiVersion?: string; fallback?: FakeAnswer } = {}): Promise<FakeAzureOpenAI> {
  const apiKey = options.apiKey ?? "fake-azure-openai-key-0123456789";
  const deployment = options.deployment ?? "followups";
  const apiVersion = options.apiVersion ?? "2024-10-21";
  const fallback: FakeAnswer = options.fallback ?? { kind: "draft", content: SAMPLE_DRAFT };
  const queue: FakeAnswer[] = [];
  const requests: RecordedRequest[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
    return status;
  };
  const error = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) => send(res, status, { error: { code, message } }, headers);

  const answer = async (res: ServerResponse, a: FakeAnswer): Promise<number> => {
    switch (a.kind) {
      case "draft":
        return send(res, 200, completion(JSON.stringify(a.content), "stop"));
      case "malformed":
        return send(res, 200, completion(a.content, "stop"));
      case "status":
        return error(res, a.status, a.code ?? (a.status === 429 ? "429" : "InternalServerError"), `fake status ${a.status}`, a.retryAfter ? { "retry-after": a.retryAfter } : {});
      case "filteredPrompt":
        return error(res, 400, "content_filter", "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.");
      case "filteredOutput":
        return send(res, 200, completion("", "content_filter"));
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, a.ms));
        return res.destroyed ? 0 : answer(res, a.then);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = (await buffer(req)).toString("utf8");
    let body: RecordedRequest["body"] = {};
    try {
      body = JSON.parse(raw) as RecordedRequest["body"];
    } catch {
      body = {};
    }
    const record: RecordedRequest = { path: url.pathname, apiVersion: url.searchParams.get("api-version"), apiKey: req.headers["api-key"] as string | undefined, body, status: 0 };
    requests.push(record);
    const m = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname);
    if (req.method !== "POST" || !m) record.status = error(res, 404, "404", "Resource not found");
    else if (record.apiKey !== apiKey) record.status = error(res, 401, "401", "Access denied due to invalid subscription key or wrong API endpoint.");
    else if (decodeURIComponent(m[1]!) !== deployment) record.status = error(res, 404, "DeploymentNotFound", "The API deployment for this resource does not exist.");
    else if (record.apiVersion !== apiVersion) record.status = error(res, 400, "BadRequest", "API version not supported");
    else if (!Array.isArray(body.messages)) record.status = error(res, 400, "BadRequest", "messages is required");
    else record.status = await answer(res, queue.shift() ?? fallback);
  };

  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    apiKey,
    deployment,
    apiVersion,
    requests,
    next: (...answers) => void queue.push(...answers),
    lastUserText: () => requests.at(-1)?.body.messages?.find((msg) => msg.role === "user")?.content,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The environment that turns drafting on against this fake. */
export const aiEnv = (fake: FakeAzureOpenAI): Record<string, string> => ({
  AZURE_OPENAI_ENDPOINT: fake.endpoint,
  AZURE_OPENAI_API_KEY: fake.apiKey,
  AZURE_OPENAI_DEPLOYMENT: fake.deployment,
  AZURE_OPENAI_API_VERSION: fake.apiVersion,
});
