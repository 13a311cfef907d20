import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AzureOpenAIDrafter } from "../../src/ai/azureOpenAIDrafter.js";
import type { Card } from "../../src/core/kernel/card.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { createLogger } from "../../src/log.js";
import { ANA, BEN, type Actor, CHANNEL, CHARTER_VALUES, PERSONAL, SLACK_CAROL, SLACK_CHANNEL, cardText, formOf, kernelOnRealStore, kinds, listJobs, texts, type KernelHarness } from "../support/core.js";
import { SAMPLE_DRAFT, startFakeAzureOpenAI, type FakeAzureOpenAI } from "../support/fakeAzureOpenAI.js";

const NOTES = "Ana opened. Checklist reviewed: we adopt it for all new datasets.\nAna circulates it by Friday. See https://example.org/fair-checklist";

const posted = (d: Delivery) => d.items.find((i) => i.kind === "post")?.card;
const buttons = (card: Card) => card.blocks.flatMap((b) => (b.type === "actions" ? b.actions : []));
const values = (d: Delivery) => Object.fromEntries(formOf(d).fields.map((f) => [f.name, f.value]));

describe("follow-ups drafted from notes", () => {
  let fake: FakeAzureOpenAI;
  let h: KernelHarness;
  let eventId: string;

  beforeAll(async () => {
    fake = await startFakeAzureOpenAI();
  });
  afterAll(() => fake.close());

  /** A community across Teams and Slack with a call that has ended, and its after-event ask run. */
  const setUp = async (drafter: boolean, timeoutMs?: number) => {
    const config = { endpoint: fake.endpoint, apiKey: fake.apiKey, deployment: fake.deployment, apiVersion: fake.apiVersion };
    h = await kernelOnRealStore({}, drafter ? { drafts: new AzureOpenAIDrafter(config, createLogger("silent"), timeoutMs) } : {});
    await h.submit(ANA, await h.say(ANA, CHANNEL, "setup"), CHARTER_VALUES);
    const code = /link ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(texts(await h.say(ANA, CHANNEL, "link"))[0]!)![1]!;
    await h.say(SLACK_CAROL, SLACK_CHANNEL, `link ${code}`);
    const card = posted(await h.say(ANA, CHANNEL, "event Monthly call on 2026-12-03 at 15:00 Europe/Rome for 60m"))!;
    eventId = String(buttons(card).find((a) => a.data.answer === "going")!.data.event);
    await h.press(BEN, CHANNEL, "events.rsvp", buttons(card).find((a) => a.data.answer === "going")!.data);
    const [due] = await listJobs(h, "events.after");
    h.setNow(due!.dueAt);
    await h.kernel.runJob(h.kernel.registry.job("events.after")!, due!.payload, { key: due!.key, dueAt: new Date(due!.dueAt), lateMs: 0, signal: new AbortController().signal });
    const fanout = (await listJobs(h, "fanout")).find((j) => j.key.startsWith("after:"))!;
    return h.kernel.presentToAll(fanout.payload.card as { presenter: string; data: unknown }, { locale: "en", platform: "teams", personal: true, timezone: "Europe/Rome" });
  };
  const press = (card: Card, label: string, who: Actor = ANA) => {
    const action = buttons(card).find((a) => a.label === label)!;
    return h.press(who, PERSONAL, action.verb, action.data);
  };

  describe("with an Azure OpenAI deployment configured", () => {
    let ask: Card;
    beforeEach(async () => {
      fake.requests.length = 0;
      ask = await setUp(true);
    });

    it("drafts the follow-up from pasted notes into the follow-up form, which the steward edits and posts", async () => {
      expect(buttons(ask).map((b) => b.label)).toEqual(["Confirm attendance", "Write the follow-up", "Draft from notes"]);
      const notesForm = await press(ask, "Draft from notes");
      expect(kinds(notesForm)).toEqual(["form"]);
      expect(formOf(notesForm).title).toBe("Draft the follow-up");
      const drafted = await h.submit(ANA, notesForm, { notes: NOTES });
      // The fake saw the notes, at the deployment's path, with the key and API version.
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]).toMatchObject({ path: `/openai/deployments/${fake.deployment}/chat/completions`, apiVersion: fake.apiVersion, apiKey: fake.apiKey, status: 200 });
      expect(fake.lastUserText()).toContain(NOTES);
      expect(fake.lastUserText()).toContain("Monthly call");
      // Nothing is posted yet: the follow-up form, filled in with the draft.
      expect(kinds(drafted)).toEqual(["form"]);
      expect(formOf(drafted).verb).toBe("events.followUp");
      expect(values(drafted)).toMatchObject({
        discussed: SAMPLE_DRAFT.discussed,
        decisions: "Adopt the checklist for all new datasets",
        actions: "Ana: circulate the checklist by Friday",
        resources: "https://example.org/fair-checklist",
        nextSteps: SAMPLE_DRAFT.nextSteps,
      });
      const edited = await h.submit(ANA, drafted, { discussed: "Checklist reviewed (edited by Ana)." });
      expect(kinds(edited)).toContain("post");
      const card = cardText(posted(edited)!);
      expect(card).toContain("Checklist reviewed (edited by Ana).");
      expect(card).toContain("circulate the checklist by Friday");
      expect(card).not.toContain(SAMPLE_DRAFT.discussed);
      const communityId = (await h.deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
      expect((await h.deps.repos.events.followUp(communityId, eventId, "2026-12-03T14:00:00Z"))?.discussed).toBe("Checklist reviewed (edited by Ana).");
    });

    it("opens the notes form from `draft follow-up ID` for the latest date, and lists it in help", async () => {
      const form = await h.say(ANA, CHANNEL, `draft follow-up ${eventId}`);
      expect(kinds(form)).toEqual(["form"]);
      expect(values(await h.submit(ANA, form, { notes: NOTES })).discussed).toBe(SAMPLE_DRAFT.discussed);
      expect(texts(await h.say(ANA, CHANNEL, "help")).join("\n")).toContain("draft follow-up EVENT-ID");
      // The event card offers it to stewards while the date has no follow-up.
      const card = (await h.say(ANA, CHANNEL, `event ${eventId}`)).items[0]!.card;
      expect(buttons(card).map((b) => b.label)).toContain("Draft from notes");
      expect(buttons((await h.say(BEN, CHANNEL, `event ${eventId}`)).items[0]!.card).map((b) => b.label)).not.toContain("Draft from notes");
      const fromCard = buttons(card).find((b) => b.label === "Draft from notes")!;
      expect(formOf(await h.press(ANA, CHANNEL, fromCard.verb, fromCard.data)).verb).toBe("drafts.draft");
      expect(texts(await h.say(ANA, CHANNEL, "draft follow-up 404-nope"))[0]).toMatch(/No event has the id 404-nope/);
    });

    it("refuses a member: no notes form, nothing sent to the model", async () => {
      const refused = await h.say(BEN, CHANNEL, `draft follow-up ${eventId}`);
      expect(kinds(refused)).toEqual(["reply"]);
      expect(texts(refused)[0]).toMatch(/Only the facilitators of/);
      const pressed = await press(ask, "Draft from notes", BEN);
      expect(kinds(pressed)).not.toContain("form");
      expect(texts(await h.say(BEN, CHANNEL, "help")).join("\n")).not.toContain("draft follow-up");
      expect(fake.requests).toHaveLength(0);
    });

    const failures: Array<[string, Parameters<FakeAzureOpenAI["next"]>[0], RegExp]> = [
      ["rate-limited (429 with Retry-After)", { kind: "status", status: 429, retryAfter: "30" }, /busy: try again in 30 seconds/],
      ["failing (500)", { kind: "status", status: 500 }, /not answering just now/],
      ["answering text that is not JSON", { kind: "malformed", content: "Sure! Here is your summary: ..." }, /not a follow-up/],
      ["answering JSON of another shape", { kind: "malformed", content: JSON.stringify({ summary: "x", decisions: "one" }) }, /not a follow-up/],
      ["refusing the notes with its content filter", { kind: "filteredPrompt" }, /content filter refused/],
      ["cutting its answer with the content filter", { kind: "filteredOutput" }, /content filter refused/],
    ];
    for (const [what, answer, said] of failures) {
      it(`keeps the notes when the service is ${what}, posts nothing, and drafts on the next try`, async () => {
        const notesForm = await press(ask, "Draft from notes");
        fake.next(answer);
        const failed = await h.submit(ANA, notesForm, { notes: NOTES });
        expect(kinds(failed)).toEqual(["form"]);
        expect(formOf(failed).verb).toBe("drafts.draft");
        expect(values(failed).notes).toBe(NOTES);
        expect(formOf(failed).error).toMatch(said);
        expect(formOf(failed).error).toMatch(/Your notes are kept/);
        const retried = await h.submit(ANA, failed, {});
        expect(formOf(retried).verb).toBe("events.followUp");
        expect(fake.requests.map((r) => r.body.messages?.at(-1)?.content)).toEqual([expect.stringContaining(NOTES), expect.stringContaining(NOTES)]);
      });
    }

    it("keeps the notes when the service is too slow", async () => {
      ask = await setUp(true, 300);
      const notesForm = await press(ask, "Draft from notes");
      fake.next({ kind: "slow", ms: 2000, then: { kind: "draft", content: SAMPLE_DRAFT } });
      const failed = await h.submit(ANA, notesForm, { notes: NOTES });
      expect(values(failed).notes).toBe(NOTES);
      expect(formOf(failed).error).toMatch(/took too long/);
    });

    it("refuses empty or over-long notes as a field error, keeping what was typed", async () => {
      const notesForm = await press(ask, "Draft from notes");
      const empty = await h.submit(ANA, notesForm, { notes: "   " });
      expect(formOf(empty).fields.find((f) => f.name === "notes")!.error).toBeTruthy();
      const long = "n".repeat(3001);
      const tooLong = await h.submit(ANA, notesForm, { notes: long });
      expect(values(tooLong).notes).toBe(long);
      expect(formOf(tooLong).fields.find((f) => f.name === "notes")!.error).toMatch(/3000/);
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe("without the settings", () => {
    it("has no button, no command and no help line, and never calls the service", async () => {
      fake.requests.length = 0;
      const ask = await setUp(false);
      expect(buttons(ask).map((b) => b.label)).toEqual(["Confirm attendance", "Write the follow-up"]);
      const typed = await h.say(ANA, CHANNEL, `draft follow-up ${eventId}`);
      expect(texts(typed)[0]).toMatch(/I did not understand "draft follow-up/);
      const pressed = await h.press(ANA, CHANNEL, "drafts.open", { event: eventId });
      expect(texts(pressed)[0]).toMatch(/not one I know/);
      expect(texts(await h.say(ANA, CHANNEL, "help")).join("\n")).not.toMatch(/draft/i);
      const card = (await h.say(ANA, CHANNEL, `event ${eventId}`)).items[0]!.card;
      expect(buttons(card).map((b) => b.label)).toEqual(["Confirm attendance", "Write the follow-up"]);
      expect(fake.requests).toHaveLength(0);
    });
  });
});
