import { z } from "zod";
import { Actor, CommunityStatus, PersonKey, Role, SpaceRef } from "./domain.js";

/**
 * The charter form as a person filled it in: raw strings, one list item per line. The core turns it
 * into a Charter (or field errors); adapters only collect it.
 */
export const CharterForm = z.object({
  name: z.string().default(""),
  domain: z.string().default(""),
  audience: z.string().default(""),
  purposes: z.array(z.string()).default([]),
  goals: z.string().default(""),
  outcomes: z.string().default(""),
  participation: z.string().default(""),
  contribution: z.string().default(""),
  conflictResolution: z.string().default(""),
});
export type CharterForm = z.infer<typeof CharterForm>;
export type CharterField = keyof CharterForm;

/** Everything a person can ask of the app. `type` doubles as the action verb on both platforms. */
export const Command = z.discriminatedUnion("type", [
  z.object({ type: z.literal("help") }),
  z.object({ type: z.literal("community.setup.open") }),
  z.object({ type: z.literal("community.setup"), form: CharterForm }),
  z.object({ type: z.literal("community.charter.show") }),
  z.object({ type: z.literal("community.charter.edit") }),
  z.object({ type: z.literal("community.charter.update"), form: CharterForm }),
  z.object({ type: z.literal("community.status.set"), status: CommunityStatus }),
  z.object({ type: z.literal("community.roles.show") }),
  z.object({
    type: z.literal("community.role.assign"),
    person: PersonKey,
    displayName: z.string().max(120).default(""),
    role: Role,
  }),
  z.object({ type: z.literal("space.link.start") }),
  z.object({ type: z.literal("space.link.redeem"), code: z.string().max(40) }),
  z.object({ type: z.literal("unknown"), text: z.string().max(4000) }),
]);
export type Command = z.infer<typeof Command>;
export type CommandType = Command["type"];

/** A command with who asked and where: what every adapter hands the core. */
export const Request = z.object({
  actor: Actor,
  space: SpaceRef,
  command: Command,
});
export type Request = z.infer<typeof Request>;

export const COMMAND_TYPES = Command.options.map((o) => o.shape.type.value) as CommandType[];
