/**
 * Where a delivered Slack message lives. chat.update and chat.delete need its channel and ts, and for a
 * person that channel is the DM the delivery opened (a D… id: a user id is refused there).
 */
export interface SlackMessageAddress {
  channel: string;
  ts: string;
}

const FORMAT = /^slack:([A-Z0-9]+):(\d+\.\d+)$/;

/** The message id a delivery answers: opaque to the rest of the app, decoded only here. */
export function encodeSlackMessageId({ channel, ts }: SlackMessageAddress): string {
  return `slack:${channel}:${ts}`;
}

/** The address in an id from `encodeSlackMessageId`, or undefined for anything else. */
export function decodeSlackMessageId(messageId: string): SlackMessageAddress | undefined {
  const match = FORMAT.exec(messageId);
  return match ? { channel: match[1]!, ts: match[2]! } : undefined;
}
