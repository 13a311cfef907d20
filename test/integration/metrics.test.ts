import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { refreshJob } from "../../src/core/workflows/metrics/activity.js";
import type { Aggregate, Figures } from "../../src/core/workflows/metrics/model.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, SLACK_CAROL, SLACK_CHANNEL, cardText, kernelOnRealStore, listJobs, texts, type KernelHarness } from "../support/core.js";

/** Metrics and the sponsor report after a scripted month on both platforms, against a recount from the raw rows. */
const DEV = { personKey: "teams:tenant-1:aad-dev", displayName: "Dev Rao", locale: "en" } as const;
const ERIN = { personKey: "slack:T1:U5", displayName: "Erin", locale: "en" } as const;
const actionsOf = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));
const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")!.card;
const tableOf = (card: Card) => card.blocks.find((b): b is Extract<Card["blocks"][number], { type: "table" }> => b.type === "table")!;
const row = (card: Card, label: string) => tableOf(card).rows.find((r) => r[0] === label)!;

/** Runs every metrics recount that is due (what the scheduler would do), as many times as asked (replays). */
async function runRefreshes(h: KernelHarness, times = 1) {
  const jobs = await listJobs(h, "metrics.refresh");
  for (let i = 0; i < times; i++) {
    for (const j of jobs) await h.kernel.runJob(refreshJob, j.payload, { key: j.key, dueAt: new Date(j.dueAt), lateMs: 0, signal: new AbortController().signal });
  }
  return jobs;
}

/** The stored aggregates of a month, read as rows (not through the workflow). */
async function storedAggregates(h: KernelHarness, communityId: string, period: string): Promise<Aggregate[]> {
  const out: Aggregate[] = [];
  for await (const r of h.tables.communities.listEntities<{ json: string }>({ queryOptions: { filter: `PartitionKey eq 'c:${communityId}'` } })) {
    if (String(r.rowKey).startsWith(`mx:${period}:`)) out.push(JSON.parse(r.json) as Aggregate);
  }
  return out;
}

/** An independent recount of the people figures, straight from the raw rows of the community's partition. */
async function recount(h: KernelHarness, communityId: string, period: string) {
  const start = Date.parse(`${period}-01T00:00:00Z`);
  const end = new Date(Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth() + 1, 1)).getTime();
  const marks: Array<{ personKey: string; period: string }> = [];
  const leaves: Array<{ joinedAt: string; at: string }> = [];
  const members: Array<{ joinedAt: string }> = [];
  for await (const r of h.tables.communities.listEntities<{ json: string }>({ queryOptions: { filter: `PartitionKey eq 'c:${communityId}'` } })) {
    const key = String(r.rowKey);
    if (key.startsWith("left:")) leaves.push(JSON.parse(r.json));
    else if (key.startsWith("m:")) members.push(JSON.parse(r.json));
  }
  // Activity marks have their own partition; month marks only (weeks have their own, `2026-W46:…`).
  for await (const r of h.tables.communities.listEntities<{ json: string }>({ queryOptions: { filter: `PartitionKey eq 'a:${communityId}'` } })) {
    if (/^\d{4}-\d{2}:/.test(String(r.rowKey))) marks.push(JSON.parse(r.json));
  }
  const inPeriod = (at: string) => Date.parse(at) >= start && Date.parse(at) < end;
  const active = marks.filter((m) => m.period === period).map((m) => m.personKey);
  return {
    members: members.filter((m) => Date.parse(m.joinedAt) < end).length + leaves.filter((l) => Date.parse(l.joinedAt) < end && Date.parse(l.at) >= end).length,
    joined: [...members, ...leaves].filter((m) => inPeriod(m.joinedAt)).length,
    left: leaves.filter((l) => inPeriod(l.at)).length,
    active: active.length,
    newContributors: active.filter((p) => !marks.some((m) => m.personKey === p && m.period < period)).length,
  };
}

describe("metrics after a scripted month on both platforms", () => {
  let h: KernelHarness;
  let communityId: string;
  let november: Aggregate[];

  beforeAll(async () => {
    h = await kernelOnRealStore();
    // October: Ana sets up in Teams and links a Slack channel; Ben takes part.
    h.setNow("2026-10-05T09:00:00Z");
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    const code = /link ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(texts(await h.say(ANA, CHANNEL, "link"))[0]!)![1]!;
    await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${code}`);
    await h.say(BEN, CHANNEL, "charter");
    communityId = (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
    await runRefreshes(h);

    // November: Dev (Teams) and Erin (Slack) join by taking part; an event with answers; a poll; a resource; kudos.
    h.setNow("2026-11-02T09:00:00Z");
    await h.say(DEV, CHANNEL, "charter");
    await h.say(ERIN, SLACK_CHANNEL, "charter");
    await h.say(SLACK_CAROL, SLACK_CHANNEL, "charter");
    const going = actionsOf(posted(await h.say(ANA, CHANNEL, "event Monthly call on 2026-11-10 at 15:00 Europe/Rome for 60m"))).find((a) => a.data.answer === "going")!.data;
    const eventId = String(going.event);
    await h.press(BEN, CHANNEL, "events.rsvp", going);
    await h.press(SLACK_CAROL, SLACK_CHANNEL, "events.rsvp", going);
    await h.press(DEV, CHANNEL, "events.rsvp", going);
    await h.press(ERIN, SLACK_CHANNEL, "events.rsvp", { ...going, answer: "maybe" });
    const poll = posted(await h.say(ANA, CHANNEL, 'poll "Which day suits?" Tue Wed'));
    const option = (label: string) => actionsOf(poll).find((a) => a.label === label)!.data;
    await h.press(BEN, CHANNEL, "surveys.vote", option("Tue"));
    await h.press(ERIN, SLACK_CHANNEL, "surveys.vote", option("Wed"));
    await h.say(BEN, CHANNEL, "share https://example.org/guide The data guide #fair");
    await h.say(ANA, CHANNEL, "kudos @1 for the data guide", [{ id: "29:ben", name: "Ben Okafor" }]);

    // After the call: who came is confirmed (Ben and Dev of those going, and one guest); Dev leaves.
    h.setNow("2026-11-12T09:00:00Z");
    const attendance = { eventId, occurrence: "2026-11-10T14:00:00Z", people: [BEN.personKey, DEV.personKey], others: 1, by: ANA.personKey, at: "2026-11-12T09:00:00Z" };
    await h.deps.repos.events.confirmAttendance(communityId, attendance);
    await h.say(DEV, CHANNEL, "leave");

    // Replays: the same answer, join, leave, attendance and share delivered again.
    await h.press(BEN, CHANNEL, "events.rsvp", going);
    await h.kernel.onEvent({ kind: "joined", people: [{ personKey: ERIN.personKey, displayName: ERIN.displayName }] }, { actor: ERIN, space: SLACK_CHANNEL }, { resolve: async () => undefined });
    await h.kernel.onEvent({ kind: "left", people: [DEV.personKey] }, { actor: DEV, space: CHANNEL }, { resolve: async () => undefined });
    await h.deps.repos.events.confirmAttendance(communityId, attendance);
    await h.say(BEN, CHANNEL, "share https://example.org/guide The data guide #fair");
    await runRefreshes(h, 2);
    november = await storedAggregates(h, communityId, "2026-11");
  });

  const all = () => november.find((a) => a.scope === "all")!.figures;

  it("keeps the month's aggregates current through the debounced refresh, one job per community and minute", async () => {
    const keys = (await listJobs(h, "metrics.refresh")).map((j) => j.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((k) => k.startsWith(`metrics.refresh:${communityId}@`))).toBe(true);
    // Three minutes with activity (Oct 5, Nov 2, Nov 12): three recounts, however many requests.
    expect(keys).toHaveLength(3);
    expect(november.map((a) => a.scope).sort()).toEqual([CHANNEL.spaceKey, SLACK_CHANNEL.spaceKey, "all"].sort());
  });

  it("counts what a recount of the raw rows counts, and what happened: replays count once", async () => {
    const expected: Partial<Figures> = { members: 4, joined: 2, left: 1, active: 5, newContributors: 3, held: 1, confirmed: 1, going: 3, attendedGoing: 2, asked: 4, answered: 2, resources: 1, kudos: 1, groups: 0, groupsMet: 0 };
    expect(all()).toMatchObject(expected);
    expect(all()).toMatchObject(await recount(h, communityId, "2026-11"));
    const teams = november.find((a) => a.scope === CHANNEL.spaceKey)!.figures;
    const slack = november.find((a) => a.scope === SLACK_CHANNEL.spaceKey)!.figures;
    expect([teams.members, teams.active, teams.going, teams.attendedGoing, teams.resources]).toEqual([2, 3, 2, 2, 1]);
    expect([slack.members, slack.active, slack.going, slack.attendedGoing, slack.joined]).toEqual([2, 2, 1, 0, 1]);
  });

  it("stores the same figures when an answer is stored again and every recount runs twice more", async () => {
    const figures = (aggs: Aggregate[]) => Object.fromEntries(aggs.map((a) => [a.scope, a.figures]));
    const going = { event: (await h.deps.repos.events.all(communityId))[0]!.id };
    const [rsvp] = await h.deps.repos.events.answers(communityId, going.event);
    await h.deps.repos.events.answer(communityId, rsvp!);
    await runRefreshes(h, 2);
    expect(figures(await storedAggregates(h, communityId, "2026-11"))).toEqual(figures(november));
  });

  it("shows a steward the month per space and combined, each against the month before", async () => {
    const shown = await h.say(ANA, CHANNEL, "metrics 2026-11");
    expect(shown.items.map((i) => [i.kind, i.kind === "reply" && i.secret])).toEqual([["reply", true]]);
    const card = shown.items[0]!.card;
    expect(card.title).toBe("Data Stewards: figures for 2026-11");
    expect(tableOf(card).columns).toEqual(["Figure", "Combined", "#data-stewards", "Data Stewards / General"]);
    expect(row(card, "Active members")).toEqual(["Active members", "5 (↑ 3)", "2 (↑ 2)", "3 (↑ 1)"]);
    expect(row(card, "Members")[1]).toBe("4 (↑ 1)");
    expect(row(card, "Event attendance (attended ÷ said going)")[1]).toBe("67%");
    expect(row(card, "Survey responses (answered ÷ asked)")[1]).toBe("50%");
    expect(row(card, "Matching: groups that met")[1]).toBe("—");
    // The previous month is what October held.
    expect((await recount(h, communityId, "2026-10")).active).toBe(2);
    expect(cardText(card)).toContain("Each figure against 2026-10");
  });

  it("shows an ISO week against the week before, kept current by the next recount", async () => {
    h.setNow("2026-11-12T09:05:00Z");
    const first = (await h.say(ANA, CHANNEL, "metrics week")).items[0]!.card;
    expect(first.title).toBe("Data Stewards: figures for 2026-W46");
    // Monday 2 November (W45): five people acted; this week Ben and Dev, and Ana now, counted once the recount runs.
    expect(row(first, "Active members")[1]).toBe("2 (↓ 3)");
    await runRefreshes(h);
    const next = (await h.say(ANA, CHANNEL, "metrics 2026-W46")).items[0]!.card;
    expect(row(next, "Active members")[1]).toBe("3 (↓ 2)");
    expect(row(next, "Left")[1]).toBe("1 (↑ 1)");
    expect(texts(await h.say(ANA, CHANNEL, "metrics 2026-W53"))[0]).toMatch(/I did not understand 2026-W53/);
  });

  it("refuses members, and says how to type a month it cannot read", async () => {
    const refused = await h.say(BEN, CHANNEL, "metrics");
    expect(texts(refused)[0]).toMatch(/^Only the facilitators of Data Stewards can do that\./);
    expect(texts(await h.say(ANA, CHANNEL, "metrics November"))[0]).toMatch(/I did not understand November\. Type @CoP Companion metrics \[YYYY-MM\|week\|YYYY-Www\]/);
  });

  it("gives a sponsor in Slack the report, its CSV that parses back and its Markdown with well-formed tables", async () => {
    await h.say(ANA, CHANNEL, "assign sponsor @1", [{ id: "U3", name: "Carol" }]);
    const shown = await h.say(SLACK_CAROL, SLACK_CHANNEL, "report 2026-10 2026-11");
    const card = shown.items[0]!.card;
    expect(card.title).toBe("Data Stewards: report to the sponsor, 2026-10-01 – 2026-11-30");
    const text = cardText(card);
    expect(text).toMatch(/Monthly call: 3 said going, 3 attended/);
    // The poll is still open: feedback lists closed surveys only.
    expect(text).toContain("No survey closed in this range.");
    expect(text).toContain("No success stories approved for this range yet.");
    expect(card.blocks.filter((b) => b.type === "chart").map((b) => (b.type === "chart" ? b.series.map((s) => s.values) : []))[0]).toEqual([[3, 4], [2, 5]]);
    const buttons = actionsOf(card);
    expect(buttons.map((b) => b.label)).toEqual(["Download Markdown", "Download CSV"]);

    const csv = await h.press(SLACK_CAROL, SLACK_CHANNEL, buttons[1]!.verb, buttons[1]!.data);
    const sent = csv.items.find((i) => i.kind === "file")!;
    expect(sent.kind === "file" && sent.file.name).toBe("report-2026-10-01-2026-11-30.csv");
    const rows = parse(sent.kind === "file" ? sent.file.bytes.toString("utf8") : "", { bom: true }) as string[][];
    expect(rows[0]).toEqual(["Section", "Period or space", "Figure", "Value", "Previous"]);
    expect(rows).toContainEqual(["Participation", "2026-11", "Active members", "5", ""]);
    expect(rows).toContainEqual(["Participation", "2026-11", "Event attendance (attended ÷ said going) (%)", "67", ""]);
    expect(rows).toContainEqual(["Per space", "#data-stewards", "Members", "2", ""]);

    const mdFile = (await h.press(SLACK_CAROL, SLACK_CHANNEL, buttons[0]!.verb, buttons[0]!.data)).items.find((i) => i.kind === "file")!;
    const markdown = mdFile.kind === "file" ? mdFile.file.bytes.toString("utf8") : "";
    expect(markdown.startsWith("# Data Stewards: report to the sponsor")).toBe(true);
    // Every table: a header, a delimiter row with as many cells, and rows of the same width.
    const cells = (line: string) => line.replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).length;
    const tables = markdown.split(/\n\n+/).filter((block) => block.startsWith("|"));
    expect(tables.length).toBeGreaterThanOrEqual(3);
    for (const t of tables) {
      const lines = t.split("\n");
      expect(lines[1]).toMatch(/^\|( --- \|)+$/);
      expect(new Set(lines.map(cells)).size).toBe(1);
    }
    expect(markdown).toContain("| Active members | 2 | 5 |");
    expect(markdown).toMatch(/## Activities held\n\n- Tuesday, November 10, 2026 at 2:00 PM UTC: \*\*Monthly call\*\*: 3 said going, 3 attended\n/);
  });

  it("puts in the report the stories stewards approved in its range, only those the author let the sponsor read", async () => {
    const communityId = (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
    const story = (id: string, title: string, shareWithSponsor: boolean) => ({
      communityId, id, kind: "success" as const, title, body: `${title}: three labs use it now.`, shareWithSponsor,
      author: ANA.personKey, authorName: "Ana", at: "2026-11-15T10:00:00.000Z", status: "approved" as const,
      decidedBy: ANA.personKey, decidedByName: "Ana", decidedAt: "2026-11-16T10:00:00.000Z",
    });
    await h.deps.repos.summaries.addStory(story("s-shared", "Checklist adopted", true));
    await h.deps.repos.summaries.addStory(story("s-private", "Kept among us", false));
    const text = cardText((await h.say(ANA, CHANNEL, "report 2026-10 2026-11")).items[0]!.card);
    expect(text).toContain("Checklist adopted");
    expect(text).not.toContain("Kept among us");
    // Outside the range, it is not there.
    expect(cardText((await h.say(ANA, CHANNEL, "report 2026-10 2026-10")).items[0]!.card)).not.toContain("Checklist adopted");
  });

  it("says plainly when a range holds no data", async () => {
    const shown = await h.say(ANA, CHANNEL, "report 2025-01 2025-03");
    expect(texts(shown)[0]).toContain("There is no data for Data Stewards from 2025-01-01 to 2025-03-31: nobody was a member");
    expect(actionsOf(shown.items[0]!.card)).toEqual([]);
    expect(texts(await h.say(ANA, CHANNEL, "report 2026-11 2026-01"))[0]).toMatch(/I did not understand 2026-11 2026-01/);
  });

  it("counts a report's months never counted in one read of the community's rows, with the same figures", async () => {
    h.setNow("2027-06-03T09:00:00Z");
    const list = h.deps.repos.members.list.bind(h.deps.repos.members);
    let reads = 0;
    h.deps.repos.members.list = (...args) => ((reads += 1), list(...args));
    const text = cardText((await h.say(ANA, CHANNEL, "report 2026-09 2027-05")).items[0]!.card);
    h.deps.repos.members.list = list;
    // Eight months since the community began (November recounted now that it is closed): one roster read for
    // them all, and one for the poll's response rate (each month alone read it once each).
    expect(reads).toBe(2);
    expect(text).toMatch(/Monthly call: 3 said going, 3 attended/);
    expect((await storedAggregates(h, communityId, "2026-11")).find((a) => a.scope === "all")!.figures).toEqual(all());
  });
});

describe("activity that cannot be recorded", () => {
  it("does not take the asker's answer away: what they asked for is done, the failure only logged", async () => {
    const h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    h.deps.repos.metrics.markActive = () => Promise.reject(new Error("storage is down"));
    const shown = await h.say(BEN, CHANNEL, "charter");
    expect(cardText(shown.items[0]!.card)).toContain(CHARTER_VALUES.name);
  });
});

describe("activity marks kept before they had a partition of their own", () => {
  it("still count, each person once, when a mark was kept in both places", async () => {
    const h = await kernelOnRealStore();
    h.setNow("2026-10-05T09:00:00Z");
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    await h.say(ANA, CHANNEL, "charter");
    const communityId = (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
    // As an older version kept them, in the community's partition: Ben's (he did nothing since) and Ana's again.
    const legacy = (person: { personKey: string }, at: string) => ({
      partitionKey: `c:${communityId}`,
      rowKey: `act:2026-10:${encodeURIComponent(person.personKey)}`,
      kind: "activity",
      v: 1,
      json: JSON.stringify({ personKey: person.personKey, period: "2026-10", spaceKey: CHANNEL.spaceKey, at }),
    });
    await h.tables.communities.createEntity(legacy(BEN, "2026-10-01T08:00:00.000Z"));
    await h.tables.communities.createEntity(legacy(ANA, "2026-10-02T08:00:00.000Z"));
    await runRefreshes(h);
    const october = (await storedAggregates(h, communityId, "2026-10")).find((a) => a.scope === "all")!;
    expect([october.figures.active, october.figures.newContributors]).toEqual([2, 2]);
  });
});

describe("joins and leaves", () => {
  it("ask for a recount of the month though nobody typed anything, once a minute however many arrive", async () => {
    const h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    h.setNow("2026-11-30T10:00:30Z");
    const before = (await listJobs(h, "metrics.refresh")).map((j) => j.key);
    const nobody = { resolve: async () => undefined };
    await h.kernel.onEvent({ kind: "joined", people: [{ personKey: DEV.personKey, displayName: DEV.displayName }] }, { actor: DEV, space: CHANNEL }, nobody);
    await h.kernel.onEvent({ kind: "joined", people: [{ personKey: BEN.personKey, displayName: BEN.displayName }] }, { actor: BEN, space: CHANNEL }, nobody);
    await h.kernel.onEvent({ kind: "left", people: [DEV.personKey] }, { actor: DEV, space: CHANNEL }, nobody);
    const added = (await listJobs(h, "metrics.refresh")).filter((j) => !before.includes(j.key));
    expect(added.map((j) => j.dueAt)).toEqual(["2026-11-30T10:01:00.000Z"]);
  });
});
