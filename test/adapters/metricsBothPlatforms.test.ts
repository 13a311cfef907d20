import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeBotConnector } from "../support/fakeBotConnector.js";
import { FAKE_IDS } from "../support/fakeSlack.js";
import { linkTeamsAndSlack, startBothPlatforms, stopBothPlatforms } from "../support/linked.js";

import { blocksText, type SlackTestApp } from "../support/slackApp.js";
import { slashCommand } from "../support/slackRequests.js";
import { ADELE, MEGAN, cardOf, cardText, fileConsentAnswer, message, post, press } from "../support/teamsActivities.js";
import { consentOf, uploadInfo } from "../support/fakeOneDriveUpload.js";

/**
 * `metrics` and `report` through both real adapters in a community linked across Teams and Slack: the combined
 * figures count both platforms' people; the report's CSV reaches a Slack steward's DM and a Teams steward's
 * 1:1 chat (file consent); a member is refused on either platform.
 */
let s: SlackTestApp;
let connector: FakeBotConnector;
beforeAll(async () => ({ s, connector } = await startBothPlatforms()));
afterAll(() => stopBothPlatforms(s, connector));

type Sent = ReturnType<FakeBotConnector["activitiesTo"]>[number];

describe("metrics and the sponsor report in a community on Teams and Slack", () => {
  it("counts both platforms' people, sends the CSV privately on each platform, and refuses members", async () => {
    const communityId = await linkTeamsAndSlack(s, connector);
    const where = { place: "channel" as const, threadId: "2", user: MEGAN };
    // Adele takes part in Teams, Luc in Slack.
    expect((await post(s.app.url, message(connector.serviceUrl, "charter", { ...where, user: ADELE }))).status).toBe(200);
    expect((await s.send(slashCommand({ text: "charter", user_id: FAKE_IDS.member, user_name: "luc" }))).status).toBe(200);
    const platforms = async () => (await s.app.deps.repos.members.list(communityId)).items.map((m) => m.personKey.split(":")[0]).sort();
    await expect.poll(platforms, { timeout: 10_000 }).toEqual(["slack", "slack", "teams", "teams"]);
    const members = (await s.app.deps.repos.members.list(communityId)).items;

    // Slack: the steward's figures, privately; the combined column counts everyone on both platforms.
    expect((await s.send(slashCommand({ text: "metrics" }))).status).toBe(200);
    const figures = () => s.fake.ephemerals().find((c) => c.args.user === FAKE_IDS.facilitator && blocksText(c.args.blocks).includes("figures for"));
    await expect.poll(figures, { timeout: 10_000 }).toBeTruthy();
    const shown = blocksText(figures()!.args.blocks);
    expect(shown).toMatch(new RegExp(`Members\\W+${members.length}\\W`));
    expect(shown).toContain("Combined");
    expect(s.fake.callsTo("chat.postMessage").filter((c) => blocksText(c.args.blocks).includes("figures for"))).toEqual([]);

    // Slack: the report's CSV in the steward's DM, parsing back with both platforms' members counted.
    expect((await s.send(slashCommand({ text: "report csv" }))).status).toBe(200);
    const file = () => [...s.fake.files.values()].find((f) => f.completed && /^report-.*\.csv$/.test(f.filename ?? ""));
    await expect.poll(file, { timeout: 10_000 }).toBeTruthy();
    expect(file()!.completed).toMatchObject({ userOfDm: FAKE_IDS.facilitator });
    const rows = parse(file()!.bytes!, { bom: true }) as string[][];
    const month = new Date().toISOString().slice(0, 7);
    expect(rows).toContainEqual(["Participation", month, "Members", String(members.length), ""]);

    // Slack: Luc is a member: refused privately.
    expect((await s.send(slashCommand({ text: "report", user_id: FAKE_IDS.member, user_name: "luc" }))).status).toBe(200);
    await expect.poll(() => s.fake.ephemerals().some((c) => c.args.user === FAKE_IDS.member && blocksText(c.args.blocks).includes("Only the facilitators"))).toBe(true);

    // Teams: Megan asks in the channel; the report comes to her 1:1 chat, and its button offers the CSV there.
    const before = connector.calls.length;
    expect((await post(s.app.url, message(connector.serviceUrl, "report", where))).status).toBe(200);
    const report = () => connector.calls.slice(before).map((c) => c.activity as Sent | undefined).find((a) => a?.attachments?.length && cardText(cardOf(a).body).includes("report to the sponsor"));
    await expect.poll(report, { timeout: 10_000 }).toBeTruthy();
    expect((report() as { conversation?: { conversationType?: string } }).conversation?.conversationType).toBe("personal");
    expect(cardText(cardOf(report()).body)).toContain("Purpose and goals");
    const pressed = connector.calls.length;
    expect((await post(s.app.url, press(connector.serviceUrl, report()!, "Download CSV", { place: "personal", user: MEGAN }))).status).toBe(200);
    const offered = () => connector.calls.slice(pressed).find((c) => /^report-.*\.csv$/.test(consentOf(c.activity as Sent)?.name ?? ""));
    await expect.poll(offered, { timeout: 10_000 }).toBeTruthy();
    const offer = consentOf(offered()!.activity as Sent)!;
    const session = connector.uploadSession(offer.name);
    expect((await post(s.app.url, fileConsentAnswer(connector.serviceUrl, "accept", offer.content.acceptContext, uploadInfo(session), { user: MEGAN }))).status).toBe(200);
    expect(parse(session.bytes!, { bom: true }) as string[][]).toContainEqual(["Participation", month, "Members", String(members.length), ""]);

    // Teams: Adele is a member: told privately, shown no figures.
    const adele = connector.calls.length;
    expect((await post(s.app.url, message(connector.serviceUrl, "metrics", { ...where, user: ADELE }))).status).toBe(200);
    const refusal = () => connector.calls.slice(adele).map((c) => c.activity as { summary?: string } | undefined).find((a) => a?.summary?.includes("Only the facilitators"));
    await expect.poll(refusal).toBeTruthy();
    expect(connector.calls.slice(adele).filter((c) => JSON.stringify(c.activity ?? c.body).includes("figures for"))).toEqual([]);
    expect(s.app.logs.filter((l) => Number(l.level) >= 50).map((l) => l.msg)).toEqual([]);
  }, 60_000);
});
