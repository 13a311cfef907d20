import { describe, expect, it } from "vitest";
import { decodeKey } from "../../src/core/domain.js";
import { actorOf, commandFromText, mentionsOf, messageText, readCardData, spaceOf, teamsIds } from "../../src/teams/inbound.js";
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

describe("Teams message text → command", () => {
  it("strips the bot's @mention wherever it is and keeps other people's as @Name", () => {
    const activity = message(url, "", { place: "channel" });
    const text = `assign co-facilitator <at>${ADELE.name}</at> please <at>${BOT.name}</at>&nbsp;`;
    const entities = [...activity.entities, { type: "mention", text: `<at>${ADELE.name}</at>`, mentioned: { id: ADELE.id, name: ADELE.name } }];
    const withMentions = as({ ...activity, text, entities });
    expect(messageText(withMentions)).toBe(`assign co-facilitator @${ADELE.name} please`);
    expect(mentionsOf(withMentions)).toEqual([{ id: ADELE.id, name: ADELE.name, aadObjectId: undefined }]);
    const longName = as({ ...activity, text, entities: [{ type: "mention", text: "<at>x</at>", mentioned: { id: ADELE.id, name: "A".repeat(500) } }] });
    expect(mentionsOf(longName)[0]!.name).toHaveLength(120); // the core's display-name limit
    const command = commandFromText(withMentions, [{ personKey: `teams:${TENANT}:${ADELE.aadObjectId}`, displayName: ADELE.name }]);
    expect(command).toEqual({ type: "community.role.assign", person: `teams:${TENANT}:${ADELE.aadObjectId}`, displayName: ADELE.name, role: "co-facilitator" });
  });

  it("understands the shared vocabulary after the mention", () => {
    expect(commandFromText(as(message(url, "setup", { place: "channel" })), [])).toEqual({ type: "community.setup.open" });
    expect(commandFromText(as(message(url, "status launched", { place: "channel" })), [])).toEqual({ type: "community.status.set", status: "launched" });
    expect(commandFromText(as(message(url, "<p>Charter</p>")), [])).toEqual({ type: "community.charter.show" });
    expect(commandFromText(as(message(url, "what is this?")), [])).toEqual({ type: "unknown", text: "what is this?" });
  });
});

describe("Teams card data → command", () => {
  const data = (verb: string, fields: Record<string, unknown>) => executeAction(url, verb, fields).value.action.data;

  it("collects the charter form, splitting the multi-select purposes", () => {
    const input = readCardData("community.setup", data("community.setup", { name: "CoP", domain: "d", audience: "a", purposes: "learning,tasks", goals: "g1\ng2" }));
    expect(input).toEqual({
      kind: "command",
      command: {
        type: "community.setup",
        form: { name: "CoP", domain: "d", audience: "a", purposes: ["learning", "tasks"], goals: "g1\ng2", outcomes: "", participation: "", contribution: "", conflictResolution: "" },
      },
    });
    expect(readCardData("community.charter.update", { purposes: "" })).toMatchObject({ kind: "command", command: { form: { purposes: [] } } });
  });

  it("gives back the form with the wrongly typed fields listed, keeping what could be read", () => {
    expect(readCardData("community.setup", { name: 42, domain: "d", purposes: { learning: true }, goals: "g" })).toEqual({
      kind: "form",
      verb: "community.setup",
      values: { name: "", domain: "d", audience: "", purposes: [], goals: "g", outcomes: "", participation: "", contribution: "", conflictResolution: "" },
      unreadable: ["name", "purposes"],
    });
  });

  it("passes other verbs' fields through the Command schema and says what does not fit", () => {
    expect(readCardData("community.roles.show", { verb: "community.roles.show" })).toEqual({ kind: "command", command: { type: "community.roles.show" } });
    expect(readCardData("community.status.set", { status: "closed" })).toEqual({ kind: "command", command: { type: "community.status.set", status: "closed" } });
    expect(readCardData("community.status.set", { status: "exploded" })).toMatchObject({ kind: "malformed", verb: "community.status.set", detail: expect.stringMatching(/^status: Invalid enum value/) });
    expect(readCardData("no.such.verb", {})).toEqual({ kind: "unknown", verb: "no.such.verb" });
    expect(readCardData(undefined, {})).toEqual({ kind: "unknown", verb: "undefined" });
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
