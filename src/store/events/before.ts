import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { PersonKey } from "../../core/domain.js";
import { BeforeSettings, Rsvp } from "../../core/workflows/events/model.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, keyPart, prefixFilter, toRow } from "../entity.js";

/** A community's reminder settings: one row in its partition. */
const SETTINGS_ROW = "settings:events.before";
/** One row per member who muted reminder messages, found from the person by its key. */
const MUTED_PREFIX = "mute:reminders:";
const Muted = z.object({ personKey: PersonKey, at: z.string() });

export async function beforeSettings(table: TableClient, log: Logger, communityId: string): Promise<BeforeSettings | undefined> {
  const row = await getRow(table, communityPartition(communityId), SETTINGS_ROW);
  return row ? fromRow(BeforeSettings, row, log) : undefined;
}

export async function saveBeforeSettings(table: TableClient, communityId: string, settings: BeforeSettings): Promise<void> {
  await table.upsertEntity(toRow(BeforeSettings, communityPartition(communityId), SETTINGS_ROW, "eventSettings", settings), "Replace");
}

export async function setMuted(table: TableClient, communityId: string, personKey: string, muted: boolean, at: Date): Promise<void> {
  const rowKey = `${MUTED_PREFIX}${keyPart(personKey)}`;
  if (muted) await table.upsertEntity(toRow(Muted, communityPartition(communityId), rowKey, "mutedReminders", { personKey, at: at.toISOString() }), "Replace");
  else await table.deleteEntity(communityPartition(communityId), rowKey).catch((error: { statusCode?: number }) => {
    if (error.statusCode !== 404) throw error;
  });
}

/** Everyone in a community who muted reminder messages. */
export async function mutedPeople(table: TableClient, log: Logger, communityId: string): Promise<Set<string>> {
  const found = new Set<string>();
  for await (const row of table.listEntities<{ json?: string }>({ queryOptions: { filter: prefixFilter(communityPartition(communityId), MUTED_PREFIX) } })) {
    const muted = fromRow(Muted, row, log);
    if (muted) found.add(muted.personKey);
  }
  return found;
}

/** Every answer given for one occurrence (rows under `prefix`). */
export async function answersUnder(table: TableClient, log: Logger, communityId: string, prefix: string): Promise<Rsvp[]> {
  const found: Rsvp[] = [];
  for await (const row of table.listEntities<{ json?: string }>({ queryOptions: { filter: prefixFilter(communityPartition(communityId), prefix) } })) {
    const rsvp = fromRow(Rsvp, row, log);
    if (rsvp) found.push(rsvp);
  }
  return found;
}
