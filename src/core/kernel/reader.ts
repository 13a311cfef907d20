import { z } from "zod";
import { Platform } from "../domain.js";

/**
 * Who a card is rendered for: their language, time zone and where they read it. Travels with every
 * request (the asker) and every delivery (each recipient), so each person sees their own language, zone
 * and the commands as they type them there.
 */
export const Reader = z.object({
  locale: z.string().max(35).default("en"),
  timezone: z.string().max(64).optional(),
  platform: Platform,
  /** A 1:1 chat with the app (Teams personal scope, Slack DM or App Home) or a shared channel or chat. */
  personal: z.boolean().default(false),
});
export type Reader = z.infer<typeof Reader>;

/** The app's name as Teams users @mention it (manifest `name.short`). */
export const TEAMS_BOT_NAME = "CoP Companion";
/** The slash command the Slack app registers (manifests/slack/manifest.yaml). */
export const SLACK_COMMAND = "/cop";

/**
 * A command as the reader types it where they read: `/cop charter` in Slack, `charter` in a Teams 1:1
 * chat, `@CoP Companion charter` in a Teams channel or group chat. Returned as code (neutral markdown).
 */
export function typed(reader: Pick<Reader, "platform" | "personal">, usage: string): string {
  const said = reader.platform === "slack" ? `${SLACK_COMMAND} ${usage}` : reader.personal ? usage : `@${TEAMS_BOT_NAME} ${usage}`;
  return `\`${said.replace(/`/g, "'")}\``;
}
