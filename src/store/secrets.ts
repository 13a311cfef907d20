import { randomBytes } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import type { Logger } from "../log.js";
import { fromRow, getRow, insertRow, toRow } from "./entity.js";

const Secret = z.object({ key: z.string().min(43) });

/**
 * The app's key for sealing form contexts: drawn once, stored so every instance and every restart uses
 * the same one. Two instances drawing at once both insert; the first wins and both read it back.
 */
export async function appSecret(table: TableClient, log: Logger): Promise<Buffer> {
  const drawn = randomBytes(32).toString("base64url");
  await insertRow(table, toRow(Secret, "secret", "forms", "secret", { key: drawn }));
  const row = await getRow(table, "secret", "forms");
  const stored = row && fromRow(Secret, row, log);
  if (!stored) throw new Error("the app's form key could not be read back from storage");
  return Buffer.from(stored.key, "base64url");
}
