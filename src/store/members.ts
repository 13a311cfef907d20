import type { TableClient } from "@azure/data-tables";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { Member, type PersonKey } from "../core/domain.js";
import type { Members, Page, PageRequest } from "../core/ports.js";
import type { Logger } from "../log.js";
import { COMMUNITY_ROW, communityPartition } from "./communities.js";
import { ConcurrencyError } from "../core/errors.js";
import { ParsedRows, type CommunityRows } from "./readCache.js";
import { getRow, keyPart, listPage, prefixFilter, statusOf, toRow, upsertBatched } from "./entity.js";

const MembershipIndex = z.object({ communityId: z.string() });
const memberRow = (person: PersonKey) => `m:${keyPart(person)}`;
/** A person who said `leave`: kept apart from members, so lists and counts never see them. */
const optOutRow = (person: PersonKey) => `x:${keyPart(person)}`;
const OptOut = z.object({ personKey: z.string() });
export const personPartition = (person: PersonKey) => `p:${keyPart(person)}`;
/** How many index writes run at once when many members are saved together. */
const INDEX_CONCURRENCY = 16;
/**
 * How long a community's member count is reused. It is shown ("34 of 120 answered") on every vote, and counting
 * reads every member's key; a count a few seconds old is as good to a reader. This instance's own joins and
 * leaves move it at once.
 */
const COUNT_TTL_MS = 5_000;

/**
 * Members live in their community's partition; an index row per (person, community) in the person's
 * own partition finds every community, and so all personal data, of one person.
 */
export class TableMembers implements Members {
  /** Counts by community; a count asked for while one is being read waits for that one (a burst reads it once). */
  private readonly counts = new LRUCache<string, number>({ max: 1_000, ttl: COUNT_TTL_MS, fetchMethod: (communityId) => this.countRows(communityId) });
  private readonly parsed: ParsedRows<Member>;

  constructor(
    private readonly communities: TableClient,
    private readonly personIndex: TableClient,
    private readonly log: Logger,
    /** The community rows the communities store caches: a save at the community's ETag moves it. */
    private readonly communityRows?: CommunityRows,
  ) {
    this.parsed = new ParsedRows(Member, log);
  }

  async save(member: Member, options: { ifCommunityAt?: string } = {}): Promise<void> {
    if (!options.ifCommunityAt) return this.saveMany([member]);
    await this.index([member]);
    const partition = communityPartition(member.communityId);
    // Whether it succeeds (the ETag moves on) or loses a race (the cached ETag is stale): read it afresh next time.
    this.communityRows?.forget(member.communityId);
    try {
      // One transaction: the member row, and a touch of the community row that succeeds only at that ETag.
      await this.communities.submitTransaction([
        ["upsert", toRow(Member, partition, memberRow(member.personKey), "member", member), "Replace"],
        ["update", { partitionKey: partition, rowKey: COMMUNITY_ROW, touchedAt: new Date().toISOString() }, "Merge", { etag: options.ifCommunityAt }],
      ]);
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) throw new ConcurrencyError("community");
      throw error;
    }
  }

  async add(member: Member, options: { optedOut?: false } = {}): Promise<"added" | "exists"> {
    await this.index([member]);
    // Someone who said `leave` and joins again is back: unless the caller has just seen they had not left.
    if (options.optedOut !== false) {
      await this.communities.deleteEntity(communityPartition(member.communityId), optOutRow(member.personKey)).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
    }
    try {
      await this.communities.createEntity(toRow(Member, communityPartition(member.communityId), memberRow(member.personKey), "member", member));
      this.moveCount(member.communityId, 1);
      return "added";
    } catch (error) {
      if (statusOf(error) === 409) return "exists";
      throw error;
    }
  }

  async optedOut(communityId: string, person: PersonKey): Promise<boolean> {
    return (await getRow(this.communities, communityPartition(communityId), optOutRow(person))) !== undefined;
  }

  async remove(communityId: string, person: PersonKey, options: { optOut?: boolean } = {}): Promise<"removed" | "missing"> {
    if (options.optOut) {
      await this.communities.upsertEntity(toRow(OptOut, communityPartition(communityId), optOutRow(person), "optOut", { personKey: person }), "Replace");
    }
    try {
      await this.communities.deleteEntity(communityPartition(communityId), memberRow(person));
      this.moveCount(communityId, -1);
    } catch (error) {
      if (statusOf(error) === 404) return "missing";
      throw error;
    }
    // The index row last: while it exists, the person's data can still be found.
    await this.personIndex.deleteEntity(personPartition(person), keyPart(communityId)).catch((error: unknown) => {
      if (statusOf(error) !== 404) throw error;
    });
    return "removed";
  }

  async saveMany(members: Member[]): Promise<void> {
    if (members.length === 0) return;
    const rows = members.map((m) => toRow(Member, communityPartition(m.communityId), memberRow(m.personKey), "member", m));
    // The person's index first: a crash in between leaves an index row to nothing, never a row no one can find.
    await this.index(members);
    await upsertBatched(this.communities, rows);
    for (const m of members) this.counts.delete(m.communityId);
  }

  /** The person-side index rows that find every community of a person. */
  private async index(members: Member[]): Promise<void> {
    const index = members.map((m) =>
      toRow(MembershipIndex, personPartition(m.personKey), keyPart(m.communityId), "membership", { communityId: m.communityId }),
    );
    for (let i = 0; i < index.length; i += INDEX_CONCURRENCY) {
      await Promise.all(index.slice(i, i + INDEX_CONCURRENCY).map((row) => this.personIndex.upsertEntity(row, "Replace")));
    }
  }

  /** Read on every request (a role change applies at once); frozen, parsed once per version (`ParsedRows`). */
  async get(communityId: string, person: PersonKey): Promise<Member | undefined> {
    const row = await getRow(this.communities, communityPartition(communityId), memberRow(person));
    return row && this.parsed.of(row);
  }

  list(communityId: string, page?: PageRequest): Promise<Page<Member>> {
    return listPage(this.communities, prefixFilter(communityPartition(communityId), "m:"), Member, this.log, page);
  }

  private moveCount(communityId: string, by: 1 | -1): void {
    const known = this.counts.get(communityId);
    if (known !== undefined) this.counts.set(communityId, known + by, { noUpdateTTL: true });
  }

  async count(communityId: string): Promise<number> {
    return (await this.counts.fetch(communityId)) ?? this.countRows(communityId);
  }

  private async countRows(communityId: string): Promise<number> {
    let count = 0;
    const rows = this.communities.listEntities({
      queryOptions: { filter: prefixFilter(communityPartition(communityId), "m:"), select: ["RowKey"] },
    });
    for await (const page of rows.byPage({ maxPageSize: 1000 })) count += page.length;
    return count;
  }

  async communitiesOf(person: PersonKey): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await listPage(this.personIndex, `PartitionKey eq '${personPartition(person).replace(/'/g, "''")}'`, MembershipIndex, this.log, {
        pageSize: 1000,
        continuationToken: token,
      });
      ids.push(...page.items.map((i) => i.communityId));
      token = page.continuationToken;
    } while (token);
    return ids;
  }
}
