import type { TableClient } from "@azure/data-tables";
import { Attendance, FollowUp } from "../../core/workflows/events/afterModel.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, keyPart, toRow } from "../entity.js";

/** One row per occurrence for its attendance, one for its follow-up, beside the event in the community's partition. */
const occurrenceRow = (prefix: "a" | "f", eventId: string, occurrence: string) => `${prefix}:${keyPart(eventId)}:${keyPart(occurrence)}`;

export async function readAttendance(table: TableClient, log: Logger, communityId: string, eventId: string, occurrence: string): Promise<Attendance | undefined> {
  const row = await getRow(table, communityPartition(communityId), occurrenceRow("a", eventId, occurrence));
  return row && fromRow(Attendance, row, log);
}

export async function writeAttendance(table: TableClient, communityId: string, attendance: Attendance): Promise<void> {
  await table.upsertEntity(toRow(Attendance, communityPartition(communityId), occurrenceRow("a", attendance.eventId, attendance.occurrence), "attendance", attendance), "Replace");
}

export async function readFollowUp(table: TableClient, log: Logger, communityId: string, eventId: string, occurrence: string): Promise<FollowUp | undefined> {
  const row = await getRow(table, communityPartition(communityId), occurrenceRow("f", eventId, occurrence));
  return row && fromRow(FollowUp, row, log);
}

export async function writeFollowUp(table: TableClient, communityId: string, followUp: FollowUp): Promise<void> {
  await table.upsertEntity(toRow(FollowUp, communityPartition(communityId), occurrenceRow("f", followUp.eventId, followUp.occurrence), "followUp", followUp), "Replace");
}
