import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { PersonKey } from "../../core/domain.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, keyPart, prefixFilter, statusOf, toRow } from "../entity.js";

/** One row per member who muted survey reminders, in the community's partition (apart from any answer). */
const MUTED_PREFIX = "mute:surveys:";
const Muted = z.object({ personKey: PersonKey, at: z.string() });

export async function setSurveyMuted(table: TableClient, communityId: string, personKey: string, muted: boolean, at: Date): Promise<void> {
  const rowKey = `${MUTED_PREFIX}${keyPart(personKey)}`;
  if (muted) {
    await table.upsertEntity(toRow(Muted, communityPartition(communityId), rowKey, "mutedSurveys", { personKey, at: at.toISOString() }), "Replace");
    return;
  }
  try {
    await table.deleteEntity(communityPartition(communityId), rowKey);
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

/** Everyone in a community who muted survey reminders. */
export async function surveyMutedPeople(table: TableClient, log: Logger, communityId: string): Promise<Set<string>> {
  const found = new Set<string>();
  for await (const row of table.listEntities<{ json?: string }>({ queryOptions: { filter: prefixFilter(communityPartition(communityId), MUTED_PREFIX) } })) {
    const muted = fromRow(Muted, row, log);
    if (muted) found.add(muted.personKey);
  }
  return found;
}

/** The row keys of a survey's responses (only the keys: no answer is read). */
export async function responseRowKeys(table: TableClient, partitionKey: string): Promise<Set<string>> {
  const keys = new Set<string>();
  const rows = table.listEntities<{ rowKey?: string }>({ queryOptions: { filter: `PartitionKey eq '${partitionKey.replace(/'/g, "''")}' and RowKey lt '~'`, select: ["RowKey"] } });
  for await (const row of rows) if (row.rowKey) keys.add(row.rowKey);
  return keys;
}
