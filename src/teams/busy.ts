import type { Activity } from "botbuilder";
import { MESSAGE_ACTION_INVOKES } from "./pickedMessage.js";

/**
 * How long a Teams turn waits for a start among the work waiting (src/workGate.ts) before it is answered busy.
 * Teams gives a bot 15 seconds to answer an activity and then sends the same activity again (done twice, and
 * the connection held meanwhile): a turn started within this has the rest for its own work.
 */
export const TEAMS_START_BUDGET_MS = 5_000;

/**
 * What a Teams turn turned away for want of room is: a message (typed, or an `Action.Submit` press), whose answer
 * goes to the person like any private answer; an `Action.Execute` press or a message action's dialog, whose
 * answer is the invoke's response.
 */
export type Sheddable = "message" | "cardAction" | "dialog";

const DIALOG_INVOKES: ReadonlySet<string> = new Set(MESSAGE_ACTION_INVOKES);

/**
 * What people send by the hundred at once (messages, card presses, dialogs) waits its turn and may be answered
 * busy; what Teams sends once about the app or a conversation (installed, members added or removed, a file's
 * consent) always goes on: it is not sent again, and it is never a burst.
 */
export function sheddable(activity: Pick<Activity, "type" | "name">): Sheddable | undefined {
  if (activity.type === "message") return "message";
  if (activity.type !== "invoke") return undefined;
  if (activity.name === "adaptiveCard/action") return "cardAction";
  return activity.name && DIALOG_INVOKES.has(activity.name) ? "dialog" : undefined;
}

/**
 * The invoke response that says `text` to the person alone, in place: a toast for a card's button (the card
 * stays, so they can press again), a message in the dialog for a message action.
 */
export function busyInvokeResponse(kind: Exclude<Sheddable, "message">, text: string): { status: 200; body: unknown } {
  if (kind === "cardAction") return { status: 200, body: { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: text } };
  return { status: 200, body: { task: { type: "message", value: text } } };
}
