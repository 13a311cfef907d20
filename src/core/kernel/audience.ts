import { z } from "zod";
import { PersonKey, Role, SpaceKey } from "../domain.js";

/** Who a fan-out reaches: members (optionally by role), the community's spaces, or a list. */
export const FanoutAudienceSpec = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("members"), communityId: z.string().min(1), roles: z.array(Role).min(1).optional() }),
  z.object({ kind: z.literal("spaces"), communityId: z.string().min(1), except: z.array(SpaceKey).default([]) }),
  z.object({
    kind: z.literal("people"),
    people: z.array(PersonKey).min(1).max(1000),
  }),
  z.object({
    kind: z.literal("targets"),
    targets: z
      .array(z.discriminatedUnion("kind", [z.object({ kind: z.literal("space"), spaceKey: SpaceKey }), z.object({ kind: z.literal("person"), personKey: PersonKey })]))
      .min(1)
      .max(1000),
  }),
]);
export type FanoutAudienceSpec = z.input<typeof FanoutAudienceSpec>;
