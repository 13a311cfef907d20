import { createHash } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { Resource, sameLink } from "../../core/workflows/knowledge/model.js";
import type { ResourceLibrary } from "../../core/workflows/knowledge/ports.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, keyPart, listPage, prefixFilter, statusOf, toRow } from "../entity.js";

const resourceRow = (id: string) => `r:${keyPart(id)}`;
/** One row per link, so a link is in a library once: written in the same transaction as its resource. */
const linkRow = (url: string) => `u:${createHash("sha256").update(sameLink(url)).digest("base64url")}`;
const LinkClaim = z.object({ id: z.string().min(1) });

/**
 * The Resources table: a community's library in its own partition (`c:<id>`, as in Communities), a row per
 * resource (`r:`) and a row per link (`u:`, a hash of the link) that makes a link unique.
 */
export class TableResourceLibrary implements ResourceLibrary {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async add(resource: Resource): Promise<{ result: "added" } | { result: "duplicate"; existing: Resource } | { result: "taken" }> {
    const partition = communityPartition(resource.communityId);
    try {
      await this.table.submitTransaction([
        ["create", toRow(Resource, partition, resourceRow(resource.id), "resource", resource)],
        ["create", toRow(LinkClaim, partition, linkRow(resource.url), "resourceLink", { id: resource.id })],
      ]);
      return { result: "added" };
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    // The whole transaction was refused: the link is there already, or (rarely) the id is taken.
    const claim = await getRow(this.table, partition, linkRow(resource.url));
    const id = claim && fromRow(LinkClaim, claim, this.log)?.id;
    const existing = id ? await this.get(resource.communityId, id) : undefined;
    return existing ? { result: "duplicate", existing } : { result: "taken" };
  }

  async get(communityId: string, id: string): Promise<Resource | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), resourceRow(id));
    return row && fromRow(Resource, row, this.log);
  }

  async all(communityId: string): Promise<Resource[]> {
    const found: Resource[] = [];
    let token: string | undefined;
    do {
      const page = await listPage(this.table, prefixFilter(communityPartition(communityId), "r:"), Resource, this.log, { pageSize: 1000, continuationToken: token });
      found.push(...page.items);
      token = page.continuationToken;
    } while (token);
    return found;
  }

  async remove(communityId: string, id: string): Promise<"removed" | "missing"> {
    const resource = await this.get(communityId, id);
    if (!resource) return "missing";
    const partition = communityPartition(communityId);
    for (const rowKey of [resourceRow(id), linkRow(resource.url)]) {
      try {
        await this.table.deleteEntity(partition, rowKey);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    }
    return "removed";
  }
}
