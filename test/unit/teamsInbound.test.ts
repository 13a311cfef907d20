import { describe, expect, it } from "vitest";
import { decodeKey } from "../../src/core/domain.js";
import { createRegistry } from "../../src/core/workflows/index.js";
import { actorOf, askFromCard, askFromText, mentionsOf, messageText, spaceOf, teamsIds } from "../../src/teams/inbound.js";
import { backoffMs, classifyConnectorError, defaultRetryPolicy, parseRetryAfter, retriedByBotbuilder } from "../../src/teams/retry.js";
import { ADELE, BOT, GENERAL, MEGAN, TEAM, TENANT, executeAction, message } from "../support/teamsActivities.js";

type Inbound = Parameters<typeof actorOf>[0];
const url = "https://smba.trafficmanager.net/emea/";
const as = (activity: unknown) => activity as Inbound;

describe("Teams activity → actor and space", () => {
  it("keys the person by tenant and AAD object id and keeps their name, locale and time zone", () => {
    const actor = actorOf(as(message(url, "help", { locale: "fr-CA" })));
    expect(actor).toEqual({ personKey: `teams:${TENANT}:${MEGAN.aadObjectId}`, displayName: "Megan Bowen", locale: "fr-CA", timezone: "Europe/Berlin" });
    expect(decodeKey(actor.personKey)).toEqual({ platform: "teams", tenant: TENANT, id: MEGAN.aadObjectId });
  });

  it("falls back to the Teams user id without an AAD object id, and to English for a malformed locale", () => {
    const activity = message(url, "help", { locale: "<script>" });
    const actor = actorOf(as({ ...activity, from: { id: "29:1guest", name: "" } }));
    expect(actor.personKey).toBe(`teams:${TENANT}:29:1guest`);
    expect(decodeKey(actor.personKey).id).toBe("29:1guest"); // ids with ':' survive the round trip
    expect(actor.locale).toBe("en");
  });

  it("leaves out a time zone that is too long or not a zone name instead of failing the request", () => {
    expect(actorOf(as({ ...message(url, "help"), localTimezone: "Europe/".padEnd(65, "x") })).timezone).toBeUndefined();
    expect(actorOf(as({ ...message(url, "help"), localTimezone: "Berlin; DROP" })).timezone).toBeUndefined();
    expect(actorOf(as({ ...message(url, "help"), localTimezone: "America/Argentina/Buenos_Aires" })).timezone).toBe("America/Argentina/Buenos_Aires");
  });

  it("maps a channel thread to the channel, with team and channel names", () => {
    const activity = as(message(url, "help", { place: "channel", threadId: "1700000000555" }));
    expect(spaceOf(activity)).toEqual({ spaceKey: `teams:${TENANT}:${GENERAL.id}`, platform: "teams", displayName: `${TEAM.name} / ${GENERAL.name}`, personal: false });
    expect(teamsIds(activity)).toMatchObject({ conversationId: `${GENERAL.id};messageid=1700000000555`, placeId: GENERAL.id, teamId: TEAM.id, channelId: GENERAL.id, conversationType: "channel" });
  });

  it("marks a personal chat personal and a group chat not", () => {
    expect(spaceOf(as(message(url, "help"))).personal).toBe(true);
    const group = spaceOf(as(message(url, "help", { place: "groupChat" })));
    expect(group).toMatchObject({ personal: false, spaceKey: `teams:${TENANT}:19:group-chat-cop@thread.v2` });
  });
});

describe("Teams message text → what was asked", () => {
  const registry = createRegistry();
  /** The command the core's registry reads in what Teams sent, and its raw input. */
  const parsed = (activity: Inbound) => {
    const ask = askFromText(activity);
    const found = registry.parseText(ask.text, ask.mentions);
    return found && { verb: found.def.verb, raw: found.raw };
  };

  it("strips the bot's @mention wherever it is and stands other people's mentions in as @1, @2…", () => {
    const activity = message(url, "", { place: "channel" });
    const text = `assign co-facilitator <at>${ADELE.name}</at> please <at>${BOT.name}</at>&nbsp;`;
    const entities = [...activity.entities, { type: "mention", text: `<at>${ADELE.name}</at>`, mentioned: { id: ADELE.id, name: ADELE.name } }];
    const withMentions = as({ ...activity, text, entities });
    expect(messageText(withMentions)).toBe(`assign co-facilitator @${ADELE.name} please`);
    expect(mentionsOf(withMentions)).toEqual([{ id: ADELE.id, name: ADELE.name, aadObjectId: undefined }]);
    expect(askFromText(withMentions)).toEqual({ kind: "text", text: "assign co-facilitator @1 please", mentions: [{ id: ADELE.id, name: ADELE.name }] });
    // The person is passed on as Teams' id, for the server to look up; never as the typed name.
    expect(parsed(withMentions)).toEqual({ verb: "community.role.assign", raw: { role: "co-facilitator", person: ADELE.id, typedName: ADELE.name } });
    const longName = as({ ...activity, text, entities: [{ type: "mention", text: "<at>x</at>", mentioned: { id: ADELE.id, name: "A".repeat(500) } }] });
    expect(mentionsOf(longName)[0]!.name).toHaveLength(120); // the core's display-name limit
  });

  it("never reads a person's display name as command words", () => {
    const activity = message(url, "", { place: "channel" });
    const them = "<at>status closed</at>";
    const sneaky = as({ ...activity, text: `<at>${BOT.name}</at> ${them}`, entities: [...activity.entities, { type: "mention", text: them, mentioned: { id: ADELE.id, name: "status closed" } }] });
    expect(askFromText(sneaky).text).toBe("@1");
    expect(parsed(sneaky)).toBeUndefined();
  });

  it("understands the shared vocabulary after the mention, markup dropped", () => {
    expect(parsed(as(message(url, "setup", { place: "channel" })))).toEqual({ verb: "community.setup.open", raw: {} });
    expect(parsed(as(message(url, "status launched", { place: "channel" })))).toEqual({ verb: "community.status.set", raw: { status: "launched" } });
    expect(askFromText(as(message(url, "<p>Charter</p>"))).text).toBe("Charter");
    expect(parsed(as(message(url, "<p>Charter</p>")))).toEqual({ verb: "community.charter.show", raw: {} });
    expect(parsed(as(message(url, "link abcd-2345", { place: "groupChat" })))).toEqual({ verb: "space.link.redeem", raw: { code: "abcd-2345" } });
    expect(parsed(as(message(url, "what is this?")))).toBeUndefined();
  });
});

describe("Teams card data → what was asked", () => {
  /** What an Action.Execute invoke carries as its data (the Action.Submit `value` has the same shape). */
  const data = (verb: string, fields: Record<string, unknown>) => executeAction(url, verb, fields).value.action.data;

  it("reads a button's verb and arguments as an action", () => {
    expect(askFromCard(data("community.roles.show", {}))).toEqual({ kind: "action", verb: "community.roles.show", input: {} });
    expect(askFromCard({ status: "closed", confirm: true, verb: "community.status.set" })).toEqual({ kind: "action", verb: "community.status.set", input: { status: "closed", confirm: true } });
  });

  it("reads a form submission as its sealed token and the raw values, lists left to the core", () => {
    const submitted = askFromCard({ verb: "community.setup", formToken: "sealed", name: "CoP", purposes: "learning,tasks", goals: "g1\ng2", outcomes: null });
    expect(submitted).toEqual({ kind: "form", verb: "community.setup", token: "sealed", values: { name: "CoP", purposes: "learning,tasks", goals: "g1\ng2" } });
    expect(askFromCard({ verb: "community.setup", formToken: "sealed", purposes: ["learning", "tasks"] })).toMatchObject({ values: { purposes: ["learning", "tasks"] } });
  });

  it("refuses what a card of ours never sends, saying where, without guessing", () => {
    expect(askFromCard({ verb: "community.setup", formToken: "sealed", name: { nested: true } })).toEqual({ kind: "malformed", detail: "name: not text" });
    expect(askFromCard({ verb: "community.setup", formToken: 42 })).toEqual({ kind: "malformed", detail: "formToken: not a string" });
    expect(askFromCard({ status: "closed" })).toEqual({ kind: "malformed", detail: "verb: the card action names no command" });
    expect(askFromCard({ verb: "x".repeat(256) })).toMatchObject({ kind: "malformed" });
  });
});

describe("Bot Connector failures and backoff", () => {
  const restError = (statusCode: number, code: string, retryAfter?: string) => ({
    name: "RestError",
    statusCode,
    code,
    message: "x",
    response: { status: statusCode, headers: { get: (h: string) => (h === "retry-after" ? retryAfter : undefined) } },
  });

  it("classifies by status and Teams error code", () => {
    expect(classifyConnectorError(restError(429, "Throttled", "3"))).toEqual({ code: "throttled", status: 429, retryAfterMs: 3000, reason: "Throttled" });
    expect(classifyConnectorError(restError(412, "PreconditionFailed"))).toMatchObject({ code: "transient", status: 412 });
    expect(classifyConnectorError(restError(403, "BotDisabledByAdmin"))).toEqual({ code: "unreachable", status: 403, reason: "BotDisabledByAdmin" });
    expect(classifyConnectorError(restError(413, "MessageSizeTooBig"))).toEqual({ code: "failed", status: 413, reason: "MessageSizeTooBig" });
    expect(classifyConnectorError({ code: "ECONNRESET", message: "socket hang up" })).toMatchObject({ code: "transient", status: 0 });
  });

  it("leaves to botbuilder what its pipeline already retried", () => {
    expect(retriedByBotbuilder(classifyConnectorError(restError(502, "ServiceError")))).toBe(true);
    expect(retriedByBotbuilder(classifyConnectorError(restError(429, "Throttled", "1")))).toBe(true);
    expect(retriedByBotbuilder(classifyConnectorError(restError(429, "Throttled")))).toBe(false);
    expect(retriedByBotbuilder(classifyConnectorError(restError(412, "PreconditionFailed")))).toBe(false);
  });

  it("reads Retry-After as seconds or a date, and never backs off less than it asks", () => {
    expect(parseRetryAfter("7")).toBe(7000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    const policy = defaultRetryPolicy({ random: () => 1 });
    expect([0, 1, 2, 3, 10].map((n) => backoffMs(policy, n))).toEqual([500, 1000, 2000, 4000, 15_000]);
    expect(backoffMs(defaultRetryPolicy({ random: () => 0 }), 0)).toBe(250);
    expect(backoffMs(policy, 0, 9000)).toBe(9000);
  });
});
