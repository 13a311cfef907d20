import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { FILE_LIMIT_BYTES, type DeliveredFile } from "../../src/core/kernel/files.js";
import { createLogger } from "../../src/log.js";
import { tableClient } from "../../src/store/tables.js";
import { OFFER_HOURS, PENDING_FILES_TABLE, PendingFiles } from "../../src/teams/pendingFiles.js";
import { testConnectionString, uniquePrefix } from "../support/storage.js";

/** The bytes of a file offered in Teams wait in table rows (real Azurite) until the person answers. */
function open(at: { now: Date }) {
  const table = tableClient({ connectionString: testConnectionString(), tablePrefix: uniquePrefix() }, PENDING_FILES_TABLE);
  const log = createLogger("warn", new Writable({ write: (_c, _e, done) => done() }));
  return { table, files: new PendingFiles(table, { now: () => at.now }, log) };
}
const fileOf = (bytes: Buffer): DeliveredFile => ({ name: "report.csv", mime: "text/csv", bytes, title: "Report", summary: "Here is **Report**." });
const rowsIn = async (table: ReturnType<typeof open>["table"]) => {
  let n = 0;
  for await (const _ of table.listEntities()) n += 1;
  return n;
};

describe("pending file offers", () => {
  it("keep a file of the largest size whole across rows and transactions, for the person it was offered to", async () => {
    const at = { now: new Date("2027-03-01T10:00:00Z") };
    const { table, files } = open(at);
    const bytes = Buffer.alloc(FILE_LIMIT_BYTES);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
    const id = await files.offer(fileOf(bytes), "teams:t:megan");
    const meta = await files.find(id);
    expect(meta).toMatchObject({ offeredTo: "teams:t:megan", size: FILE_LIMIT_BYTES, name: "report.csv" });
    expect((await files.bytes(id, meta!))?.equals(bytes)).toBe(true);
    await files.discard(id);
    expect(await files.find(id)).toBeUndefined();
    expect(await rowsIn(table)).toBe(0);
  }, 60_000);

  it("are gone once expired, and swept when the next offer is made", async () => {
    const at = { now: new Date("2027-03-01T10:00:00Z") };
    const { table, files } = open(at);
    const old = await files.offer(fileOf(Buffer.from("a,b\r\n1,2\r\n")), "teams:t:megan");
    at.now = new Date(at.now.getTime() + OFFER_HOURS * 3_600_000 - 1000);
    expect(await files.find(old)).toBeDefined();
    at.now = new Date(at.now.getTime() + 2000);
    expect(await files.find(old)).toBeUndefined();
    const fresh = await files.offer(fileOf(Buffer.from("x\r\n")), "teams:t:adele");
    // Only the fresh offer's rows remain: its meta row and one chunk.
    expect(await rowsIn(table)).toBe(2);
    expect(await files.find(fresh)).toMatchObject({ offeredTo: "teams:t:adele" });
  });
});
