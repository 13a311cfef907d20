import { z } from "zod";
import { PersonKey } from "../domain.js";
import { FanoutAudienceSpec } from "./audience.js";

/** The scheduler's job kind that sends one card to many recipients through the delivery queue. */
export const FANOUT_JOB = "fanout";

/** A card not yet rendered: rendered per recipient at delivery time. */
export const CardRefSchema = z.object({ presenter: z.string().min(1), data: z.unknown() });

export const FanoutPayload = z.object({
  /** Defaults to the job key; progress is read by this id. */
  fanoutId: z.string().min(1).max(200).optional(),
  card: CardRefSchema,
  /** The language a recipient gets when nothing is known of theirs (the sender's). */
  locale: z.string().max(35).default("en"),
  audience: FanoutAudienceSpec,
  /** The facilitator who started it, to be shown the progress. */
  startedBy: PersonKey.optional(),
});
export type FanoutPayload = z.infer<typeof FanoutPayload>;
