import { createHash, randomBytes } from "node:crypto";
import type { TableClient, TransactionAction } from "@azure/data-tables";
import { z } from "zod";
import type { DeliveredFile } from "../core/kernel/files.js";
import type { Clock } from "../core/ports.js";
import type { Logger } from "../log.js";
import { fromRow, getRow, insertRow, statusOf, toRow } from "../store/entity.js";

/** Files offered in a 1:1 chat (file consent card) and not yet accepted or declined. */
export const PENDING_FILES_TABLE = "TeamsPendingFiles";
/** How long an offer can be accepted; an older one is gone, and swept away. */
export const OFFER_HOURS = 24;
// A binary property holds at most 64 KiB; a transaction at most 100 rows and 4 MiB on the wire (base64).
const CHUNK_BYTES = 60 * 1024;
const ROWS_PER_TRANSACTION = 32;

const OfferMeta = z.object({
  name: z.string(),
  mime: z.string(),
  title: z.string(),
  size: z.number().int().positive(),
  chunks: z.number().int().positive(),
  sha256: z.string(),
  /** The only person who may accept it. */
  offeredTo: z.string(),
  expiresAt: z.string(),
});
export type OfferMeta = z.infer<typeof OfferMeta>;

/** What an accept or decline carries back: the offer's unguessable id (144 random bits), nothing else. */
export const OfferId = z.string().regex(/^[A-Za-z0-9_-]{24}$/);

const partitionOf = (id: string) => `f:${id}`;
const chunkKey = (index: number) => `c:${String(index).padStart(5, "0")}`;

/**
 * The bytes of an offered file, kept durably between the consent card and the person's answer (which any
 * instance may receive): Azure Table rows, one partition per offer: a `meta` row (who it is for, size,
 * SHA-256, expiry) and the bytes in 60 KiB binary rows. Accepting or declining deletes the partition;
 * offers past their expiry are swept when new ones are made. No blob container is needed.
 */
export class PendingFiles {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly table: TableClient,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Stores the file for `offeredTo`; returns the id the consent card carries. */
  async offer(file: DeliveredFile, offeredTo: string): Promise<string> {
    await this.prepare();
    await this.sweep().catch((error: unknown) => this.log.warn({ err: error }, "expired file offers could not be swept; next time"));
    const id = randomBytes(18).toString("base64url");
    const partitionKey = partitionOf(id);
    const chunks: Buffer[] = [];
    for (let at = 0; at < file.bytes.length; at += CHUNK_BYTES) chunks.push(file.bytes.subarray(at, at + CHUNK_BYTES));
    const expiresAt = new Date(this.clock.now().getTime() + OFFER_HOURS * 3_600_000).toISOString();
    const meta: OfferMeta = {
      name: file.name, mime: file.mime, title: file.title, size: file.bytes.length, chunks: chunks.length,
      sha256: createHash("sha256").update(file.bytes).digest("hex"), offeredTo, expiresAt,
    };
    // The meta row first: should writing the bytes fail half-way, the expiry still gets the rows swept.
    await insertRow(this.table, { ...toRow(OfferMeta, partitionKey, "meta", "fileOffer", meta), expiresAt });
    const rows = chunks.map((data, index) => ({ partitionKey, rowKey: chunkKey(index), data: new Uint8Array(data) }));
    for (let i = 0; i < rows.length; i += ROWS_PER_TRANSACTION) {
      await this.table.submitTransaction(rows.slice(i, i + ROWS_PER_TRANSACTION).map((row): TransactionAction => ["create", row]));
    }
    return id;
  }

  /** The offer's details, or undefined when there is none (never made, handled, or expired). */
  async find(id: string): Promise<OfferMeta | undefined> {
    await this.prepare();
    const row = await getRow(this.table, partitionOf(id), "meta");
    const meta = row ? fromRow(OfferMeta, row, this.log) : undefined;
    if (!meta || Date.parse(meta.expiresAt) <= this.clock.now().getTime()) return undefined;
    return meta;
  }

  /** The offered bytes, checked against their length and hash; undefined when any row is missing. */
  async bytes(id: string, meta: OfferMeta): Promise<Buffer | undefined> {
    const parts: Buffer[] = [];
    const filter = `PartitionKey eq '${partitionOf(id)}' and RowKey ge 'c:' and RowKey lt 'c;'`;
    for await (const row of this.table.listEntities<{ data?: Uint8Array }>({ queryOptions: { filter } })) {
      if (row.data instanceof Uint8Array) parts.push(Buffer.from(row.data));
    }
    const bytes = Buffer.concat(parts);
    const whole = parts.length === meta.chunks && bytes.length === meta.size && createHash("sha256").update(bytes).digest("hex") === meta.sha256;
    if (!whole) this.log.warn({ chunks: parts.length, expected: meta.chunks }, "a pending file's rows are incomplete");
    return whole ? bytes : undefined;
  }

  /** Deletes every row of the offer (after an accept, a decline, or its expiry). */
  async discard(id: string): Promise<void> {
    const keys: string[] = [];
    for await (const row of this.table.listEntities({ queryOptions: { filter: `PartitionKey eq '${partitionOf(id)}'`, select: ["RowKey"] } })) keys.push(row.rowKey!);
    for (let i = 0; i < keys.length; i += 100) {
      try {
        await this.table.submitTransaction(keys.slice(i, i + 100).map((rowKey): TransactionAction => ["delete", { partitionKey: partitionOf(id), rowKey }]));
      } catch (error) {
        // Another instance deleted them at the same moment: gone either way.
        if (statusOf(error) !== 404) throw error;
      }
    }
  }

  /** Drops a page of offers past their expiry. */
  private async sweep(): Promise<void> {
    const now = this.clock.now().toISOString();
    const pages = this.table.listEntities({ queryOptions: { filter: `RowKey eq 'meta' and expiresAt lt '${now}'`, select: ["PartitionKey"] } }).byPage({ maxPageSize: 20 });
    const page = await pages.next();
    for (const row of page.done ? [] : page.value) await this.discard(row.partitionKey!.slice(2));
  }

  private prepare(): Promise<void> {
    this.ready ??= this.table.createTable().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}
