import { beforeEach, describe, expect, it } from "vitest";
import { memberFor } from "../../src/core/kernel/members.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, PERSONAL, SLACK_CAROL, SLACK_CHANNEL, formOf, kernelOnRealStore, kinds, texts, verbsOf, type KernelHarness } from "../support/core.js";

const setUp = async (h: KernelHarness) => h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);

describe("setting up and running a community", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
  });

  it("offers the setup form in a channel; in a personal chat says where communities live, without offering setup", async () => {
    expect(kinds(await h.say(ANA, CHANNEL, "setup"))).toEqual(["form"]);
    const personal = await h.say(ANA, PERSONAL, "setup");
    expect(texts(personal)[0]).toMatch(/live in a channel or group chat.*type @CoP Companion setup there/);
    const help = await h.say(ANA, PERSONAL, "help");
    const card = help.items[0]!.card;
    expect(verbsOf(card)).toEqual([]);
    expect(texts(help)[0]).not.toMatch(/Set up a community in this space|link CODE +Join/);
    expect(texts(help)[0]).toMatch(/add me to one and type @CoP Companion setup there/);
  });

  it("returns the form with field errors and what was typed, and stores nothing, when the charter is incomplete or too long", async () => {
    const shown = await h.say(ANA, CHANNEL, "setup");
    const refused = await h.submit(ANA, shown, { ...CHARTER_VALUES, audience: "", purposes: [], domain: "x".repeat(201) });
    const form = formOf(refused);
    const field = (name: string) => form.fields.find((f) => f.name === name)!;
    expect(field("audience").error).toBe("Required.");
    expect(field("purposes").error).toBe("Choose at least one.");
    // Too long is an error with the limit, never a silent cut.
    expect(field("domain").error).toBe("Too long: 201 characters, at most 200.");
    expect(field("domain").value).toHaveLength(201);
    expect(field("domain").hint).toMatch(/Up to 200 characters/);
    expect(field("name").value).toBe("Data Stewards");
    expect(await h.deps.repos.spaces.find(CHANNEL.spaceKey)).toBeUndefined();
  });

  it("keeps a goal that starts with a minus sign: a list marker needs a space after it", async () => {
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), { ...CHARTER_VALUES, goals: "-20% time to onboard\n- Share practice\n* Write a guide" });
    const charter = texts(await h.say(ANA, CHANNEL, "charter"))[0]!;
    expect(charter).toMatch(/-20% time to onboard/);
    expect(charter).toMatch(/Share practice/);
    expect(charter).not.toMatch(/- Share practice/);
  });

  it("creates the community, makes the creator its facilitator and shows the charter to the channel without steward buttons", async () => {
    const created = await setUp(h);
    expect(kinds(created)).toEqual(["reply", "post"]);
    expect(texts(created)[0]).toMatch(/Data Stewards is set up in this space, and you are its facilitator. Type @CoP Companion charter/);
    const posted = created.items[1]!.card;
    expect(verbsOf(posted)).toEqual(["community.roles.show"]);
    expect(texts(created)[1]).toMatch(/Facilitated by\nAna Duarte/);
    expect(texts(created)[1]).toMatch(/Meets in\nMicrosoft Teams: Data Stewards \/ General/);
    expect(texts(await h.say(BEN, CHANNEL, "setup"))[0]).toMatch(/already belongs to Data Stewards. Type @CoP Companion charter to see it/);
  });

  it("lets only stewards change the charter, names who can, and shows stewards their edit button", async () => {
    await setUp(h);
    const refused = await h.press(BEN, CHANNEL, "community.charter.edit");
    expect(texts(refused)).toEqual(["Only the facilitators of Data Stewards can do that. Ask Ana Duarte."]);
    expect(verbsOf((await h.say(BEN, CHANNEL, "charter")).items[0]!.card)).toEqual(["community.roles.show"]);
    expect(verbsOf((await h.say(ANA, CHANNEL, "charter")).items[0]!.card)).toEqual(["community.charter.edit", "community.roles.show"]);
  });

  it("refuses a charter form opened before someone else saved, keeping what was typed and showing what changed", async () => {
    await setUp(h);
    const first = await h.say(ANA, CHANNEL, "edit");
    const second = await h.say(ANA, CHANNEL, "edit");
    expect(texts(await h.submit(ANA, second, { name: "Data Stewards Network" }))[0]).toMatch(/charter of Data Stewards Network was updated/);
    const stale = await h.submit(ANA, first, { domain: "research software" });
    const form = formOf(stale);
    expect(form.error).toMatch(/changed by someone else after you opened this form, so nothing was saved/);
    expect(form.fields.find((f) => f.name === "domain")!.value).toBe("research software");
    // The field someone else changed holds their value now (this person had not touched it), and says so.
    expect(form.fields.find((f) => f.name === "name")).toMatchObject({ value: "Data Stewards Network", error: "Changed meanwhile by someone else to: Data Stewards Network" });
    expect(form.fields.find((f) => f.name === "domain")!.error).toBe("");
    const charter = texts(await h.say(ANA, CHANNEL, "charter"))[0]!;
    expect(charter).toMatch(/Data Stewards Network/);
    expect(charter).toMatch(/research data management/);
    // Submitted again (now at the current version), both changes are kept.
    expect(texts(await h.submit(ANA, stale, {}))[0]).toMatch(/charter of Data Stewards Network was updated/);
    expect(texts(await h.say(ANA, CHANNEL, "charter"))[0]).toMatch(/research software/);
  });

  it("saves a charter form opened before a change that touched nothing in it (a status change, a role)", async () => {
    await setUp(h);
    const opened = await h.say(ANA, CHANNEL, "edit");
    await h.say(ANA, CHANNEL, "status launched");
    await h.say(ANA, CHANNEL, "assign co-facilitator @1", [{ id: "29:ben", name: "Ben" }]);
    expect(texts(await h.submit(ANA, opened, { domain: "research software" }))[0]).toMatch(/was updated/);
  });

  it("takes only a checked form submission for a command that has a form, never a hand-made button", async () => {
    await setUp(h);
    const forged = await h.press(ANA, CHANNEL, "community.charter.update", { name: "X", domain: "x", audience: "x", purposes: ["tasks"], goals: [], outcomes: [] });
    expect(texts(forged)[0]).toMatch(/could not be checked/);
    expect(texts(await h.say(ANA, CHANNEL, "charter"))[0]).toMatch(/Data Stewards/);
  });

  it("refuses a form submitted by someone other than who opened it, or with a tampered context", async () => {
    await setUp(h);
    const shown = await h.say(ANA, CHANNEL, "edit");
    expect(texts(await h.submit(BEN, shown, { name: "Hijacked" }))[0]).toMatch(/opened by someone else/);
    const form = formOf(shown);
    const tampered = await h.kernel.handle({ actor: ANA, space: CHANNEL, ask: { kind: "form", verb: form.verb, token: `${form.token.slice(0, -3)}abc`, values: { name: "X" } } }, { resolve: async () => undefined });
    expect(texts(tampered)[0]).toMatch(/could not be checked/);
  });
});

describe("roles and mentions", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
  });

  it("explains how to mention when a name was typed without a real mention", async () => {
    expect(texts(await h.say(ANA, CHANNEL, "assign co-facilitator @Ben"))[0]).toMatch(/Name the role and @mention the person, e.g. @CoP Companion assign co-facilitator @Ana.*Pick the person from the list/);
    expect(texts(await h.say(ANA, CHANNEL, "assign captain @1", [{ id: "29:ben", name: "Ben" }]))[0]).toMatch(/"captain" is not a role/);
  });

  it("gives a role only to a person the platform identifies, with the name the platform gives", async () => {
    expect(texts(await h.say(ANA, CHANNEL, "assign co-facilitator @1", [{ id: "29:nobody", name: "The CEO (verified)" }]))[0]).toMatch(/could not identify The CEO \(verified\) just now, so nothing was changed/);
    // Card data naming a person key and a display name is not who someone is: only the platform id is looked up.
    const forged = await h.press(ANA, CHANNEL, "community.role.assign", { role: "sponsor", person: "teams:tenant-1:aad-ceo", displayName: "The CEO (verified)" });
    expect(texts(forged)[0]).toMatch(/could not identify/);
    const assigned = await h.say(ANA, CHANNEL, "assign co-facilitator @1", [{ id: "29:ben", name: "Ben" }]);
    expect(kinds(assigned)).toEqual(["post"]);
    expect(texts(assigned)[0]).toBe("Ben Okafor is now Co-facilitator of Data Stewards.");
  });

  it("lists who has which role: facilitators first, then by name, the first 40 and how many more", async () => {
    await h.say(BEN, CHANNEL, "charter");
    const id = (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
    const now = new Date().toISOString();
    const person = (n: number, displayName: string, role: "member" | "co-facilitator") => memberFor({ personKey: `slack:T1:U${500 + n}`, displayName }, { communityId: id, spaceKey: SLACK_CHANNEL.spaceKey, role, now });
    await h.deps.repos.members.saveMany([person(0, "Zoe Cole", "co-facilitator"), ...Array.from({ length: 45 }, (_, i) => person(i + 1, `Member ${String(44 - i).padStart(2, "0")}`, "member"))]);
    const card = (await h.say(BEN, CHANNEL, "roles")).items[0]!.card;
    const table = card.blocks.find((b) => b.type === "table");
    if (table?.type !== "table") throw new Error("no table of roles");
    expect(table.rows.slice(0, 5)).toEqual([["Ana Duarte", "Facilitator"], ["Zoe Cole", "Co-facilitator"], ["Ben Okafor", "Member"], ["Member 00", "Member"], ["Member 01", "Member"]]);
    expect(table.rows).toHaveLength(40);
    expect(table.rows.at(-1)).toEqual(["Member 36", "Member"]);
    expect(table.omitted).toBe(8);
  });

  it("counts each person once however many spaces they act in, and keeps people who said leave out", async () => {
    await h.say(BEN, CHANNEL, "charter");
    expect(await h.deps.repos.members.count((await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId)).toBe(2);
    expect(texts(await h.say(BEN, CHANNEL, "leave"))[0]).toMatch(/You left Data Stewards/);
    await h.say(BEN, CHANNEL, "charter");
    const id = (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
    expect(await h.deps.repos.members.count(id)).toBe(1);
    expect(texts(await h.say(BEN, CHANNEL, "roles"))[0]).toMatch(/You are not taking part in Data Stewards \(you left it\). Type @CoP Companion join/);
    expect(texts(await h.say(BEN, CHANNEL, "join"))[0]).toMatch(/You are a member of Data Stewards/);
    expect(await h.deps.repos.members.count(id)).toBe(2);
    expect(texts(await h.say(ANA, CHANNEL, "leave"))[0]).toMatch(/only facilitator/);
  });
});

describe("the lifecycle", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
  });

  it("says the stages and the current one when no or an unknown stage is given", async () => {
    expect(texts(await h.say(ANA, CHANNEL, "status"))[0]).toMatch(/Data Stewards is at the Pilot stage. Say which stage comes next: launched and closed, e.g. @CoP Companion status launched/);
    expect(texts(await h.say(ANA, CHANNEL, "status paused"))[0]).toMatch(/"paused" is not a stage. Data Stewards is at the Pilot stage/);
  });

  it("allows only defined moves, announces only real changes, and asks before closing", async () => {
    expect(texts(await h.say(ANA, CHANNEL, "status wrapping up"))[0]).toMatch(/cannot go from Pilot to Wrapping up. From Pilot it can go to launched and closed/);
    const launched = await h.say(ANA, CHANNEL, "status launched");
    expect(kinds(launched)).toEqual(["post"]);
    expect(texts(await h.say(ANA, CHANNEL, "status launched"))[0]).toMatch(/already at the Launched stage: nothing changed/);
    const ask = await h.say(ANA, CHANNEL, "status closed");
    expect(kinds(ask)).toEqual(["reply"]);
    expect(texts(ask)[0]).toMatch(/Close Data Stewards\?/);
    const closed = await h.press(ANA, CHANNEL, "community.status.set", { status: "closed", confirm: true });
    expect(texts(closed)[0]).toBe("Data Stewards is now at the Closed stage.");
    expect(texts(await h.press(ANA, CHANNEL, "community.status.set", { status: "closed", confirm: true }))[0]).toMatch(/already at the Closed stage/);
  });

  it("keeps a closed community read-only until a facilitator reopens it, with confirmation", async () => {
    await h.say(ANA, CHANNEL, "status launched");
    await h.press(ANA, CHANNEL, "community.status.set", { status: "closed", confirm: true });
    expect(texts(await h.say(ANA, CHANNEL, "edit"))[0]).toMatch(/Data Stewards is closed, so nothing in it can change. A facilitator can reopen it with @CoP Companion status launched/);
    expect(texts(await h.say(ANA, CHANNEL, "link"))[0]).toMatch(/is closed/);
    expect(texts(await h.say(BEN, CHANNEL, "charter"))[0]).toMatch(/Closed/);
    expect(texts(await h.say(ANA, CHANNEL, "status launched"))[0]).toMatch(/Reopen Data Stewards\?/);
    expect(texts(await h.press(ANA, CHANNEL, "community.status.set", { status: "launched", confirm: true }))[0]).toMatch(/now at the Launched stage/);
    expect(kinds(await h.say(ANA, CHANNEL, "edit"))).toEqual(["form"]);
  });
});

describe("linking across platforms", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
    h.setNow("2026-11-23T10:00:00Z");
  });

  const codeFrom = (text: string) => /link ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(text)![1]!;

  it("gives the code privately, says how to type it on each platform, and links a Slack channel", async () => {
    const started = await h.say(ANA, CHANNEL, "link");
    expect(started.items[0]).toMatchObject({ kind: "reply", secret: true });
    const text = texts(started)[0]!;
    expect(text).toMatch(/\/cop link [A-Z0-9]{4}-[A-Z0-9]{4}.*@CoP Companion link/);
    const linked = await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${codeFrom(text)}`);
    expect(kinds(linked)).toEqual(["post", "reply", "post"]);
    expect(texts(linked)[0]).toBe("Data Stewards now meets in Microsoft Teams: Data Stewards / General and Slack: #data-stewards. Events, surveys, digests and totals cover all of them.");
    expect(texts(linked)[1]).toBe("You can manage Data Stewards from here as its Co-facilitator.");
  });

  it("tells a facilitator who links a second space that they facilitate it, not that they are a co-facilitator", async () => {
    const code = codeFrom(texts(await h.say(ANA, CHANNEL, "link"))[0]!);
    const linked = await h.say(ANA, { ...CHANNEL, spaceKey: "teams:tenant-1:19:other@thread.tacv2", displayName: "Other / General" }, `link ${code}`);
    expect(texts(linked)[1]).toBe("You facilitate Data Stewards, and you can run it from here too.");
  });

  it("in a space already linked, says a made-up code is not valid, and keeps a real one working", async () => {
    expect(texts(await h.say(ANA, CHANNEL, "link ABCD-EFGH"))[0]).toMatch(/That link code is not valid/);
    const code = codeFrom(texts(await h.say(ANA, CHANNEL, "link"))[0]!);
    expect(texts(await h.say(ANA, CHANNEL, `link ${code}`))[0]).toBe("This space is already part of Data Stewards, so there is nothing to link.");
    expect(kinds(await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${code}`))).toEqual(["post", "reply", "post"]);
  });

  it("announces a status change made in Slack in the linked Teams channel too", async () => {
    const code = codeFrom(texts(await h.say(ANA, CHANNEL, "link"))[0]!);
    await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${code}`);
    const before = await h.scheduling.jobs.fanoutProgress("x");
    expect(before).toBeUndefined();
    const changed = await h.say(SLACK_CAROL, SLACK_CHANNEL, "status launched");
    expect(kinds(changed)).toEqual(["post"]);
    const jobs = await listJobs(h);
    const fanout = jobs.find((j) => j.kind === "fanout" && JSON.stringify(j.payload).includes("notice.statusChanged"));
    expect(fanout?.payload).toMatchObject({ audience: { kind: "spaces", except: [SLACK_CHANNEL.spaceKey] }, card: { presenter: "notice" } });
  });
});

describe("anything not understood", () => {
  it("answers an unknown command privately and briefly", async () => {
    const h = await kernelOnRealStore();
    const answer = await h.say(ANA, CHANNEL, "make coffee please");
    expect(kinds(answer)).toEqual(["reply"]);
    expect(texts(answer)[0]).toMatch(/^I did not understand "make coffee please". Type @CoP Companion help to see what I can do./);
  });
});

async function listJobs(h: KernelHarness): Promise<Array<{ kind: string; payload: unknown }>> {
  const rows: Array<{ kind: string; payload: unknown }> = [];
  for await (const row of h.scheduling.storage.tables.jobs.listEntities<{ json?: string }>()) {
    if (row.json) {
      const parsed = JSON.parse(row.json) as { kind?: string; payload?: unknown };
      if (parsed.kind) rows.push({ kind: parsed.kind, payload: parsed.payload });
    }
  }
  return rows;
}

describe("buttons on a private card", () => {
  it("run in the space the card is about when pressed from the person's 1:1 chat, and only for that person", async () => {
    const h = await kernelOnRealStore();
    await setUp(h);
    await h.say(ANA, CHANNEL, "status launched");
    const ask = await h.say(ANA, CHANNEL, "status closed");
    const close = ask.items[0]!.card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : [])).find((a) => a.data.confirm === true)!;
    // Pressed in the 1:1 chat, where the card was delivered: it still closes the channel's community.
    expect(texts(await h.press(ANA, PERSONAL, close.verb, close.data))[0]).toBe("Data Stewards is now at the Closed stage.");
    // The same button data pressed by someone else runs where they press it: nothing of Ana's space is theirs.
    const other = await h.press(BEN, { ...PERSONAL, spaceKey: "teams:tenant-1:a:1on1-ben" }, close.verb, close.data);
    expect(texts(other)[0]).toMatch(/Communities live in a channel or group chat/);
  });
});

describe("joining", () => {
  it("welcomes a first `join` as a join, and says so only once", async () => {
    const h = await kernelOnRealStore();
    await setUp(h);
    expect(texts(await h.say(BEN, CHANNEL, "join"))[0]).toMatch(/You are a member of Data Stewards: you get its messages/);
    expect(texts(await h.say(BEN, CHANNEL, "join"))[0]).toMatch(/already a member/);
  });

  it("refuses a link code drawn before the community closed", async () => {
    const h = await kernelOnRealStore();
    await setUp(h);
    const code = /link ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(texts(await h.say(ANA, CHANNEL, "link"))[0]!)![1]!;
    await h.press(ANA, CHANNEL, "community.status.set", { status: "closed", confirm: true });
    expect(texts(await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${code}`))[0]).toMatch(/Data Stewards is closed/);
    expect(await h.deps.repos.spaces.find(SLACK_CHANNEL.spaceKey)).toBeUndefined();
  });
});
