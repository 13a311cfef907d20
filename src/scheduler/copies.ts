import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { SpaceKey } from "../core/domain.js";
import type { Copies, PostedCopy } from "../core/ports.js";
import type { Logger } from "../log.js";
import { insertRow, keyPart, toRow, fromRow, type Row } from "../store/entity.js";

export const PostedCopyRow = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("message"), spaceKey: SpaceKey, messageId: z.string().min(1).max(500), locale: z.string().max(35) }),
  z.object({ kind: z.literal("fanout"), fanoutId: z.string().min(1).max(300) }),
]);

const partitionOf = (of: string) => `c:${keyPart(of)}`;
const rowKeyOf = (copy: PostedCopy) => (copy.kind === "message" ? `m:${keyPart(copy.spaceKey)}:${keyPart(copy.messageId)}` : `f:${keyPart(copy.fanoutId)}`);
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The copies of each card, one insert-only row per copy in the card key's partition (one scan lists them). */
export class CopyBook implements Copies {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async posted(of: string, copy: PostedCopy): Promise<void> {
    // Insert-only: recording the same copy twice (a retried request) keeps the first row.
    await insertRow(this.table, toRow(PostedCopyRow, partitionOf(of), rowKeyOf(copy), "copy", copy));
  }

  async list(of: string): Promise<PostedCopy[]> {
    const out: PostedCopy[] = [];
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter: `PartitionKey eq ${quote(partitionOf(of))}` } })) {
      const copy = fromRow(PostedCopyRow, row, this.log);
      if (copy) out.push(copy);
    }
    return out;
  }
}
