import {
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  type Activity,
  type ConversationReference,
} from "botbuilder";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";

const conversationId = "a:1personal-chat-with-megan";

/** The part of botframework-connector's ConnectorClient this test uses (botbuilder does not re-export it). */
interface ConnectorClient {
  conversations: { sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<{ id?: string }> };
}

let connector: FakeBotConnector | undefined;
afterEach(async () => {
  await connector?.stop();
  connector = undefined;
});

function post(serviceUrl: string, conversation: string, activity: unknown): Promise<Response> {
  return fetch(`${serviceUrl}v3/conversations/${encodeURIComponent(conversation)}/activities`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(activity),
  });
}

function card(text: string): unknown {
  return {
    type: "message",
    attachments: [CardFactory.adaptiveCard({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text, wrap: true }] })],
  };
}

/** A CloudAdapter with no app id: authentication disabled, as in local mode. */
function localAdapter(): CloudAdapter {
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
}

function reference(serviceUrl: string, extra: Partial<ConversationReference> = {}): ConversationReference {
  return {
    channelId: "msteams",
    serviceUrl,
    conversation: { id: conversationId, isGroup: false, conversationType: "personal", name: "" },
    bot: { id: "28:cop-companion", name: "CoP Companion" },
    user: { id: "29:megan", name: "Megan Bowen" },
    ...extra,
  };
}

describe("fake Bot Framework connector", () => {
  it("answers the 8th message to one conversation within a second with 429 and Retry-After", async () => {
    connector = await startFakeBotConnector();
    const started = Date.now();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 8; i += 1) {
      last = await post(connector.serviceUrl, conversationId, { type: "message", text: `message ${i}` });
      statuses.push(last.status);
    }
    expect(Date.now() - started).toBeLessThan(1000);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 429]);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await last!.json()).toEqual({ error: { code: "Throttled", message: "Too many requests." } });
    // another conversation has its own budget
    expect((await post(connector.serviceUrl, "a:1someone-else", { type: "message", text: "hi" })).status).toBe(201);
    expect(connector.activitiesTo(conversationId)).toHaveLength(7);
  });

  it("holds a conversation to 60 messages per 30 seconds", async () => {
    let clock = 1_700_000_000_000;
    connector = await startFakeBotConnector({ now: () => clock });
    for (let i = 0; i < 60; i += 1) {
      expect((await post(connector.serviceUrl, conversationId, { type: "message", text: `m${i}` })).status).toBe(201);
      clock += 500;
    }
    clock -= 100; // 29.9 s after the first message
    const over = await post(connector.serviceUrl, conversationId, { type: "message", text: "one too many" });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe("1");
    clock += 200; // the first message has left the 30 s window
    expect((await post(connector.serviceUrl, conversationId, { type: "message", text: "later" })).status).toBe(201);
  });

  it("refuses an oversize card with 413 MessageSizeTooBig and counts text as UTF-16 without base64 images", async () => {
    connector = await startFakeBotConnector({ maxMessageBytes: 28 * 1024 });
    const big = await post(connector.serviceUrl, conversationId, card("x".repeat(15_000)));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: { code: "MessageSizeTooBig", message: "Message size too large." } });

    const image = `data:image/png;base64,${"A".repeat(60_000)}`;
    const withImage = await post(connector.serviceUrl, conversationId, { type: "message", text: "chart", attachments: [{ contentType: "image/png", contentUrl: image }] });
    expect(withImage.status).toBe(201);

    const defaults = await startFakeBotConnector();
    try {
      expect((await post(defaults.serviceUrl, conversationId, card("x".repeat(15_000)))).status).toBe(201);
      expect((await post(defaults.serviceUrl, conversationId, card("x".repeat(60_000)))).status).toBe(413);
    } finally {
      await defaults.stop();
    }
  });

  it("records what a real CloudAdapter sends, replies, updates and creates", async () => {
    connector = await startFakeBotConnector();
    const adapter = localAdapter();
    let replyId = "";
    let continuationId = "";
    await adapter.continueConversationAsync("", reference(connector.serviceUrl), async (context) => {
      continuationId = context.activity.id ?? "";
      // botbuilder posts proactive sends as replies to the continuation activity's fresh uuid
      replyId = (await context.sendActivity(MessageFactory.text("Welcome to the community")))?.id ?? "";
      await context.updateActivity({ type: "message", id: replyId, text: "Welcome to the community (edited)" });
      const client = context.turnState.get(adapter.ConnectorClientKey) as ConnectorClient;
      await client.conversations.sendToConversation(conversationId, MessageFactory.attachment(CardFactory.heroCard("Survey is open")));
    });

    expect(replyId).toMatch(/^\d{13,}$/);
    const [reply, update, send] = connector.calls;
    expect(reply).toMatchObject({ method: "POST", kind: "reply", conversationId, replyToId: continuationId, activityId: replyId, status: 201 });
    expect(reply!.path).toBe(`/v3/conversations/${encodeURIComponent(conversationId)}/activities/${continuationId}`);
    expect(reply!.activity).toMatchObject({ type: "message", text: "Welcome to the community", from: { id: "28:cop-companion" } });
    expect(update).toMatchObject({ method: "PUT", kind: "update", activityId: replyId, status: 200 });
    expect(send).toMatchObject({ method: "POST", kind: "send", path: `/v3/conversations/${encodeURIComponent(conversationId)}/activities`, status: 201 });
    expect(connector.activitiesTo(conversationId).map((a) => a.text ?? a.attachments?.[0]?.contentType)).toEqual([
      "Welcome to the community",
      "Welcome to the community (edited)",
      "application/vnd.microsoft.card.hero",
    ]);
    expect(connector.calls.every((c) => c.at > 0)).toBe(true);

    // proactive 1:1: create the conversation, then post into it
    let created = "";
    await adapter.createConversationAsync(
      "",
      "msteams",
      connector.serviceUrl,
      "",
      { isGroup: false, bot: { id: "28:cop-companion", name: "CoP Companion" }, members: [{ id: "29:new-member", name: "New" }], tenantId: "t1", channelData: { tenant: { id: "t1" } }, activity: undefined as never, topicName: "" },
      async (context) => {
        created = context.activity.conversation.id;
        await context.sendActivity("Hello, new member");
      },
    );
    expect(created).toMatch(/^a:1/);
    expect(connector.calls.find((c) => c.kind === "createConversation")).toMatchObject({ status: 201, conversationId: created });
    expect(connector.activitiesTo(created).map((a) => a.text)).toEqual(["Hello, new member"]);
  });

  it("injects faults: 403 for a blocked bot reaches the caller; 429 and 502 are retried by botbuilder", async () => {
    connector = await startFakeBotConnector();
    const adapter = localAdapter();
    const ref = reference(connector.serviceUrl);

    connector.fail({ status: 403, times: 1, code: "BotNotInConversationRoster" });
    const blocked = adapter.continueConversationAsync("", ref, async (context) => {
      await context.sendActivity("are you there?");
    });
    await expect(blocked).rejects.toMatchObject({ statusCode: 403 });
    expect(connector.calls[0]).toMatchObject({ status: 403 });

    connector.fail({ status: 429, retryAfterSeconds: 1, times: 1 });
    connector.fail({ status: 502, times: 1 });
    const before = connector.calls.length;
    await adapter.continueConversationAsync("", ref, async (context) => {
      await context.sendActivity("eventually delivered");
    });
    const attempts = connector.calls.slice(before);
    expect(attempts.map((c) => c.status)).toEqual([429, 502, 201]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900); // Retry-After was honoured
    expect(connector.activitiesTo(conversationId).map((a) => a.text)).toEqual(["eventually delivered"]);
  }, 30_000);

  it("answers token requests and unknown routes so gaps show up in `calls`", async () => {
    connector = await startFakeBotConnector();
    const token = await fetch(`${connector.serviceUrl}botframework.com/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=x&client_secret=y&scope=https%3A%2F%2Fapi.botframework.com%2F.default",
    });
    expect(token.status).toBe(200);
    expect(await token.json()).toMatchObject({ token_type: "Bearer", access_token: expect.any(String) });
    const members = await fetch(`${connector.serviceUrl}v3/conversations/${encodeURIComponent(conversationId)}/members`);
    expect(members.status).toBe(404);
    expect(connector.calls.map((c) => c.kind)).toEqual(["token", "other"]);
  });
});
