import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { PersonKey } from "../../core/domain.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, toRow } from "../entity.js";

/** The community's setting "survey after events": one row in its partition. */
const ROW = "surveys:afterEvents";
const AfterEvents = z.object({ on: z.boolean(), by: PersonKey, at: z.string() });

export async function setSurveyAfterEvents(table: TableClient, communityId: string, on: boolean, by: string, at: Date): Promise<void> {
  await table.upsertEntity(toRow(AfterEvents, communityPartition(communityId), ROW, "surveysAfterEvents", { on, by, at: at.toISOString() }), "Replace");
}

export async function surveyAfterEvents(table: TableClient, log: Logger, communityId: string): Promise<boolean> {
  const row = await getRow(table, communityPartition(communityId), ROW);
  return (row && fromRow(AfterEvents, row, log))?.on ?? false;
}
