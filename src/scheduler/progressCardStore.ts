import type { TableClient } from "@azure/data-tables";
import { ConcurrencyError } from "../core/errors.js";
import type { Logger } from "../log.js";
import { fromRow, getRow, insertRow, keyPart, replaceRow, toRow } from "../store/entity.js";
import { ProgressCard } from "./records.js";

/** In the fan-outs table, beside the fan-out's own row (which its job rewrites with ETags: never touched here). */
const row = (card: ProgressCard) => toRow(ProgressCard, `f:${keyPart(card.fanoutId)}`, "progress", "progressCard", card);

export type Claim = { card: ProgressCard; etag: string } | "held" | "refused";

/** The progress cards' rows: who may show the card next is decided by an ETag-conditional lease. */
export class ProgressCardStore {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  /**
   * Takes the card's lease for `leaseMs` if nobody holds it and `allowed(card)` says this show is due:
   * `held` when another instance is showing it now, `refused` when it is not due (or the race was lost).
   */
  async claim(
    fanoutId: string,
    personKey: string,
    lease: { owner: string; now: number; leaseMs: number },
    allowed: (card: ProgressCard) => boolean,
  ): Promise<Claim> {
    const leased = { leaseUntil: lease.now + lease.leaseMs, leaseOwner: lease.owner };
    const found = await this.read(fanoutId);
    if (!found) {
      const fresh = ProgressCard.parse({ fanoutId, personKey });
      if (!allowed(fresh)) return "refused";
      if ((await insertRow(this.table, row({ ...fresh, ...leased }))) === "duplicate") return "held";
      const inserted = await this.read(fanoutId);
      return inserted?.card.leaseOwner === lease.owner ? inserted : "held";
    }
    if (found.card.leaseUntil > lease.now) return "held";
    if (!allowed(found.card)) return "refused";
    try {
      const card = { ...found.card, ...leased };
      return { card, etag: await replaceRow(this.table, row(card), found.etag, "progress card") };
    } catch (error) {
      if (error instanceof ConcurrencyError) return "held";
      throw error;
    }
  }

  /** Writes what the show did and frees the lease; a lease that lapsed meanwhile belongs to someone else now. */
  async release(claimed: { card: ProgressCard; etag: string }, changes: Partial<ProgressCard>): Promise<void> {
    const card: ProgressCard = { ...claimed.card, ...changes, leaseUntil: 0, leaseOwner: undefined };
    try {
      await replaceRow(this.table, row(card), claimed.etag, "progress card");
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      this.log.warn({ fanoutId: card.fanoutId }, "a progress card's lease lapsed before its show was recorded");
    }
  }

  private async read(fanoutId: string): Promise<{ card: ProgressCard; etag: string } | undefined> {
    const found = await getRow(this.table, `f:${keyPart(fanoutId)}`, "progress");
    const card = found && fromRow(ProgressCard, found, this.log);
    return found && card ? { card, etag: found.etag } : undefined;
  }
}
