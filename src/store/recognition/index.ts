import type { TableClient } from "@azure/data-tables";
import type { Page } from "../../core/ports.js";
import { Kudos, Milestone, RecognitionSettings, type MilestoneKind } from "../../core/workflows/recognition/model.js";
import type { RecognitionBook } from "../../core/workflows/recognition/ports.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, insertRow, keyPart, prefixFilter, toRow, type Row } from "../entity.js";

/** Kudos rows sort newest first: the time inverted, then the id. */
const KUDOS_PREFIX = "kudos:";
const NEWEST = 9_999_999_999_999;
const kudosRow = (k: Pick<Kudos, "at" | "id">) => `${KUDOS_PREFIX}${String(NEWEST - Date.parse(k.at)).padStart(13, "0")}:${keyPart(k.id)}`;
/** One insert-only marker per milestone and subject: `ms:<kind>:<subject>`. */
const markerRow = (kind: MilestoneKind, subject: string) => `ms:${kind}:${keyPart(subject)}`;
const SETTINGS_ROW = "recognition:settings";
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Recognition in the community's partition: kudos (`kudos:`), milestone markers (`ms:`) and its settings. */
export class TableRecognitionBook implements RecognitionBook {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async give(kudos: Kudos): Promise<void> {
    await insertRow(this.table, toRow(Kudos, communityPartition(kudos.communityId), kudosRow(kudos), "kudos", kudos));
  }

  async recent(communityId: string, page: { pageSize: number; after?: string }): Promise<Page<Kudos>> {
    // The cursor is the last row key shown: only a kudos row key is taken as one.
    const after = page.after && /^kudos:\d{13}:[^']+$/.test(page.after) ? page.after : KUDOS_PREFIX;
    const filter = `PartitionKey eq ${quote(communityPartition(communityId))} and RowKey gt ${quote(after)} and RowKey lt ${quote("kudos;")}`;
    const rows: Array<Partial<Row>> = [];
    // One more than shown: whether there is a next page.
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter } })) {
      rows.push(row);
      if (rows.length > page.pageSize) break;
    }
    const shown = rows.slice(0, page.pageSize);
    const items = shown.map((row) => fromRow(Kudos, row, this.log)).filter((k): k is Kudos => k !== undefined);
    return { items, continuationToken: rows.length > page.pageSize ? shown.at(-1)?.rowKey : undefined };
  }

  async reach(milestone: Milestone): Promise<{ result: "created" } | { result: "duplicate"; stored: Milestone | undefined }> {
    const row = toRow(Milestone, communityPartition(milestone.communityId), markerRow(milestone.kind, milestone.subject), "milestone", milestone);
    if ((await insertRow(this.table, row)) === "created") return { result: "created" };
    return { result: "duplicate", stored: await this.reached(milestone.communityId, milestone.kind, milestone.subject) };
  }

  async reachedAll(communityId: string, kind: MilestoneKind): Promise<Map<string, Milestone>> {
    const found = new Map<string, Milestone>();
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter: prefixFilter(communityPartition(communityId), `ms:${kind}:`) } })) {
      const milestone = fromRow(Milestone, row, this.log);
      if (milestone) found.set(milestone.subject, milestone);
    }
    return found;
  }

  async reached(communityId: string, kind: MilestoneKind, subject: string): Promise<Milestone | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), markerRow(kind, subject));
    return row ? fromRow(Milestone, row, this.log) : undefined;
  }

  async settings(communityId: string): Promise<RecognitionSettings> {
    const row = await getRow(this.table, communityPartition(communityId), SETTINGS_ROW);
    return (row && fromRow(RecognitionSettings, row, this.log)) || RecognitionSettings.parse({});
  }

  async saveSettings(communityId: string, settings: RecognitionSettings): Promise<void> {
    await this.table.upsertEntity(toRow(RecognitionSettings, communityPartition(communityId), SETTINGS_ROW, "recognitionSettings", settings), "Replace");
  }
}
