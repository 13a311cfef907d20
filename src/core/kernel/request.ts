import { z } from "zod";
import { Actor, SpaceRef } from "../domain.js";

/**
 * What an adapter hands the core: who asked, where, and what. `verb` names the command; `input` is its raw
 * arguments (button data, form values), or `text` what was typed, for the registry to parse.
 */
/** A message someone picked from its menu (Slack message shortcut, Teams message action): what it says and where it is. */
export const PickedMessage = z.object({
  text: z.string().max(40_000),
  /** A link back to the message itself (Slack permalink, Teams `linkToMessage`). */
  link: z.string().url().startsWith("https://").max(2000).optional(),
  /** Who wrote it, as the platform names them (its id is looked up on the server, never trusted as a person). */
  author: z.object({ id: z.string().max(200), name: z.string().max(200) }).optional(),
});
export type PickedMessage = z.infer<typeof PickedMessage>;

export const Request = z.object({
  actor: Actor,
  space: SpaceRef,
  ask: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("text"), text: z.string().max(4000), mentions: z.array(z.object({ id: z.string().max(200), name: z.string().max(200) })).max(20).default([]) }),
    z.object({ kind: z.literal("action"), verb: z.string().max(255), input: z.record(z.unknown()).default({}) }),
    z.object({ kind: z.literal("form"), verb: z.string().max(255), token: z.string().max(3000), values: z.record(z.union([z.string(), z.array(z.string())])) }),
    /** A message action: `verb` is the command declared with `messageAction`, `message` the message it was run on. */
    z.object({ kind: z.literal("message"), verb: z.string().max(255), message: PickedMessage }),
  ]),
});
export type Request = z.infer<typeof Request>;
export type Ask = Request["ask"];
