import { LRUCache } from "lru-cache";
import { upTo } from "../core/cacheBound.js";
import type { Community, Space } from "../core/domain.js";
import type { Versioned } from "../core/ports.js";

/**
 * Rows read on every request that change rarely, kept per instance (bounded, short-lived). What is cached and
 * for how long is in README ("Performance"): operators need to know how long a change made through another
 * instance can take to show here. Members (and so roles) are never cached: a role change applies at once.
 */

/** A community's row (charter, status, settings) is reused this long; this instance's own writes replace it at once. */
export const COMMUNITY_TTL_MS = 5_000;
/** Which community a space belongs to: a binding is never undone, so only found bindings are kept. */
export const SPACE_TTL_MS = 10 * 60_000;

/** Copies out, so a handler that changes what it was given never changes the cached row. */
const copy = <T>(value: T): T => structuredClone(value);

export class CommunityRows {
  private readonly rows = new LRUCache<string, Versioned<Community>>({ max: 2_000, ttl: COMMUNITY_TTL_MS });

  get(id: string): Versioned<Community> | undefined {
    const hit = this.rows.get(id);
    return hit && copy(hit);
  }

  /** What this instance just read or wrote, at its ETag. */
  set(id: string, row: Versioned<Community>): void {
    this.rows.set(id, copy(row));
  }

  /** The row moved without this instance knowing its new ETag (a member saved at it), or a write lost a race. */
  forget(id: string): void {
    this.rows.delete(id);
  }
}

export class SpaceBindings {
  private readonly spaces = new LRUCache<string, Space>({ ...upTo(20_000), ttl: SPACE_TTL_MS });

  get(spaceKey: string): Space | undefined {
    const hit = this.spaces.get(spaceKey);
    return hit && copy(hit);
  }

  set(space: Space): void {
    this.spaces.set(space.spaceKey, copy(space));
  }
}
