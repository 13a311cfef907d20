import type { TableClient } from "@azure/data-tables";
import { LRUCache } from "lru-cache";
import { upTo } from "../core/cacheBound.js";
import { ConversationRef } from "../core/domain.js";
import type { ConversationRefs } from "../core/ports.js";
import type { Logger } from "../log.js";
import { fromRow, getRow, keyPart, replaceRow, toRow } from "./entity.js";
import { ConcurrencyError } from "../core/errors.js";
import { deepFreeze, sharedCopy } from "./readCache.js";

const partition = (key: string) => `r:${keyPart(key)}`;
/**
 * How long what this instance knows of a ref answers `recent`: every Teams turn in a channel asks whether the
 * channel's ref is current, and a busy channel would otherwise read it on every message.
 */
export const RECENT_REF_MS = 60_000;

/** How to reach a space or person proactively; one row per key, replaced on each contact. */
export class TableConversationRefs implements ConversationRefs {
  private readonly known = new LRUCache<string, ConversationRef>({ ...upTo(10_000), ttl: RECENT_REF_MS });

  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async save(ref: ConversationRef): Promise<void> {
    await this.table.upsertEntity(toRow(ConversationRef, partition(ref.key), "", "conversationRef", ref), "Replace");
    this.known.set(ref.key, sharedCopy(ref));
  }

  async get(key: string): Promise<ConversationRef | undefined> {
    const row = await getRow(this.table, partition(key), "");
    const ref = row && fromRow(ConversationRef, row, this.log);
    if (ref) this.known.set(key, deepFreeze(ref));
    else this.known.delete(key);
    return ref;
  }

  /** Frozen (`deepFreeze`): shared with every reader. */
  async recent(key: string): Promise<ConversationRef | undefined> {
    return this.known.get(key) ?? this.get(key);
  }

  async markUnreachable(key: string): Promise<void> {
    // Whatever happens below, the next contact reads the row again.
    this.known.delete(key);
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
