import type { TurnContext } from "botbuilder";

/**
 * Runs `logic` in a proactive turn and hands back its result or its error. The adapter passes an error
 * thrown inside a turn to onTurnError (the app's turn error handler), which logs it and returns, so a
 * failed call would otherwise look like a success.
 */
export async function inTurn<T>(start: (logic: (context: TurnContext) => Promise<void>) => Promise<void>, logic: (context: TurnContext) => Promise<T>): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  await start(async (context) => {
    try {
      outcome = { ok: true, value: await logic(context) };
    } catch (error) {
      outcome = { ok: false, error };
    }
  });
  if (!outcome) throw new Error("the proactive turn ended without running");
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
