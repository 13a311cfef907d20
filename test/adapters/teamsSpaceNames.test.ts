import { Writable } from "node:stream";
import type { Activity } from "botbuilder";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { HttpTeamsAdapter } from "../../src/teams/httpAdapter.js";
import { SpaceNameCache, teamsSpaceName } from "../../src/teams/spaceNames.js";
import { startFakeBotConnector, type FakeBotConnector } from "../support/fakeBotConnector.js";
import { TEAM, TENANT, message } from "../support/teamsActivities.js";

const DESIGN = { id: "19:design-data-stewards@thread.tacv2", name: "Design" };

let connector: FakeBotConnector;
let cache: SpaceNameCache;
let logs: Array<Record<string, unknown>>;
const adapter = new HttpTeamsAdapter({});

beforeEach(async () => {
  connector = await startFakeBotConnector({ teams: [{ id: TEAM.id, name: TEAM.name, channels: [DESIGN] }] });
  logs = [];
  const sink = new Writable({ write: (chunk, _enc, done) => void (logs.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
  cache = new SpaceNameCache({ log: createLogger("debug", sink) });
});
afterEach(async () => {
  await connector.stop();
});

/** A channel message as Teams often sends it: team and channel ids, no names. */
function inChannel(channelId: string, names: { team?: string; channel?: string } = {}) {
  const activity = message(connector.serviceUrl, "help", { place: "channel" });
  const channelData = { teamsChannelId: channelId, teamsTeamId: TEAM.id, channel: { id: channelId, name: names.channel }, team: { id: TEAM.id, name: names.team }, tenant: { id: TENANT } };
  return { ...activity, conversation: { ...activity.conversation, id: channelId }, channelData };
}

/** Runs teamsSpaceName in a real inbound turn (local mode: no token needed). */
async function nameIn(activity: object): Promise<string | undefined> {
  let name: string | undefined;
  await adapter.processActivityDirect("", activity as Activity, async (context) => {
    name = await teamsSpaceName(context, cache);
  });
  return name;
}

const lookups = () => connector.calls.filter((c) => c.kind === "getTeam" || c.kind === "getTeamChannels").map((c) => c.kind);

describe("Teams space names", () => {
  it("names a channel from Teams when channelData leaves the names out, and asks once", async () => {
    expect(await nameIn(inChannel(DESIGN.id))).toBe("Data Stewards / Design");
    expect(await nameIn(inChannel(DESIGN.id))).toBe("Data Stewards / Design");
    expect(lookups()).toEqual(["getTeam", "getTeamChannels"]);
  });

  it("calls the unnamed General channel (the team's own id) General", async () => {
    expect(await nameIn(inChannel(TEAM.id))).toBe("Data Stewards / General");
  });

  it("asks only for the missing name, and nothing when both are given", async () => {
    expect(await nameIn(inChannel(DESIGN.id, { team: "Stewards" }))).toBe("Stewards / Design");
    expect(lookups()).toEqual(["getTeamChannels"]);
    expect(await nameIn(inChannel(DESIGN.id, { team: "A", channel: "B" }))).toBe("A / B");
    expect(lookups()).toEqual(["getTeamChannels"]);
  });

  it("answers undefined when Teams will not say (logged at debug), and does not ask again at once", async () => {
    connector.fail({ status: 403, times: 1, kinds: ["getTeam"] });
    expect(await nameIn(inChannel(DESIGN.id))).toBeUndefined();
    expect(await nameIn(inChannel(DESIGN.id))).toBeUndefined();
    expect(lookups()).toEqual(["getTeam"]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 20, msg: "could not look up the Teams team or channel name" }));
  });

  it("asks again once a failure has been remembered long enough", async () => {
    cache = new SpaceNameCache({ log: createLogger("silent"), failureTtlMs: 1 });
    connector.fail({ status: 403, times: 1, kinds: ["getTeam"] });
    expect(await nameIn(inChannel(DESIGN.id))).toBeUndefined();
    // Asked again as soon as the remembered failure lapses (1 ms here).
    await expect.poll(() => nameIn(inChannel(DESIGN.id))).toBe("Data Stewards / Design");
  });

  it("has no name to add outside a channel", async () => {
    expect(await nameIn(message(connector.serviceUrl, "help", { place: "groupChat" }))).toBeUndefined();
    expect(lookups()).toEqual([]);
  });
});
