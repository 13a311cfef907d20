import { describe, expect, it } from "vitest";
import { t } from "../../src/core/i18n/index.js";
import { createRegistry } from "../../src/core/workflows/index.js";
import { buildSlackManifest } from "../../scripts/slackManifest.js";
import { buildTeamsManifest } from "../../scripts/teamsManifest.js";

/** Message actions are declared once, on their commands; both platforms' manifests must list exactly those. */
describe("message actions", () => {
  const declared = createRegistry()
    .messageActions()
    .map((def) => ({ id: def.verb, title: t("en", def.messageAction!.title) }));

  it("are declared by workflows (the library's Save to library)", () => {
    expect(declared).toEqual([{ id: "knowledge.saveMessage", title: "Save to library" }]);
  });

  it("are the Slack manifest's message shortcuts, with Slack's limits", () => {
    const shortcuts = (buildSlackManifest("https://cop.example.org").manifest.features as { shortcuts?: Array<{ name: string; type: string; callback_id: string; description: string }> }).shortcuts ?? [];
    expect(shortcuts.map((s) => ({ id: s.callback_id, title: s.name }))).toEqual(declared);
    for (const s of shortcuts) {
      expect(s.type).toBe("message");
      // docs.slack.dev/reference/app-manifest: name up to 24 characters, description up to 150.
      expect(s.name.length).toBeLessThanOrEqual(24);
      expect(s.description.length).toBeLessThanOrEqual(150);
    }
  });

  it("are the Teams manifest's message-context action commands", () => {
    const manifest = buildTeamsManifest({ MICROSOFT_APP_ID: "8d3a2f10-5c1b-4f6e-9a7d-2b4c6e8f0a12", BOT_DOMAIN: "cop.example.org" }) as unknown as {
      composeExtensions?: Array<{ botId: string; commands: Array<{ id: string; title: string; type: string; context: string[]; fetchTask: boolean }> }>;
    };
    const commands = manifest.composeExtensions?.flatMap((e) => e.commands) ?? [];
    expect(commands.map((c) => ({ id: c.id, title: c.title }))).toEqual(declared);
    for (const c of commands) expect(c).toMatchObject({ type: "action", context: ["message"], fetchTask: true });
    expect(manifest.composeExtensions?.[0]?.botId).toBe("8d3a2f10-5c1b-4f6e-9a7d-2b4c6e8f0a12");
  });
});
