import type { TableEntityResult } from "@azure/data-tables";
import { LRUCache } from "lru-cache";
import type { z } from "zod";
import { upTo } from "../core/cacheBound.js";
import type { Community, Space } from "../core/domain.js";
import type { Versioned } from "../core/ports.js";
import type { Logger } from "../log.js";
import { fromRow, type Row } from "./entity.js";

/**
 * Rows read on every request that change rarely, kept per instance (bounded, short-lived). What is cached and
 * for how long is in README ("Performance"): operators need to know how long a change made through another
 * instance can take to show here. Members (and so roles) are never cached: a role change applies at once.
 */

/** A community's row (charter, status, settings) is reused this long; this instance's own writes replace it at once. */
export const COMMUNITY_TTL_MS = 5_000;
/** Which community a space belongs to: a binding is never undone, so only found bindings are kept. */
export const SPACE_TTL_MS = 10 * 60_000;

/**
 * A value frozen all the way down, shared by every reader: a handler that tried to change what it was given
 * would throw (modules are strict), never change what the next reader gets. Cheaper than a copy per read
 * (`structuredClone` of the community and space rows was ~1% of a Slack request's CPU, and its garbage more).
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A frozen copy, for a cache given a value its writer keeps (and may still change). */
export const sharedCopy = <T>(value: T): T => deepFreeze(structuredClone(value));

export class CommunityRows {
  private readonly rows = new LRUCache<string, Versioned<Community>>({ max: 2_000, ttl: COMMUNITY_TTL_MS });

  /** Frozen: see `deepFreeze`. */
  get(id: string): Versioned<Community> | undefined {
    return this.rows.get(id);
  }

  /** What this instance just read or wrote, at its ETag: taken over and frozen (give a copy of what you keep). */
  set(id: string, row: Versioned<Community>): Versioned<Community> {
    this.rows.set(id, deepFreeze(row));
    return row;
  }

  /** The row moved without this instance knowing its new ETag (a member saved at it), or a write lost a race. */
  forget(id: string): void {
    this.rows.delete(id);
  }
}

export class SpaceBindings {
  private readonly spaces = new LRUCache<string, Space>({ ...upTo(20_000), ttl: SPACE_TTL_MS });

  /** Frozen: see `deepFreeze`. */
  get(spaceKey: string): Space | undefined {
    return this.spaces.get(spaceKey);
  }

  /** Taken over and frozen (give a copy of what you keep). */
  set(space: Space): Space {
    this.spaces.set(space.spaceKey, deepFreeze(space));
    return space;
  }
}

/**
 * Rows parsed once per version: a row read again at the same ETag (unchanged: every write gives it a new
 * one) is not parsed and checked again. The row is still read on every request, so a change made through
 * another instance shows at once; only the parse is saved (a member row's zod parse was ~2% of a Slack
 * request's CPU). Values are frozen and shared (`deepFreeze`).
 */
export class ParsedRows<T> {
  private readonly parsed = new LRUCache<string, { etag: string; value: T }>(upTo(20_000));

  constructor(
    private readonly schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    private readonly log: Logger,
  ) {}

  of(row: TableEntityResult<Row>): T | undefined {
    const key = `${row.partitionKey}\u0000${row.rowKey}`;
    const known = this.parsed.get(key);
    if (known && row.etag && known.etag === row.etag) return known.value;
    const value = fromRow(this.schema, row, this.log);
    if (value === undefined || !row.etag) return value;
    this.parsed.set(key, { etag: row.etag, value: deepFreeze(value) });
    return value;
  }
}
