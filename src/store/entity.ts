import { RestError, type TableClient, type TableEntityResult } from "@azure/data-tables";
import type { z } from "zod";
import type { Logger } from "../log.js";
import { ConcurrencyError } from "../core/errors.js";
import type { Page, PageRequest } from "../core/ports.js";

/** Table keys may not hold / \ # ? or control characters: percent-encode every key part. */
export const keyPart = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Our rows: keys, a kind, a schema version and the zod-validated value as JSON. */
export interface Row extends Record<string, unknown> {
  partitionKey: string;
  rowKey: string;
  kind: string;
  v: number;
  json: string;
}

export function toRow<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, partitionKey: string, rowKey: string, kind: string, value: T): Row {
  return { partitionKey, rowKey, kind, v: 1, json: JSON.stringify(schema.parse(value)) };
}

/** Parses a stored row; a row that does not parse is logged with its keys and skipped (undefined). */
export function fromRow<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, row: Partial<Row>, log: Logger): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(String(row.json)));
    if (parsed.success) return parsed.data;
    log.warn({ partitionKey: row.partitionKey, rowKey: row.rowKey, issues: parsed.error.issues.slice(0, 3) }, "skipping a stored row that does not parse");
  } catch (error) {
    log.warn({ partitionKey: row.partitionKey, rowKey: row.rowKey, err: error }, "skipping a stored row that is not JSON");
  }
  return undefined;
}

export const statusOf = (error: unknown) => (error instanceof RestError ? error.statusCode : undefined);

/** Reads one row, or undefined when it does not exist. */
export async function getRow(table: TableClient, partitionKey: string, rowKey: string): Promise<TableEntityResult<Row> | undefined> {
  try {
    return await table.getEntity<Row>(partitionKey, rowKey);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** Inserts a row only if absent: `created`, or `duplicate` when a row has those keys already. */
export async function insertRow(table: TableClient, row: Row): Promise<"created" | "duplicate"> {
  try {
    await table.createEntity(row);
    return "created";
  } catch (error) {
    if (statusOf(error) === 409) return "duplicate";
    throw error;
  }
}

/** Replaces a row if it is still at `etag`; a lost race (412) becomes a ConcurrencyError. */
export async function replaceRow(table: TableClient, row: Row, etag: string, entity: string): Promise<string> {
  try {
    const result = await table.updateEntity(row, "Replace", { etag });
    return result.etag ?? "";
  } catch (error) {
    if (statusOf(error) === 412 || statusOf(error) === 404) throw new ConcurrencyError(entity);
    throw error;
  }
}

/** A transaction holds at most 100 operations, all in one partition (the service's limit). */
export const TRANSACTION_LIMIT = 100;

/** Upserts rows of one partition in transactions of at most TRANSACTION_LIMIT operations. */
export async function upsertBatched(table: TableClient, rows: Row[]): Promise<void> {
  const byPartition = new Map<string, Row[]>();
  for (const row of rows) byPartition.set(row.partitionKey, [...(byPartition.get(row.partitionKey) ?? []), row]);
  for (const partitionRows of byPartition.values()) {
    for (let i = 0; i < partitionRows.length; i += TRANSACTION_LIMIT) {
      await table.submitTransaction(partitionRows.slice(i, i + TRANSACTION_LIMIT).map((row) => ["upsert", row, "Replace"] as const));
    }
  }
}

/** One page of rows under a filter, parsed; rows that fail to parse are skipped (and logged). */
export async function listPage<T>(
  table: TableClient,
  filter: string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  log: Logger,
  page: PageRequest = {},
): Promise<Page<T>> {
  const pages = table
    .listEntities<Row>({ queryOptions: { filter } })
    .byPage({ maxPageSize: Math.min(page.pageSize ?? 100, 1000), continuationToken: page.continuationToken });
  const next = await pages.next();
  if (next.done || !next.value) return { items: [] };
  const items = next.value.map((row) => fromRow(schema, row, log)).filter((v): v is T => v !== undefined);
  return { items, continuationToken: next.value.continuationToken || undefined };
}

/** OData filter for every row of a partition whose row key starts with `prefix`. */
export function prefixFilter(partitionKey: string, prefix: string): string {
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return `PartitionKey eq ${quote(partitionKey)} and RowKey ge ${quote(prefix)} and RowKey lt ${quote(end)}`;
}
