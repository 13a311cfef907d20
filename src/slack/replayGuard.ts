import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { insertRow, keyPart, toRow } from "../store/entity.js";
import { tableClient, type StorageAccount } from "../store/tables.js";

/** Table of signed requests already accepted (gets the storage prefix like every other table). */
export const SIGNED_REQUESTS_TABLE = "SlackSignedRequests";

export function openSignedRequestsTable(account: StorageAccount): TableClient {
  return tableClient(account, SIGNED_REQUESTS_TABLE);
}

const SeenRequest = z.object({ timestamp: z.number().int(), acceptedAt: z.string() });

// One partition per minute of request time: a claim never contends with older traffic, and minutes past
// the 5-minute window are never read again (they can be dropped whole).
const minutePartition = (timestampSeconds: number) => `m:${new Date(Math.floor(timestampSeconds / 60) * 60_000).toISOString().slice(0, 16)}`;

/**
 * Signed Slack requests already accepted, by (timestamp, signature): a second delivery of the same signed
 * request inside the 5-minute window is a replay. Insert-only rows, so every instance sees every claim.
 */
export class SignedRequests {
  constructor(
    private readonly table: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `created` for the first sight of this signed request; `duplicate` for a replay of it. */
  async claim(timestampSeconds: number, signature: string): Promise<"created" | "duplicate"> {
    const row = toRow(SeenRequest, minutePartition(timestampSeconds), keyPart(`${timestampSeconds}:${signature}`), "slackSignedRequest", {
      timestamp: timestampSeconds,
      acceptedAt: this.now().toISOString(),
    });
    return insertRow(this.table, row);
  }
}
