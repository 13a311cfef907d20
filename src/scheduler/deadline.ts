/**
 * The call's answer, or undefined once `ms` have passed, or `graceMs` after `stop` aborted, whichever
 * comes first. The call itself goes on: the caller decides what to do with a late answer.
 */
export function answerWithin<T>(call: Promise<T>, ms: number, stop: AbortSignal, graceMs: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    let graceTimer: NodeJS.Timeout | undefined;
    const settle = (finish: () => void) => {
      clearTimeout(deadline);
      clearTimeout(graceTimer);
      stop.removeEventListener("abort", onStop);
      finish();
    };
    const deadline = setTimeout(() => settle(() => resolve(undefined)), ms);
    const onStop = () => {
      graceTimer = setTimeout(() => settle(() => resolve(undefined)), graceMs);
    };
    if (stop.aborted) onStop();
    else stop.addEventListener("abort", onStop, { once: true });
    call.then(
      (answer) => settle(() => resolve(answer)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
