import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import type { DeliveryTarget, Messenger } from "../../src/core/ports.js";
import { memberFor } from "../../src/core/kernel/members.js";
import { Reader } from "../../src/core/kernel/reader.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, SLACK_CAROL, SLACK_CHANNEL, cardText, formOf, kernelOnRealStore, kinds, listJobs, texts, verbsOf, type Actor, type KernelHarness } from "../support/core.js";
import { FAST } from "../support/scheduling.js";

const setUp = async (h: KernelHarness) => h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), { ...CHARTER_VALUES, participation: "Come to one call a month", conflictResolution: "Talk to a facilitator first" });
const join = (h: KernelHarness, who: Actor, space: typeof CHANNEL | typeof SLACK_CHANNEL) =>
  h.kernel.onEvent({ kind: "joined", people: [{ personKey: who.personKey, displayName: who.displayName }] }, { actor: who, space }, { resolve: async () => undefined });
const DAN = { personKey: "teams:tenant-1:aad-dan", displayName: "Dan Ortiz", locale: "en" } as const;
const EVE = { personKey: "slack:T1:U5", displayName: "Eve Li", locale: "en" } as const;

/** Binds the Slack channel to the community as `link` would. */
async function linkSlack(h: KernelHarness): Promise<void> {
  await h.deps.repos.spaces.bind({ communityId: "community-1", spaceKey: SLACK_CHANNEL.spaceKey, platform: "slack", displayName: SLACK_CHANNEL.displayName, boundAt: new Date().toISOString(), boundBy: ANA.personKey });
}

/** The welcome fan-outs stored for delivery, with the card each would show a reader on `platform`. */
async function welcomes(h: KernelHarness, platform: "teams" | "slack" = "teams") {
  const jobs = (await listJobs(h, "fanout")).filter((j) => (j.payload.card as { presenter: string }).presenter === "onboarding.welcome");
  return jobs.map((j) => ({ audience: j.payload.audience, card: h.kernel.present(j.payload.card as { presenter: string; data: unknown }, Reader.parse({ platform, personal: true })) }));
}

const fill = (values: Record<string, string>) => ({ organisation: "", role: "", expertise: "", interests: "", offers: "", wantsToLearn: "", timezone: "", visible: "yes", introduce: "no", ...values });
/** `profile` as typed in the space: Slack opens the form; a Teams channel gives a private button that opens it. */
async function openProfileForm(h: KernelHarness, who: Actor, space: typeof CHANNEL | typeof SLACK_CHANNEL): Promise<Delivery> {
  const asked = await h.say(who, space, "profile");
  if (space.platform === "slack") return asked;
  const prompt = asked.items[0]!;
  const button = prompt.card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []))[0]!;
  return h.press(who, space, button.verb, button.data);
}
async function writeProfile(h: KernelHarness, who: Actor, space: typeof CHANNEL | typeof SLACK_CHANNEL, values: Record<string, string>): Promise<Delivery> {
  return h.submit(who, await openProfileForm(h, who, space), fill(values));
}
const errorsOf = (d: Delivery) => Object.fromEntries(formOf(d).fields.filter((f) => f.error).map((f) => [f.name, f.error]));

describe("the welcome", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
  });

  it("is one direct message per person, even when the join is delivered twice or they join a second linked space", async () => {
    await join(h, BEN, CHANNEL);
    await join(h, BEN, CHANNEL);
    await linkSlack(h);
    await join(h, BEN, SLACK_CHANNEL);
    await join(h, SLACK_CAROL, SLACK_CHANNEL);
    const sent = await welcomes(h);
    expect(sent.map((w) => w.audience)).toEqual(expect.arrayContaining([{ kind: "people", people: [BEN.personKey] }, { kind: "people", people: [SLACK_CAROL.personKey] }]));
    expect(sent).toHaveLength(2);
  });

  it("says what the community is for, its guidelines, who facilitates, what is next, how to take part, and invites a profile", async () => {
    await h.submit(ANA, await h.say(ANA, CHANNEL, "event"), {
      title: "Data management plans", kind: "webinar", "start.date": "2027-01-14", "start.time": "15:00", "start.zone": "Europe/Rome", minutes: "90", recurrence: "none",
    });
    await join(h, DAN, CHANNEL);
    const [welcome] = await welcomes(h, "teams");
    const text = cardText(welcome!.card);
    expect(welcome!.card.title).toBe("Welcome to Data Stewards");
    expect(text).toContain("Data Stewards is a community of practice on research data management, for data stewards in partner universities.");
    expect(text).toContain("What we are here for: Learning and developing practice and Creating new knowledge.");
    expect(text).toMatch(/Taking part\nCome to one call a month\nWhen we disagree\nTalk to a facilitator first/);
    expect(text).toContain("Facilitated by Ana Duarte");
    expect(text).toMatch(/Data management plans, Thursday, January 14, 2027/);
    // In a Teams 1:1 chat the commands are shown as typed in the channel, where they run.
    expect(text).toContain("@CoP Companion profile");
    expect(verbsOf(welcome!.card)).toEqual(["onboarding.profile.open"]);
    const [slack] = await welcomes(h, "slack");
    expect(cardText(slack!.card)).toContain("/cop who knows TOPIC");
  });

  it("carries the stewards' words once they edit it; a stale edit keeps what was typed; members cannot edit it", async () => {
    const opened = await h.say(ANA, CHANNEL, "welcome edit");
    const other = await h.say(ANA, CHANNEL, "welcome edit");
    expect(kinds(await h.submit(ANA, opened, { text: "Hello and welcome, *newcomer*!" }))).toEqual(["reply"]);
    const stale = await h.submit(ANA, other, { text: "Overwrite it" });
    expect(kinds(stale)).toEqual(["form"]);
    expect(formOf(stale).fields[0]!.value).toBe("Overwrite it");
    expect(texts(await h.say(BEN, CHANNEL, "welcome edit"))[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
    const preview = await h.say(ANA, CHANNEL, "welcome preview");
    expect(texts(preview)[0]).toContain("Hello and welcome, *newcomer*!");
    await join(h, DAN, CHANNEL);
    expect(cardText((await welcomes(h))[0]!.card)).toContain("Hello and welcome, *newcomer*!");
  });

  it("falls back to the space joined when the newcomer cannot be messaged directly", async () => {
    const spaces: Array<{ target: DeliveryTarget; text: string }> = [];
    const teams: Messenger = {
      async deliver(target: DeliveryTarget, card: Card) {
        if (target.kind === "person") return { status: "unreachable", reason: "guest from another organisation" };
        spaces.push({ target, text: cardText(card) });
        return { status: "sent", messageId: `m${spaces.length}` };
      },
      async update() {
        return { status: "updated" };
      },
    };
    const g = await kernelOnRealStore({ ...FAST, messengers: { teams } });
    await setUp(g);
    g.scheduling.start({});
    try {
      await join(g, DAN, CHANNEL);
      await expect.poll(async () => (await g.scheduling.jobs.fanoutProgress((await welcomeFanout(g))!))?.done, { timeout: 20_000 }).toBe(true);
      g.setNow(new Date(Date.parse("2026-11-23T09:00:00Z") + 3 * 60_000).toISOString());
      const inSpace = () => spaces.filter((s) => s.text.includes("Welcome, Dan Ortiz! I could not send you a direct message, so your welcome is here."));
      await expect.poll(() => inSpace().length, { timeout: 20_000 }).toBe(1);
      expect(inSpace()[0]!.target).toEqual({ kind: "space", spaceKey: CHANNEL.spaceKey });
      expect(inSpace()[0]!.text).toMatch(/^Welcome to Data Stewards/);
    } finally {
      await g.scheduling.stop();
    }
  });
});

async function welcomeFanout(h: KernelHarness): Promise<string | undefined> {
  const job = (await listJobs(h, "fanout")).find((j) => (j.payload.card as { presenter: string }).presenter === "onboarding.welcome");
  return job ? String(job.payload.fanoutId ?? job.key) : undefined;
}

describe("intro profiles", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
    await linkSlack(h);
  });

  it("open in a form only its owner sees: a Teams channel gets no form, its owner a private button", async () => {
    const asked = await h.say(BEN, CHANNEL, "profile");
    expect(asked.items.map((i) => [i.kind, i.kind === "reply" && i.secret])).toEqual([["reply", true]]);
    expect(texts(asked)[0]).toContain("Your intro profile goes in a form only you see.");
    expect(kinds(await openProfileForm(h, BEN, CHANNEL))).toEqual(["form"]);
    expect(kinds(await h.say(SLACK_CAROL, SLACK_CHANNEL, "profile"))).toEqual(["form"]);
  });

  it("are saved from the form; others see only what is shared, stewards included", async () => {
    const saved = await writeProfile(h, BEN, CHANNEL, { organisation: "Uni Lisboa", expertise: "Data curation\nFAIR metadata", wantsToLearn: "R", timezone: "Europe/Lisbon", visible: "no" });
    expect(texts(saved)[0]).toMatch(/Your intro profile is saved\. Only you see it/);
    const byAna = texts(await h.say(ANA, CHANNEL, "profile @1", [{ id: "29:ben", name: "Ben Okafor" }]))[0]!;
    expect(byAna).toContain("Ben Okafor has not shared an intro profile with the community.");
    expect(byAna).toContain("How to reach them: Ben Okafor on Microsoft Teams");
    for (const secret of ["Uni Lisboa", "Data curation", "Europe/Lisbon"]) expect(byAna).not.toContain(secret);
    // Ben sees his own, with a reminder that it is hidden.
    const own = texts(await h.say(BEN, CHANNEL, "profile ben"))[0]!;
    expect(own).toContain("Uni Lisboa");
    expect(own).toContain("Only you see this");

    await writeProfile(h, BEN, CHANNEL, { organisation: "Uni Lisboa", expertise: "Data curation", timezone: "Europe/Lisbon" });
    const shared = texts(await h.say(SLACK_CAROL, SLACK_CHANNEL, "profile Ben Okafor"))[0]!;
    expect(shared).toMatch(/Organisation\nUni Lisboa/);
    expect(shared).toMatch(/Expertise\nData curation/);
  });

  it("refuse an unknown time zone and over-long fields, keeping everything typed", async () => {
    const typed = { organisation: "x".repeat(201), role: "Data steward", expertise: "Ontologies", timezone: "Mars/Olympus" };
    const refused = await writeProfile(h, BEN, CHANNEL, typed);
    expect(kinds(refused)).toEqual(["form"]);
    expect(errorsOf(refused)).toEqual({ organisation: expect.stringMatching(/200/) });
    const values = Object.fromEntries(formOf(refused).fields.map((f) => [f.name, f.value]));
    expect(values).toMatchObject({ organisation: typed.organisation, role: "Data steward", expertise: "Ontologies", timezone: "Mars/Olympus" });
    const zone = await h.submit(BEN, refused, { organisation: "Uni" });
    expect(errorsOf(zone)).toEqual({ timezone: "Mars/Olympus is not a time zone I know. Use an IANA name such as Europe/Rome." });
    expect(formOf(zone).fields.find((f) => f.name === "role")!.value).toBe("Data steward");
    expect((await h.deps.repos.members.get("community-1", BEN.personKey))?.profile.organisation ?? "").toBe("");
  });

  it("post an introduction to every linked space when asked", async () => {
    const done = await writeProfile(h, BEN, CHANNEL, { organisation: "Uni Lisboa", expertise: "Data curation", introduce: "yes" });
    expect(kinds(done)).toEqual(["reply", "post"]);
    expect(texts(done)[1]).toMatch(/^Meet Ben Okafor/);
    const others = (await listJobs(h, "fanout")).filter((j) => (j.payload.card as { presenter: string }).presenter === "onboarding.intro");
    expect(others.map((j) => j.payload.audience)).toEqual([{ kind: "spaces", communityId: "community-1", except: [CHANNEL.spaceKey] }]);
  });

  it("answer kindly about someone not in the community or no one of that name", async () => {
    expect(texts(await h.say(BEN, CHANNEL, "profile Zed"))[0]).toMatch(/I could not find Zed in Data Stewards/);
    const outsider = { resolve: async () => ({ personKey: "teams:tenant-1:aad-zed", displayName: "Zed Out" }) };
    expect(texts(await h.say(BEN, CHANNEL, "profile @1", [{ id: "29:zed", name: "Zed Out" }], outsider))[0]).toBe("Zed Out is not a member of Data Stewards.");
  });
});

describe("the roster and the expertise finder", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await setUp(h);
    await linkSlack(h);
  });

  it("pages the roster of every linked space, 20 at a time, with platform and role", async () => {
    for (let i = 1; i <= 23; i++) await h.say({ personKey: `slack:T1:U${100 + i}`, displayName: `Person ${String(i).padStart(2, "0")}`, locale: "en" }, SLACK_CHANNEL, "charter");
    const first = await h.say(BEN, CHANNEL, "members");
    const card = first.items[0]!.card;
    expect(card.summary).toBe("25 members in Data Stewards, page 1 of 2.");
    const list = card.blocks.find((b) => b.type === "list")!;
    expect(list.type === "list" && list.items).toHaveLength(20);
    expect(texts(first)[0]).toContain("Ana Duarte · Facilitator · Microsoft Teams");
    expect(texts(first)[0]).toContain("Person 01 · Member · Slack");
    expect(verbsOf(card)).toEqual(["onboarding.members"]);
    const next = await h.press(BEN, CHANNEL, "onboarding.members", { page: 2 });
    expect(kinds(next)).toEqual(["replace"]);
    expect(texts(next)[0]).toContain("Page 2 of 2");
    expect(texts(next)[0]).toContain("Person 23");
    expect(texts(await h.say(BEN, CHANNEL, "members 3"))[0]).toBe("There is no page 3: the roster has 2 pages.");
    expect(texts(await h.say(BEN, CHANNEL, "members two"))[0]).toMatch(/^Give a page number after members, e\.g\. @CoP Companion members 2\.$/);
  });

  it("lists the roster by name in the reader's own alphabet", async () => {
    const names = ["Östen Berg", "Olle Ek", "Zara Lund", "Pia Nyström"];
    for (const [i, displayName] of names.entries()) await h.say({ personKey: `slack:T1:U${200 + i}`, displayName, locale: "en" }, SLACK_CHANNEL, "charter");
    const order = (text: string) => [...names, ANA.displayName, BEN.displayName].sort((a, b) => text.indexOf(a) - text.indexOf(b));
    // English puts Ö with O; Swedish after Z.
    expect(order(texts(await h.say(BEN, CHANNEL, "members"))[0]!)).toEqual(["Ana Duarte", "Ben Okafor", "Olle Ek", "Östen Berg", "Pia Nyström", "Zara Lund"]);
    expect(order(texts(await h.say({ ...BEN, locale: "sv-SE" }, CHANNEL, "members"))[0]!)).toEqual(["Ana Duarte", "Ben Okafor", "Olle Ek", "Pia Nyström", "Zara Lund", "Östen Berg"]);
    // A language tag the runtime refuses (platforms send odd ones) gets the English order, not an error.
    expect(order(texts(await h.say({ ...BEN, locale: "e" }, CHANNEL, "members"))[0]!)).toEqual(["Ana Duarte", "Ben Okafor", "Olle Ek", "Östen Berg", "Pia Nyström", "Zara Lund"]);
  });

  it("pages a roster longer than one storage page in name order, whatever order storage keeps it in", async () => {
    // Storage keeps members by person key; these names run the other way, over three pages of storage.
    const now = new Date().toISOString();
    const many = Array.from({ length: 1050 }, (_, i) =>
      memberFor({ personKey: `slack:T1:U${1000 + i}`, displayName: `Member ${String(1049 - i).padStart(4, "0")}` }, { communityId: "community-1", spaceKey: SLACK_CHANNEL.spaceKey, role: "member", now }),
    );
    await h.deps.repos.members.saveMany(many);
    const first = await h.say(BEN, CHANNEL, "members");
    expect(first.items[0]!.card.summary).toBe("1,052 members in Data Stewards, page 1 of 53.");
    expect(texts(first)[0]).toMatch(/Ana Duarte[\s\S]*Ben Okafor[\s\S]*Member 0000[\s\S]*Member 0017/);
    expect(texts(first)[0]).not.toContain("Member 0018");
    const last = texts(await h.say(BEN, CHANNEL, "members 53"))[0]!;
    expect(last).toMatch(/Member 1038[\s\S]*Member 1049/);
    expect(last).not.toContain("Member 1037");
  });

  it("finds members by shared expertise or interests, best matches first, whatever their platform, and never hidden ones", async () => {
    await writeProfile(h, BEN, CHANNEL, { interests: "Research data" });
    await writeProfile(h, SLACK_CAROL, SLACK_CHANNEL, { expertise: "Research data management\nPython" });
    await writeProfile(h, ANA, CHANNEL, { expertise: "Data curation" });
    await writeProfile(h, EVE, SLACK_CHANNEL, { expertise: "Research data management", visible: "no" });
    const found = await h.say(BEN, CHANNEL, "who knows research DATA management");
    const lines = texts(found)[0]!.split("\n");
    const order = lines.filter((l) => / on (Slack|Microsoft Teams)/.test(l)).map((l) => l.split(" on ")[0]);
    expect(order).toEqual(["Carol", "Ben Okafor", "Ana Duarte"]);
    expect(texts(found)[0]).toContain("Carol on Slack: expertise in Research data management");
    expect(texts(found)[0]).not.toContain("Eve");
    expect(texts(await h.say(BEN, CHANNEL, "who knows knitting"))[0]).toContain("No member has shared expertise or interests matching knitting.");
    expect(texts(await h.say(BEN, CHANNEL, "who knows"))[0]).toMatch(/Say what to look for/);
  });
});
