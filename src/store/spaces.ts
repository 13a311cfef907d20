import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { Space, type SpaceKey } from "../core/domain.js";
import type { Spaces } from "../core/ports.js";
import type { Logger } from "../log.js";
import { communityPartition } from "./communities.js";
import { sharedCopy, SpaceBindings } from "./readCache.js";
import { fromRow, getRow, insertRow, keyPart, listPage, prefixFilter, toRow, upsertBatched } from "./entity.js";

const SpaceOwner = z.object({ communityId: z.string() });
const spaceRow = (key: SpaceKey) => `s:${keyPart(key)}`;

/**
 * A space is a row in its community's partition (to list a community's spaces) plus an insert-only
 * index row keyed by the space (to find the community from a request, and so one space has one owner).
 */
export class TableSpaces implements Spaces {
  constructor(
    private readonly communities: TableClient,
    private readonly index: TableClient,
    private readonly log: Logger,
    private readonly bindings = new SpaceBindings(),
  ) {}

  async bind(space: Space): Promise<{ result: "bound" } | { result: "taken"; communityId: string }> {
    const claimed = await insertRow(
      this.index,
      toRow(SpaceOwner, spaceRow(space.spaceKey), "", "spaceOwner", { communityId: space.communityId }),
    );
    if (claimed === "duplicate") {
      const owner = await this.ownerOf(space.spaceKey);
      if (owner && owner !== space.communityId) return { result: "taken", communityId: owner };
    }
    await upsertBatched(this.communities, [
      toRow(Space, communityPartition(space.communityId), spaceRow(space.spaceKey), "space", space),
    ]);
    this.bindings.set(sharedCopy(space));
    return { result: "bound" };
  }

  async find(spaceKey: SpaceKey): Promise<Space | undefined> {
    const cached = this.bindings.get(spaceKey);
    if (cached) return cached;
    const communityId = await this.ownerOf(spaceKey);
    if (!communityId) return undefined;
    const row = await getRow(this.communities, communityPartition(communityId), spaceRow(spaceKey));
    const space = row && fromRow(Space, row, this.log);
    return space && this.bindings.set(space);
  }

  async listForCommunity(communityId: string): Promise<Space[]> {
    // A community has a handful of spaces; one page of 1000 covers it.
    const page = await listPage(this.communities, prefixFilter(communityPartition(communityId), "s:"), Space, this.log, { pageSize: 1000 });
    return page.items;
  }

  private async ownerOf(spaceKey: SpaceKey): Promise<string | undefined> {
    const row = await getRow(this.index, spaceRow(spaceKey), "");
    return row && fromRow(SpaceOwner, row, this.log)?.communityId;
  }
}
