import type { Activity } from "botbuilder";
import { z } from "zod";
import { actorOf } from "./inbound.js";

/**
 * The least an activity must carry before botbuilder sees it. Every turn reads these fields (ids,
 * replies, the turn-error notice): an activity without them is the sender's mistake, a 400, never a
 * 500 from deep inside a handler.
 */
const ActivityShape = z.object({
  type: z.string().min(1),
  channelId: z.string().min(1),
  serviceUrl: z.string().min(1),
  from: z.object({ id: z.string().min(1) }),
  conversation: z.object({ id: z.string().min(1) }),
  recipient: z.object({ id: z.string().min(1) }),
});

/** Only Teams: other channels (Emulator, Web Chat, Direct Line) fill ids and tenant from what the sender chooses. */
export const TEAMS_CHANNEL_ID = "msteams";

export interface Refusal {
  status: 400;
  body: { error: "bad_request"; message: string };
}

/** Undefined when the body may go on to the adapter, else the 400 that says why not. */
export function refusalOf(body: unknown): Refusal | undefined {
  const shape = ActivityShape.safeParse(body);
  if (!shape.success) {
    const fields = [...new Set(shape.error.issues.map((issue) => fieldName(issue.path[0])))];
    if (fields.includes(undefined)) return badRequest("The body is not a Bot Framework activity (a JSON object).");
    return badRequest(`The body is not a Bot Framework activity: it needs a usable ${fields.join(", ")}.`);
  }
  if (shape.data.channelId !== TEAMS_CHANNEL_ID) {
    return badRequest(`Only Microsoft Teams activities (channelId "${TEAMS_CHANNEL_ID}") are served here.`);
  }
  return undefined;
}

/** The field named as a sender would look it up: `from.id` when `from` itself is missing. */
function fieldName(top: string | number | undefined): string | undefined {
  if (top === undefined) return undefined;
  return top === "from" || top === "conversation" || top === "recipient" ? `${top}.id` : String(top);
}

const badRequest = (message: string): Refusal => ({ status: 400, body: { error: "bad_request", message } });

/** The locale for the turn-error notice: the actor's when the activity yields one, else English; never throws. */
export function noticeLocale(activity: Activity): string {
  try {
    return actorOf(activity).locale;
  } catch {
    return "en";
  }
}
