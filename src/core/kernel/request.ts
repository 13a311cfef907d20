import { z } from "zod";
import { Actor, SpaceRef } from "../domain.js";

/**
 * What an adapter hands the core: who asked, where, and what. `verb` names the command; `input` is its raw
 * arguments (button data, form values), or `text` what was typed, for the registry to parse.
 */
export const Request = z.object({
  actor: Actor,
  space: SpaceRef,
  ask: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("text"), text: z.string().max(4000), mentions: z.array(z.object({ id: z.string().max(200), name: z.string().max(200) })).max(20).default([]) }),
    z.object({ kind: z.literal("action"), verb: z.string().max(255), input: z.record(z.unknown()).default({}) }),
    z.object({ kind: z.literal("form"), verb: z.string().max(255), token: z.string().max(3000), values: z.record(z.union([z.string(), z.array(z.string())])) }),
  ]),
});
export type Request = z.infer<typeof Request>;
export type Ask = Request["ask"];
