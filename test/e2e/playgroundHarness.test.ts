import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory, type TurnContext } from "botbuilder";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlayground, type Playground } from "../support/playground.js";

/** A tiny bot: "hello" gets a text and a card with inputs, choice sets, a toggle and a submit button. */
async function handleTurn(context: TurnContext): Promise<void> {
  const { activity } = context;
  if (activity.type !== "message") return;
  const value = activity.value as Record<string, string> | undefined;
  if (value?.verb === "topic") {
    await context.sendActivity(`You proposed: ${value.topic} (${value.when}, ${value.format}, ${value.tags}, record=${value.record})`);
    return;
  }
  // In channels the text carries the <at>mention</at>; strip it like a Teams bot would.
  const text = (activity.text ?? "").replace(/<at>[^<]*<\/at>/g, "").trim().toLowerCase();
  if (text !== "hello") return;
  await context.sendActivity("Hello from the harness bot");
  await context.sendActivity(
    MessageFactory.attachment(
      CardFactory.adaptiveCard({
        type: "AdaptiveCard",
        version: "1.5",
        body: [
          { type: "TextBlock", text: "Propose a session topic", weight: "Bolder", wrap: true },
          { type: "Input.Text", id: "topic", label: "Topic" },
          {
            type: "Input.ChoiceSet",
            id: "when",
            label: "When",
            value: "am",
            choices: [
              { title: "Morning", value: "am" },
              { title: "Evening", value: "pm" },
            ],
          },
          {
            type: "Input.ChoiceSet",
            id: "format",
            label: "Format",
            style: "expanded",
            value: "online",
            choices: [
              { title: "Online", value: "online" },
              { title: "In person", value: "in-person" },
            ],
          },
          {
            type: "Input.ChoiceSet",
            id: "tags",
            label: "Tags",
            style: "expanded",
            isMultiSelect: true,
            choices: [
              { title: "Onboarding", value: "onboarding" },
              { title: "Tools", value: "tools" },
            ],
          },
          { type: "Input.Toggle", id: "record", title: "Record the session", label: "Recording" },
        ],
        actions: [{ type: "Action.Submit", title: "Send topic", data: { verb: "topic" } }],
      }),
    ),
  );
}

describe("Agents Playground harness", () => {
  let server: Server | undefined;
  let playground: Playground | undefined;

  beforeAll(async () => {
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const app = express();
    app.use(express.json());
    app.post("/api/messages", async (req, res) => {
      await adapter.process(req, res, handleTurn);
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    const { port } = server.address() as AddressInfo;
    playground = await startPlayground({ botUrl: `http://127.0.0.1:${port}/api/messages` });
  }, 60_000);

  afterAll(async () => {
    await playground?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it("round-trips a message, a card and an Action.Submit in personal chat", async () => {
    const pg = playground!;
    try {
      await pg.openPersonalChat();
      await pg.send("hello");
      await pg.waitForText("Hello from the harness bot");
      await pg.waitForText("Propose a session topic");
      expect(await pg.lastCard()).toContain("Propose a session topic");

      await pg.fillInput("Topic", "Onboarding new members");
      await pg.choose("When", "Evening");
      await pg.choose("Format", "In person");
      await pg.choose("Tags", "Tools");
      await pg.toggle("Record the session");
      await pg.screenshot("playground-harness-card");
      await pg.click("Send topic");

      await pg.waitForText("You proposed: Onboarding new members (pm, in-person, tools, record=true)");
      await pg.screenshot("playground-harness-reply");
      expect(await pg.logText()).toMatch(/message 200/);
    } catch (error) {
      await pg.screenshot("playground-harness-failure").catch(() => undefined);
      throw error;
    }
  }, 45_000);

  it("reaches the bot in a team channel through an @mention", async () => {
    const pg = playground!;
    await pg.openChannel("General");
    await pg.send("hello", { mention: true });
    await pg.waitForText("Hello from the harness bot");
    expect(await pg.lastCard()).toContain("Propose a session topic");
  }, 30_000);
});
