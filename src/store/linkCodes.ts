import type { TableClient } from "@azure/data-tables";
import { LinkCode } from "../core/domain.js";
import type { LinkCodes } from "../core/ports.js";
import type { Logger } from "../log.js";
import { fromRow, getRow, insertRow, statusOf, toRow } from "./entity.js";

const partition = (code: string) => `l:${code}`;

/** One row per live code; taking a code deletes it under its ETag, so exactly one taker wins. */
export class TableLinkCodes implements LinkCodes {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  create(code: LinkCode): Promise<"created" | "duplicate"> {
    return insertRow(this.table, toRow(LinkCode, partition(code.code), "", "linkCode", code));
  }

  async peek(code: string): Promise<LinkCode | undefined> {
    if (!/^[A-Z0-9]{1,40}$/.test(code)) return undefined;
    const row = await getRow(this.table, partition(code), "");
    return row ? fromRow(LinkCode, row, this.log) : undefined;
  }

  async take(code: string): Promise<LinkCode | "missing"> {
    if (!/^[A-Z0-9]{1,40}$/.test(code)) return "missing";
    const row = await getRow(this.table, partition(code), "");
    if (!row) return "missing";
    try {
      await this.table.deleteEntity(row.partitionKey, row.rowKey, { etag: row.etag });
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 412) return "missing";
      throw error;
    }
    return fromRow(LinkCode, row, this.log) ?? "missing";
  }
}
