import type { ServerResponse } from "node:http";
import { AuthorizationError, type ReceiverProcessEventErrorHandlerArgs, type ReceiverUnhandledRequestHandlerArgs } from "@slack/bolt";

/** The error body every route of the server answers with: `{"error":"…","message":"…"}`. */
export function answerJson(res: ServerResponse, status: number, error: string, message: string): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify({ error, message }));
}

/**
 * Bolt's own answers when processing an event fails, as JSON instead of empty bodies: 401 when no
 * installation answers for the workspace, 500 otherwise. Returns whether the request counts as acknowledged.
 */
export async function answerProcessEventError({ error, logger, response }: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> {
  if (response.headersSent) {
    logger.error(`a Slack listener failed after ack(): ${String(error)}`);
    return false;
  }
  if (error instanceof AuthorizationError) {
    answerJson(response, 401, "not_installed", "The app is not installed in this workspace, or its installation could not be read.");
    return true;
  }
  logger.error(`processing a Slack request failed: ${String(error)}`);
  answerJson(response, 500, "internal", "Something went wrong; nothing was changed.");
  return false;
}

/** Nothing acknowledged the request within Slack's 3 seconds (Bolt answers 404). */
export function answerUnhandled({ logger, response }: ReceiverUnhandledRequestHandlerArgs): void {
  logger.error("a Slack request was not acknowledged within 3 seconds");
  answerJson(response, 404, "not_handled", "Nothing here handles this Slack request.");
}
