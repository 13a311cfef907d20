import type { TableClient, TransactionAction } from "@azure/data-tables";
import { z } from "zod";
import type { ConversationRefs } from "../core/ports.js";
import type { Logger } from "../log.js";
import { insertRow, keyPart, listPage, statusOf, toRow, type Row } from "../store/entity.js";
import { PartitionGroups } from "../store/groupCommit.js";
import { tableClient, type StorageAccount } from "../store/tables.js";

/** The Slack adapter's own tables (names get the storage prefix like every other table). */
export const SLACK_TABLES = {
  installations: "SlackInstallations",
  events: "SlackEvents",
  workspaceRefs: "SlackWorkspaceRefs",
  oauthStates: "SlackOAuthStates",
} as const;

export function openSlackTables(account: StorageAccount): Record<keyof typeof SLACK_TABLES, TableClient> {
  return {
    installations: tableClient(account, SLACK_TABLES.installations),
    events: tableClient(account, SLACK_TABLES.events),
    workspaceRefs: tableClient(account, SLACK_TABLES.workspaceRefs),
    oauthStates: tableClient(account, SLACK_TABLES.oauthStates),
  };
}

const SeenEvent = z.object({ eventId: z.string(), claimedAt: z.string() });
// A retry carries the same event_time, so the day of the event finds the same row; old days can be dropped whole.
const eventPartition = (eventTimeSeconds: number) => `d:${new Date(eventTimeSeconds * 1000).toISOString().slice(0, 10)}`;

/** Events API deliveries already taken on (by event_id), so Slack's retries are processed once. */
export class EventDedupe {
  constructor(private readonly table: TableClient) {}

  /** True for the first delivery of an event; false for every retry after it. */
  async claim(eventId: string, eventTimeSeconds: number): Promise<boolean> {
    const row = toRow(SeenEvent, eventPartition(eventTimeSeconds), keyPart(eventId), "slackEvent", { eventId, claimedAt: new Date().toISOString() });
    return (await insertRow(this.table, row)) === "created";
  }

  /** Gives a claim back when processing failed, so Slack's next retry gets another chance. */
  async release(eventId: string, eventTimeSeconds: number): Promise<void> {
    try {
      await this.table.deleteEntity(eventPartition(eventTimeSeconds), keyPart(eventId));
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
}

const RefIndex = z.object({ key: z.string() });

/**
 * Which conversation refs were reached through which installation, so an uninstall or a revoked token
 * can mark all of them unreachable at once.
 */
export class WorkspaceRefs {
  /**
   * Index rows are written in group commits per installation: when many people of one workspace reach the
   * app for the first time at once (a poll in a large channel, a fresh instance), one transaction carries up
   * to 100 of them instead of a request each.
   */
  private readonly rows = new PartitionGroups<Row, void>(async (group) => {
    // Twice the same row in one transaction is refused: the same person's two first requests at once.
    const once = [...new Map(group.map((write) => [write.item.rowKey, write.item])).values()];
    if (once.length === 1) await this.table.upsertEntity(once[0]!, "Replace");
    else await this.table.submitTransaction(once.map((row): TransactionAction => ["upsert", row, "Replace"]));
    for (const write of group) write.resolve();
  });

  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  remember(installation: string, refKey: string): Promise<void> {
    const row = toRow(RefIndex, `w:${keyPart(installation)}`, keyPart(refKey), "slackWorkspaceRef", { key: refKey });
    return this.rows.add(row.partitionKey, row);
  }

  /** Marks every ref reached through the installation unreachable; returns how many there were. */
  async markUnreachable(installation: string, refs: ConversationRefs): Promise<number> {
    const partition = `w:${keyPart(installation)}`;
    let count = 0;
    let token: string | undefined;
    do {
      const page = await listPage(this.table, `PartitionKey eq '${partition.replace(/'/g, "''")}'`, RefIndex, this.log, { pageSize: 500, continuationToken: token });
      for (const { key } of page.items) {
        await refs.markUnreachable(key);
        count += 1;
      }
      token = page.continuationToken;
    } while (token);
    return count;
  }
}
