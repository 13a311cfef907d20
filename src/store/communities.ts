import type { TableClient } from "@azure/data-tables";
import { Community } from "../core/domain.js";
import type { Communities, Versioned } from "../core/ports.js";
import type { Logger } from "../log.js";
import { fromRow, getRow, insertRow, keyPart, replaceRow, toRow } from "./entity.js";

/** A community's rows share one partition: `c:<id>`; the community itself is row `community`. */
export const communityPartition = (id: string) => `c:${keyPart(id)}`;
export const COMMUNITY_ROW = "community";
const ROW = COMMUNITY_ROW;

export class TableCommunities implements Communities {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  create(community: Community): Promise<"created" | "duplicate"> {
    return insertRow(this.table, toRow(Community, communityPartition(community.id), ROW, "community", community));
  }

  async get(id: string): Promise<Versioned<Community> | undefined> {
    const row = await getRow(this.table, communityPartition(id), ROW);
    if (!row) return undefined;
    const value = fromRow(Community, row, this.log);
    return value && { value, etag: row.etag };
  }

  update(community: Community, etag: string): Promise<string> {
    const row = toRow(Community, communityPartition(community.id), ROW, "community", community);
    return replaceRow(this.table, row, etag, "community");
  }
}
