/**
 * Teams' documented limits in one table; renderers and the Messenger hold themselves to these numbers
 * instead of letting Teams reject a message.
 */
export const TEAMS_LIMITS = {
  message: {
    // learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages: the limit is now
    // ~100 KB (earlier 40 KB, and 28 KB for connectors/workflows), counted as UTF-16 without base64 images.
    // We hold every card to the oldest, strictest figure so it posts everywhere.
    maxBytes: 28 * 1024,
    // The activity around the card (ids, from, conversation, summary, mention text) needs room too.
    envelopeBytes: 2 * 1024,
  },
  card: {
    // Schema 1.5 is what Teams desktop, web and mobile render (adaptivecards.io/designer, Teams host config).
    version: "1.5",
    // Lists are cut to this many items first; a "…and N more" line says what was left out.
    listItems: 25,
  },
  rate: {
    // bots/how-to/rate-limit: per bot per thread (a 1:1 chat, group chat or channel), sends and creates.
    perConversation: [
      { seconds: 1, max: 7 },
      { seconds: 2, max: 8 },
      { seconds: 30, max: 60 },
      { seconds: 3600, max: 1800 },
    ],
    // Same page: the global limit per app per tenant is 50 requests per second.
    perTenant: [{ seconds: 1, max: 50 }],
  },
  retry: {
    // bots/how-to/rate-limit: handle 429 (and transient 412, 502, 504) with exponential backoff and jitter.
    // botbuilder's pipeline retries 5xx and Retry-After 429s itself; retry.ts adds the rest (retriedByBotbuilder).
    statuses: [429, 412, 502, 504] as readonly number[],
    attempts: 4,
    baseDelayMs: 500,
    maxDelayMs: 15_000,
  },
} as const;

/** Teams counts a message as UTF-16 (two bytes a code unit); base64 images are excluded (we send none). */
export function teamsBytes(value: unknown): number {
  return JSON.stringify(value).length * 2;
}

/** The largest card that still leaves room for its activity envelope. */
export const MAX_CARD_BYTES = TEAMS_LIMITS.message.maxBytes - TEAMS_LIMITS.message.envelopeBytes;
