import type { TableClient } from "@azure/data-tables";
import { Community } from "../core/domain.js";
import type { Communities, Versioned } from "../core/ports.js";
import type { Logger } from "../log.js";
import { ConcurrencyError } from "../core/errors.js";
import { fromRow, getRow, insertRow, keyPart, replaceRow, toRow } from "./entity.js";
import { CommunityRows, sharedCopy } from "./readCache.js";

/** A community's rows share one partition: `c:<id>`; the community itself is row `community`. */
export const communityPartition = (id: string) => `c:${keyPart(id)}`;
export const COMMUNITY_ROW = "community";
const ROW = COMMUNITY_ROW;

export class TableCommunities implements Communities {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
    /** Shared with the members store, whose ETag-checked saves move the community row. */
    private readonly cache = new CommunityRows(),
  ) {}

  create(community: Community): Promise<"created" | "duplicate"> {
    this.cache.forget(community.id);
    return insertRow(this.table, toRow(Community, communityPartition(community.id), ROW, "community", community));
  }

  async get(id: string): Promise<Versioned<Community> | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const row = await getRow(this.table, communityPartition(id), ROW);
    if (!row) return undefined;
    const value = fromRow(Community, row, this.log);
    return value && this.cache.set(id, { value, etag: row.etag });
  }

  async update(community: Community, etag: string): Promise<string> {
    const row = toRow(Community, communityPartition(community.id), ROW, "community", community);
    try {
      const next = await replaceRow(this.table, row, etag, "community");
      this.cache.set(community.id, { value: sharedCopy(community), etag: next });
      return next;
    } catch (error) {
      // Changed elsewhere since it was read (perhaps a cached read): the next request reads it afresh.
      if (error instanceof ConcurrencyError) this.cache.forget(community.id);
      throw error;
    }
  }
}
