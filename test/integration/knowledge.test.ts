import { beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { ANA, BEN, CHANNEL, CHARTER_VALUES, PERSONAL, SLACK_CAROL, SLACK_CHANNEL, formOf, kernelOnRealStore, kinds, listJobs, texts, type KernelHarness } from "../support/core.js";

const buttons = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));
const fieldErrors = (d: Delivery) => Object.fromEntries(formOf(d).fields.filter((f) => f.error).map((f) => [f.name, f.error]));
const fieldValue = (d: Delivery, name: string) => formOf(d).fields.find((f) => f.name === name)!.value;
const secretReply = (d: Delivery) => d.items.filter((i) => i.kind === "reply").map((i) => (i.kind === "reply" ? i.secret : undefined));
/** The ids a library page lists, in its order. */
const idsIn = (d: Delivery) => [...texts(d)[0]!.matchAll(/^([A-Z0-9]{4,12}) · /gm)].map((m) => m[1]);

describe("the resource library", () => {
  let h: KernelHarness;
  beforeEach(async () => {
    h = await kernelOnRealStore();
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    const code = /link ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(texts(await h.say(ANA, CHANNEL, "link"))[0]!)![1]!;
    await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${code}`);
  });

  it("records a shared link with its title and tags, tells the sharer privately and posts a short note to every linked space", async () => {
    const done = await h.say(BEN, CHANNEL, "share https://example.org/fair-guide FAIR data guide #FAIR #metadata #fair");
    expect(kinds(done)).toEqual(["reply", "post"]);
    expect(secretReply(done)).toEqual([true]);
    expect(texts(done)[0]).toMatch(/^Added FAIR data guide to the library of Data Stewards as [A-Z0-9]+\. Find it with .*resources #fair/);
    expect(texts(done)[1]).toMatch(/Ben Okafor shared FAIR data guide in the library\.\nTags: #fair #metadata/);
    // The other linked space (Slack) gets the same note.
    const posts = (await listJobs(h, "fanout")).filter((j) => (j.payload.card as { presenter: string }).presenter === "knowledge.shared");
    expect(posts.map((j) => j.payload.audience)).toEqual([expect.objectContaining({ kind: "spaces", except: [CHANNEL.spaceKey] })]);

    // Without a title it is named after the link's host and path (the page is never fetched).
    await h.say(BEN, CHANNEL, "share https://www.rd-alliance.org/groups/metadata/ #rda");
    const page = texts(await h.say(SLACK_CAROL, SLACK_CHANNEL, "resources"))[0]!;
    expect(page).toMatch(/^Library of Data Stewards\nrd-alliance\.org\/groups\/metadata #rda\n[A-Z0-9]+ · shared by Ben Okafor, .*\nFAIR data guide #fair #metadata\n/);
    expect(page).toMatch(/1–2 of 2, newest first/);
  });

  it("finds resources by tag and by words across linked spaces: every word must match, newest first, a page at a time", async () => {
    await h.say(BEN, CHANNEL, "share https://example.org/a Writing data management plans #dmp");
    h.setNow("2026-11-23T10:00:00Z");
    await h.say(SLACK_CAROL, SLACK_CHANNEL, "share https://example.org/b Metadata for plans #metadata #dmp");
    h.setNow("2026-11-23T11:00:00Z");
    const noted = await h.say(ANA, CHANNEL, "share");
    await h.submit(ANA, noted, { url: "https://example.org/c", title: "Repository checklist", tags: "#repositories, checklists", note: "Answers which repository takes sensitive data." });

    // A tag, from Teams, finds what was shared in Slack too.
    const byTag = await h.say(BEN, CHANNEL, "resources #DMP");
    expect(texts(byTag)[0]).toMatch(/^Library of Data Stewards: #DMP\nMetadata for plans #metadata #dmp\n[A-Z0-9]+ · shared by Carol, .*\nWriting data management plans #dmp/);
    expect(texts(byTag)[0]).not.toMatch(/Repository checklist/);
    // Words: all must appear in the title, tags or note.
    expect(texts(await h.say(SLACK_CAROL, SLACK_CHANNEL, "resources sensitive repository"))[0]).toMatch(/Repository checklist #repositories #checklists\n.*\nAnswers which repository takes sensitive data\./);
    expect(texts(await h.say(BEN, CHANNEL, "resources plans metadata"))[0]).not.toMatch(/Writing data management plans/);
    const nothing = await h.say(BEN, CHANNEL, "resources #dmp #metadata cooking");
    expect(idsIn(nothing)).toEqual([]);
    expect(texts(nothing)[0]).toMatch(/Nothing in the library matches #dmp #metadata cooking\./);
    expect(idsIn(await h.say(BEN, CHANNEL, "resources #dmp"))).toHaveLength(2);

    // Paged: eight a page, newest first, with a button for the rest.
    for (let i = 0; i < 9; i++) {
      h.setNow(`2026-11-24T1${i}:00:00Z`);
      await h.say(BEN, CHANNEL, `share https://example.org/more/${i} More ${i} #more`);
    }
    const first = await h.say(BEN, CHANNEL, "resources #more");
    expect(texts(first)[0]).toMatch(/^Library of Data Stewards: #more\nMore 8 #more/);
    expect(texts(first)[0]).toMatch(/1–8 of 9, newest first/);
    const more = buttons(first.items[0]!.card).find((a) => a.label === "Show more")!;
    const second = await h.press(BEN, CHANNEL, more.verb, more.data);
    expect(texts(second)[0]).toMatch(/^Library of Data Stewards: #more\nMore 0 #more/);
    expect(texts(second)[0]).toMatch(/9–9 of 9/);
    expect(buttons(second.items[0]!.card)).toEqual([]);
  });

  it("says a link is in the library already, and who shared it, instead of adding it twice", async () => {
    await h.say(BEN, CHANNEL, "share https://example.org/guide Guide #fair");
    // The same link, written a little differently (a fragment, a trailing slash, an upper-case host).
    const again = await h.say(SLACK_CAROL, SLACK_CHANNEL, "share https://EXAMPLE.org/guide/#part-2 Another title");
    expect(kinds(again)).toEqual(["reply"]);
    expect(texts(again)[0]).toMatch(/^That link is already in the library as Guide \(id [A-Z0-9]+\), shared by Ben Okafor on .*2026/);
    expect(texts(await h.say(BEN, CHANNEL, "resources"))[0]).toMatch(/1–1 of 1/);
  });

  it("refuses bad input privately, changing nothing, and keeps what was typed in the form beside its field errors", async () => {
    const cases: Array<[string, RegExp]> = [
      ["share http://example.org/x", /Only https:\/\/ links go in the library: http:\/\/example\.org\/x is not one\./],
      ["share example.org", /example\.org is not a web address\. Type it as .*share URL \[TITLE\] \[#TAG …\]/],
      ["share javascript:alert(1)", /is not a web address/],
      [`share https://example.org/${"x".repeat(500)}`, /That link is too long: at most 500 characters\./],
      [`share https://example.org/t ${"word ".repeat(50)}`, /The title can have at most 200 characters/],
      ["share https://example.org/t Title #not/a/tag", /#not\/a\/tag is not a tag/],
      [`share https://example.org/t Title #${"t".repeat(31)}`, /is too long for a tag: at most 30 characters/],
      [`share https://example.org/t Title ${Array.from({ length: 11 }, (_, i) => `#t${i}`).join(" ")}`, /at most 10 tags/],
    ];
    for (const [line, answer] of cases) {
      const said = await h.say(BEN, CHANNEL, line);
      expect(kinds(said), line).toEqual(["reply"]);
      expect(texts(said)[0], line).toMatch(answer);
    }
    const form = await h.say(BEN, CHANNEL, "share");
    const typed = { url: "http://example.org/insecure", title: "T".repeat(201), tags: "#ok #not/ok", note: "Worth keeping." };
    const refused = await h.submit(BEN, form, typed);
    expect(fieldErrors(refused)).toEqual({ title: "Too long: 201 characters, at most 200." });
    for (const name of ["url", "title", "tags", "note"] as const) expect(fieldValue(refused, name)).toBe(typed[name]);
    const fixedTitle = await h.submit(BEN, form, { ...typed, title: "Fine" });
    expect(fieldErrors(fixedTitle)).toEqual({ url: "Only https:// links go in the library.", tags: "#not/ok is not a tag: use letters, digits, - and _." });
    for (const name of ["url", "tags", "note"] as const) expect(fieldValue(fixedTitle, name)).toBe(typed[name]);
    expect(idsIn(await h.say(BEN, CHANNEL, "resources"))).toEqual([]);
    // In a 1:1 chat there is no community to share to.
    expect(texts(await h.say(BEN, PERSONAL, "share https://example.org/x"))[0]).toMatch(/channel or group chat/);
  });

  it("lets stewards, and only stewards, remove a resource", async () => {
    const done = await h.say(BEN, CHANNEL, "share https://example.org/old Old page");
    const id = /as ([A-Z0-9]+)\./.exec(texts(done)[0]!)![1]!;
    expect(texts(await h.say(BEN, CHANNEL, `remove resource ${id}`))[0]).toMatch(/Only the facilitators of Data Stewards can do that/);
    expect(texts(await h.say(ANA, CHANNEL, "remove resource NOPE42"))[0]).toBe("There is no resource NOPE42 in this library.");
    expect(texts(await h.say(ANA, CHANNEL, `remove resource ${id.toLowerCase()}`))[0]).toBe(`Old page (${id}) is no longer in the library.`);
    expect(idsIn(await h.say(BEN, CHANNEL, "resources"))).toEqual([]);
    // Its link may be shared again.
    expect(texts(await h.say(BEN, CHANNEL, "share https://example.org/old Old page"))[0]).toMatch(/^Added Old page/);
  });

  it("saves a message from its menu with a link back to it, once, and only from a message's menu", async () => {
    const message = { text: "How to cite a dataset:\nuse its DOI and version. #citation #howto", link: "https://acme.slack.com/archives/C123/p1700000000000100", author: { id: "U3", name: "carol" } };
    const saved = await h.kernel.handle({ actor: BEN, space: CHANNEL, ask: { kind: "message", verb: "knowledge.saveMessage", message } }, { resolve: async (id) => (id === "U3" ? { personKey: SLACK_CAROL.personKey, displayName: "Carol Reyes" } : undefined) });
    expect(kinds(saved)).toEqual(["reply", "post"]);
    expect(texts(saved)[0]).toMatch(/^Saved the message as How to cite a dataset: in the library of Data Stewards \(id [A-Z0-9]+\)\. Find it with .*resources #citation/);
    expect(texts(saved)[1]).toBe("Ben Okafor saved a message by Carol Reyes in the library: How to cite a dataset:\nTags: #citation #howto");
    const found = texts(await h.say(SLACK_CAROL, SLACK_CHANNEL, "resources doi"))[0]!;
    expect(found).toMatch(/How to cite a dataset: #citation #howto\n[A-Z0-9]+ · a message by Carol Reyes, saved by Ben Okafor, .*\nHow to cite a dataset:\nuse its DOI and version\./);
    const link = saved.items[1]!.card.blocks.find((b) => b.type === "text");
    expect(link).toMatchObject({ text: expect.stringContaining("](https://acme.slack.com/archives/C123/p1700000000000100)") });

    const twice = await h.kernel.handle({ actor: ANA, space: CHANNEL, ask: { kind: "message", verb: "knowledge.saveMessage", message } }, { resolve: async () => undefined });
    expect(texts(twice)).toEqual([expect.stringMatching(/^That message is already in the library as How to cite a dataset: \(id [A-Z0-9]+\), saved by Ben Okafor on /)]);
    // Not a button: a message action runs only from a message's menu.
    expect(texts(await h.press(BEN, CHANNEL, "knowledge.saveMessage", { message: { ...message, link: "https://example.org/forged" } }))[0]).toMatch(/That button or form is not one I know/);
    // Nor does a message's menu run any other command.
    const other = await h.kernel.handle({ actor: ANA, space: CHANNEL, ask: { kind: "message", verb: "knowledge.share", message: { ...message, link: "https://example.org/other" } } }, { resolve: async () => undefined });
    expect(texts(other)[0]).toMatch(/That button or form is not one I know/);
    expect(texts(await h.say(BEN, CHANNEL, "resources"))[0]).toMatch(/1–1 of 1/);
  });

  it("adds the https links of an event's follow-up, tagged with the event's title", async () => {
    await h.say(BEN, CHANNEL, "share https://example.org/slides Slides shared before #slides");
    const scheduled = await h.say(ANA, CHANNEL, "event Monthly call on 2026-12-03 at 15:00 Europe/Rome for 60m");
    const eventId = String(buttons(scheduled.items.find((i) => i.kind === "post")!.card).find((a) => a.data.answer === "going")!.data.event);
    h.setNow("2026-12-03T16:00:00Z");
    const form = await h.press(ANA, CHANNEL, "events.followUp.open", { event: eventId, at: "2026-12-03T14:00:00Z" });
    const done = await h.submit(ANA, form, { discussed: "Plans.", resources: "https://example.org/dmp-guide\nhttp://example.org/insecure", recording: "https://example.org/recording", slides: "https://example.org/slides" });
    expect(texts(done).at(-1)).toMatch(/2 links of the follow-up are now in the community's library: .*resources #monthly-call/);
    const found = texts(await h.say(SLACK_CAROL, SLACK_CHANNEL, "resources #monthly-call"))[0]!;
    expect(found).toMatch(/example\.org\/recording #monthly-call\n[A-Z0-9]+ · from the follow-up of Monthly call, /);
    expect(found).toMatch(/example\.org\/dmp-guide #monthly-call/);
    expect(found).toMatch(/1–2 of 2/);
    // The slides were in the library already; the http link is not taken.
    expect(texts(await h.say(BEN, CHANNEL, "resources"))[0]).toMatch(/1–3 of 3/);
  });
});
