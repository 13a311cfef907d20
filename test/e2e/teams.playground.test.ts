import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { startPlayground, type Playground } from "../support/playground.js";
import { aiEnv, SAMPLE_DRAFT, startFakeAzureOpenAI, type FakeAzureOpenAI } from "../support/fakeAzureOpenAI.js";

/**
 * The real app (local mode, its own tables on the test Azurite) driven through Microsoft 365 Agents
 * Playground in headless chromium, as a newcomer would after `npm start`. startPlayground fails with a
 * clear message when chromium is missing (.ci/run installs it): nothing here is skipped.
 */
describe("Teams end to end in Agents Playground", () => {
  let app: TestApp;
  let playground: Playground | undefined;
  // Drafting follow-ups is on, against a local fake of Azure OpenAI; the last scenario moves the app's clock past an event.
  let ai: FakeAzureOpenAI | undefined;
  let offsetMs = 0;

  beforeAll(async () => {
    ai = await startFakeAzureOpenAI();
    app = await startTestApp(aiEnv(ai), { clock: { now: () => new Date(Date.now() + offsetMs) } });
    playground = await startPlayground({ botUrl: `${app.url}/api/messages`, timeoutMs: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await playground?.close();
    await app?.stop();
    await ai?.close();
  });

  /** Runs a step; on failure keeps a screenshot of what the person would have seen. */
  async function step(name: string, body: (pg: Playground) => Promise<void>): Promise<void> {
    const pg = playground!;
    try {
      await body(pg);
    } catch (error) {
      await pg.screenshot(`teams-e2e-failure-${name}`).catch(() => undefined);
      throw error;
    }
  }

  it("answers `help` in the personal chat with the help card, which offers no setup there", async () => {
    await step("help", async (pg) => {
      await pg.openPersonalChat();
      await pg.send("help");
      // The welcome card posted when the chat opened has the same title: wait for the answer's own words.
      await pg.waitForText("This is your private chat with me.");
      const card = await pg.lastCard();
      expect(card).toContain("CoP Companion: what I can do");
      expect(card).toContain("This is your private chat with me. Communities live in channels and group chats");
      expect(card).not.toContain("Set up a community");
    });
  }, 30_000);

  it("sets up a community through its card in a team channel and shows the charter", async () => {
    await step("setup", async (pg) => {
      await pg.openChannel("General");
      await pg.send("setup", { mention: true });
      await pg.waitForText("Describe the community so members and sponsors know what it is for.");
      // Required inputs are labelled with a trailing " *" by the Adaptive Cards renderer.
      await pg.fillInput("Name *", "Data Stewards CoP");
      await pg.fillInput("Domain (the shared area of practice) *", "Research data management");
      await pg.fillInput("Audience (who it is for) *", "Data stewards in partner universities");
      await pg.choose("Purpose (choose at least one) *", "Learning and developing practice");
      await pg.choose("Purpose (choose at least one) *", "Creating new knowledge");
      await pg.fillInput("Goals", "Share practice\nWrite a common checklist");
      await pg.click("Create community");

      // The charter is posted in the thread for everyone; the form there becomes a note that it was submitted.
      const charter = await pg.cardWith("Research data management");
      for (const expected of ["Data Stewards CoP", "Pilot", "Data stewards in partner universities", "Learning and developing practice", "Write a common checklist", "1 member"]) {
        expect(charter).toContain(expected);
      }
      await pg.waitForText('submitted "Data Stewards CoP"');
      await pg.page.locator(".ac-adaptiveCard", { hasText: "Research data management" }).last().evaluate((card) => card.scrollIntoView({ block: "start" }));
      await pg.screenshot("teams-e2e-charter");
      expect(await pg.logText()).toMatch(/message 200/);
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);

      // What is for the facilitator alone went to the 1:1 chat.
      await pg.openPersonalChat();
      await pg.waitForText("is set up in this space, and you are its facilitator");
    });

    const submissions = app.logs.filter((l) => l.msg === "teams request handled" && l.verb === "community.setup");
    expect(submissions).toHaveLength(1);
    const space = await app.deps.repos.spaces.find(String(submissions[0]!.spaceKey));
    const community = await app.deps.repos.communities.get(space!.communityId);
    expect(community?.value.charter).toMatchObject({ name: "Data Stewards CoP", purposes: ["learning", "knowledge"], goals: ["Share practice", "Write a common checklist"] });
  }, 45_000);

  it("schedules an event in one line, announces it with its time, counts an RSVP pressed on the card, and lists it under the presser's own events", async () => {
    await step("event", async (pg) => {
      await pg.openChannel("General");
      await pg.send("event Monthly call on 2030-01-14 at 15:00 Europe/Rome for 60m", { mention: true });
      const announced = await pg.cardWith("Monthly call");
      expect(announced).toContain("Going: 0");
      await pg.click("Going");
      await pg.waitForText("Going: 1");
      await pg.screenshot("teams-e2e-event");
      // The answer is the presser's own: their next events, in their chat with the app, say so.
      await pg.openPersonalChat();
      await pg.send("my events");
      await pg.waitForText("You are going.");
      expect(await pg.lastCard()).toContain("Monthly call");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 45_000);
  it("posts a quick poll in the channel and changes its counts when an option on the card is pressed", async () => {
    await step("poll", async (pg) => {
      await pg.openChannel("General");
      await pg.send('poll "Which day suits?" Tue Wed "Thu am"', { mention: true });
      const poll = await pg.cardWith("Which day suits?");
      expect(poll).toContain("Tue: 0 (0%)");
      expect(poll).toContain("Anonymous: no one, not even the facilitators, can see who answered what.");
      await pg.click("Wed");
      await pg.waitForText("Wed: 1 (100%)");
      // Changing one's answer moves the count rather than adding one.
      await pg.click("Thu am");
      await pg.waitForText("Thu am: 1 (100%)");
      expect(await pg.cardWith("Which day suits?")).toContain("Wed: 0 (0%)");
      await pg.screenshot("teams-e2e-poll");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 45_000);

  it("posts a quick poll for this channel only, saying so on its card, and counts the press of one of its members", async () => {
    await step("poll-here", async (pg) => {
      await pg.openChannel("General");
      await pg.send('poll here "Lunch here?" Pizza Salad', { mention: true });
      const poll = await pg.cardWith("Lunch here?");
      expect(poll).toContain("Asks the members of this space only.");
      expect(poll).toContain("Pizza: 0 (0%)");
      await pg.click("Pizza");
      await pg.waitForText("Pizza: 1 (100%)");
      await pg.screenshot("teams-e2e-poll-here");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 45_000);

  it("shares a link to the library in the channel and finds it by tag, answered in the personal chat", async () => {
    await step("library", async (pg) => {
      await pg.openChannel("General");
      await pg.send("share https://example.org/fair-guide FAIR data guide #fair", { mention: true });
      // Everyone in the channel sees the short note; the confirmation and the search are the asker's alone.
      await pg.waitForText("shared FAIR data guide in the library.");
      await pg.send("resources #fair", { mention: true });
      await pg.openPersonalChat();
      await pg.waitForText("to the library of Data Stewards CoP as");
      await pg.waitForText("Library of Data Stewards CoP: #fair");
      expect(await pg.lastCard()).toContain("FAIR data guide #fair");
      await pg.screenshot("teams-e2e-library");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 45_000);

  it("starts a survey from a template in the channel, answers it in the personal chat, closes it, and shows the results card", async () => {
    await step("survey", async (pg) => {
      await pg.openChannel("General");
      await pg.send("survey", { mention: true });
      await pg.waitForText("with an Answer button");
      await pg.choose("Template *", "Check-in and reflection");
      await pg.fillInput("Title *", "Autumn check-in");
      const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
      await pg.fillInput("Deadline *", deadline);
      await pg.fillInput("Deadline 🕒 *", "12:00");
      await pg.fillInput("Deadline 🌐", "Europe/Rome");
      await pg.click("Start");
      const announced = await pg.cardWith("Autumn check-in");
      expect(announced).toContain("The facilitators ask for your view: 3 questions");
      expect(announced).toMatch(/\b0 of \d+ answered/);

      // Answer, pressed in the channel, brings the form to the presser's own chat: no one else sees it.
      await pg.click("Answer");
      await pg.openPersonalChat();
      await pg.waitForText("go in a form only you see");
      await pg.click("Open the form");
      const question = "How well are you progressing on what you set out to do? (1 = stuck, 5 = very well) *";
      await pg.waitForText("Has taking part changed how you work?");
      await pg.choose(question, "4");
      await pg.choose("Has taking part changed how you work? *", "Clearly");
      await pg.fillInput("What have you tried or learned since we last checked in?", "A shared checklist");
      await pg.click("Answer");
      await pg.waitForText("are recorded without your name");
      const started = await pg.cardWith("is announced in every space of");
      const id = /\(id (\w+)\)/.exec(started)![1]!;

      // The facilitator closes it: the results card comes to the channel, with the counts and the written answer.
      await pg.openChannel("General");
      await pg.send(`close survey ${id}`, { mention: true });
      const results = await pg.cardWith("Results: Autumn check-in");
      expect(results).toMatch(/\b1 of \d+ answered/);
      expect(results).toContain("Average 4 out of 5");
      expect(results).toContain("Clearly: 1 (100%)");
      expect(results).toContain("A shared checklist");
      await pg.screenshot("teams-e2e-survey-results");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 60_000);

  it("writes one's intro profile in a form only they see, then finds it with `who knows` from the channel", async () => {
    await step("profile", async (pg) => {
      await pg.openChannel("General");
      await pg.send("profile", { mention: true });
      // The form never goes in the channel: a button in the person's own chat opens it there.
      await pg.openPersonalChat();
      await pg.waitForText("Your intro profile goes in a form only you see.");
      await pg.click("Open my profile form");
      await pg.waitForText("Only what you write here is shown");
      await pg.fillInput("Organisation", "Uni Lisboa");
      await pg.fillInput("Expertise", "Data curation\nFAIR metadata");
      await pg.fillInput("Time zone", "Europe/Lisbon");
      await pg.choose("Visible to the community *", "Yes");
      await pg.click("Save");
      await pg.waitForText("Your intro profile is saved and visible to the community.");

      await pg.openChannel("General");
      await pg.send("who knows data curation", { mention: true });
      await pg.openPersonalChat();
      const found = await pg.cardWith("Who knows about data curation");
      expect(found).toContain("expertise in Data curation");
      expect(found).toContain("on Microsoft Teams");
      await pg.screenshot("teams-e2e-who-knows");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 60_000);
  it("lists the community's kudos and lets the facilitator turn milestone posts off, answering in the personal chat", async () => {
    await step("recognition", async (pg) => {
      await pg.openChannel("General");
      await pg.send("kudos", { mention: true });
      await pg.send("milestones off", { mention: true });
      // What is for the asker alone goes to their 1:1 chat.
      await pg.openPersonalChat();
      await pg.waitForText("No kudos yet. Be the first:");
      expect(await pg.cardWith("No kudos yet")).toContain("Kudos in Data Stewards CoP");
      await pg.waitForText("are no longer celebrated automatically");
      await pg.screenshot("teams-e2e-kudos");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 45_000);

  it("starts peer matching from the channel; the member's own part of it comes to the personal chat", async () => {
    await step("matching", async (pg) => {
      await pg.openChannel("General");
      await pg.send("matching opt in", { mention: true });
      await pg.send("matching on weekly size 2", { mention: true });
      await pg.send("matching", { mention: true });
      // Private answers go to the person's 1:1 chat, never the channel.
      await pg.openPersonalChat();
      await pg.waitForText("You take part in peer matching in Data Stewards CoP");
      await pg.waitForText("Peer matching is on in Data Stewards CoP: every week, groups of 2.");
      const status = await pg.cardWith("Peer matching in Data Stewards CoP");
      expect(status).toContain("Rounds run every week, in groups of 2.");
      expect(status).toContain("Taking part");
      await pg.screenshot("teams-e2e-matching");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 45_000);
  it("takes a success story from a card in the channel; the steward approves it from the card in the personal chat", async () => {
    await step("story", async (pg) => {
      await pg.openChannel("General");
      await pg.send("story", { mention: true });
      await pg.waitForText("Tell the community what worked");
      await pg.choose("What is it? *", "A success story");
      await pg.fillInput("Title *", "Checklist adopted");
      await pg.fillInput("What happened, or what changed *", "Three labs now use the shared checklist.");
      await pg.choose("May it go into the report to the sponsor? *", "Yes, the sponsor may read it");
      await pg.click("Send to the stewards");
      // The steward's copy comes to their own chat, with Approve and Decline.
      await pg.openPersonalChat();
      await pg.waitForText("shared a story in Data Stewards CoP");
      await pg.click("Approve");
      await pg.waitForText("You approved Checklist adopted");
      await pg.screenshot("teams-e2e-story");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 60_000);

  it("imports the built-in one-year plan from the channel: shown back first, created on Confirm, then shown with what comes next", async () => {
    await step("plan", async (pg) => {
      await pg.openChannel("General");
      await pg.send("plan import", { mention: true });
      await pg.waitForText("Take the built-in one-year programme or paste your own plan");
      await pg.click("Show what it creates");
      // The preview is for the steward alone: it comes to their 1:1 chat.
      await pg.openPersonalChat();
      await pg.waitForText("Nothing is created until you confirm.");
      expect(await pg.cardWith("Confirm the plan")).toContain("17 steps from");
      await pg.click("Confirm and create");
      await pg.waitForText("6 events announced and 11 steps scheduled");
      await pg.openChannel("General");
      await pg.waitForText("Webinar 1");
      await pg.send("plan", { mention: true });
      await pg.openPersonalChat();
      await pg.waitForText("0 of 17 steps done");
      await pg.screenshot("teams-e2e-plan");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 60_000);

  it("shows the facilitator the month's figures and the sponsor report with its charts, in the personal chat", async () => {
    await step("metrics", async (pg) => {
      await pg.openChannel("General");
      await pg.send("metrics", { mention: true });
      await pg.send("report", { mention: true });
      await pg.openPersonalChat();
      await pg.waitForText("Data Stewards CoP: figures for");
      expect(await pg.cardWith("figures for")).toContain("Active members");
      await pg.waitForText("report to the sponsor");
      const report = await pg.cardWith("report to the sponsor");
      expect(report).toContain("Purpose and goals");
      expect(report).toContain("Download CSV");
      await pg.screenshot("teams-e2e-report");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 45_000);

  it("drafts an event's follow-up from pasted notes with Azure OpenAI (a local fake), to edit before it is posted", async () => {
    await step("draft", async (pg) => {
      await pg.openChannel("General");
      const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      await pg.send(`event Review call on ${day} at 10:00 UTC for 30m`, { mention: true });
      await pg.cardWith("Review call");
      // Once it has ended, the steward's personal chat asks how it went, with a button to draft the follow-up.
      offsetMs = Date.parse(`${day}T10:31:00Z`) - Date.now();
      await pg.openPersonalChat();
      await pg.waitForText("How did Review call go?", { timeoutMs: 30_000 });
      await pg.click("Draft from notes");
      await pg.waitForText("Paste your notes");
      await pg.fillInput("Notes *", "Checklist reviewed and adopted. Ana circulates it by Friday.");
      await pg.click("Draft");
      await pg.waitForText(SAMPLE_DRAFT.discussed);
      expect(ai!.lastUserText()).toContain("Ana circulates it by Friday.");
      await pg.fillInput("What was discussed *", "Checklist reviewed and adopted (edited in Teams).");
      await pg.screenshot("teams-e2e-draft");
      await pg.click("Post the follow-up");
      await pg.openChannel("General");
      expect(await pg.cardWith("Follow-up: Review call")).toContain("Checklist reviewed and adopted (edited in Teams).");
      expect(await pg.logText()).not.toMatch(/\b(invoke|message) [45]\d\d\b/);
    });
  }, 60_000);
});
