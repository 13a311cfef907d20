import type { TableClient } from "@azure/data-tables";
import { ConversationRef } from "../core/domain.js";
import type { ConversationRefs } from "../core/ports.js";
import type { Logger } from "../log.js";
import { fromRow, getRow, keyPart, replaceRow, toRow } from "./entity.js";
import { ConcurrencyError } from "../core/errors.js";

const partition = (key: string) => `r:${keyPart(key)}`;

/** How to reach a space or person proactively; one row per key, replaced on each contact. */
export class TableConversationRefs implements ConversationRefs {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async save(ref: ConversationRef): Promise<void> {
    await this.table.upsertEntity(toRow(ConversationRef, partition(ref.key), "", "conversationRef", ref), "Replace");
  }

  async get(key: string): Promise<ConversationRef | undefined> {
    const row = await getRow(this.table, partition(key), "");
    return row && fromRow(ConversationRef, row, this.log);
  }

  async markUnreachable(key: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await getRow(this.table, partition(key), "");
      const ref = row && fromRow(ConversationRef, row, this.log);
      if (!row || !ref || ref.unreachable) return;
      try {
        await replaceRow(this.table, toRow(ConversationRef, partition(key), "", "conversationRef", { ...ref, unreachable: true }), row.etag, "conversationRef");
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
  }
}
