import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueueClient } from "@azure/storage-queue";
import { TableClient } from "@azure/data-tables";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirInUseError } from "../../src/store/dataDirLock.js";
import { AZURITE_ACCOUNT, azuriteConnectionString, FOREIGN_HOST_REFUSAL, startEmbeddedAzurite, type EmbeddedAzurite } from "../../src/store/embeddedAzurite.js";

// Azurite's development key is public: anyone who reaches the port can sign requests with it.
const KEY = /AccountKey=([^;]+)/.exec(azuriteConnectionString("", ""))![1]!;

/** A Table service "list tables" request signed with the public key (SharedKeyLite), sent with any Host header. */
function listTables(url: string, host: string, path: string, account = AZURITE_ACCOUNT): Promise<{ status: number; body: string }> {
  const date = new Date().toUTCString();
  const signature = createHmac("sha256", Buffer.from(KEY, "base64")).update(`${date}\n/${account}${path}`).digest("base64");
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path, method: "GET", headers: { host, "x-ms-date": date, "x-ms-version": "2019-02-02", accept: "application/json;odata=nometadata", authorization: `SharedKeyLite ${account}:${signature}` } },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

/** Every folder and file under `dir`, with its permission bits. */
async function modes(dir: string): Promise<Array<{ path: string; dir: boolean; mode: number }>> {
  const out = [{ path: dir, dir: true, mode: (await stat(dir)).mode & 0o777 }];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    out.push({ path, dir: entry.isDirectory(), mode: (await stat(path)).mode & 0o777 });
  }
  return out;
}

describe("the embedded storage", () => {
  const running: EmbeddedAzurite[] = [];
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "cop-azurite-"));
    dirs.push(dir);
    return join(dir, "azurite");
  };
  const start = async (location: string) => {
    const azurite = await startEmbeddedAzurite(location);
    running.push(azurite);
    return azurite;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((a) => a.stop()));
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("answers only requests addressed to a loopback name, not a rebound one", async () => {
    const azurite = await start("memory");
    const table = TableClient.fromConnectionString(azurite.connectionString, "Secrets", { allowInsecureConnection: true });
    await table.createTable();
    const port = new URL(azurite.tableUrl).port;

    const local = await listTables(azurite.tableUrl, `127.0.0.1:${port}`, `/${AZURITE_ACCOUNT}/Tables`);
    expect(local.status).toBe(200);
    expect(local.body).toContain("Secrets");
    // A page on devstoreaccount1.rebind.example, resolved to 127.0.0.1: Azurite reads the account from the name.
    for (const host of [`${AZURITE_ACCOUNT}.rebind.example:${port}`, `${AZURITE_ACCOUNT}.localhost:${port}`, "127.0.0.1.nip.io"]) {
      const rebound = await listTables(azurite.tableUrl, host, "/Tables");
      expect(rebound, host).toEqual({ status: 403, body: FOREIGN_HOST_REFUSAL });
    }

    const queueUrl = new URL(azurite.queueUrl);
    const queue = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ hostname: queueUrl.hostname, port: queueUrl.port, path: "/?comp=list", headers: { host: `${AZURITE_ACCOUNT}.rebind.example` } }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject).end();
    });
    expect(queue).toEqual({ status: 403, body: FOREIGN_HOST_REFUSAL });
  });

  it("keeps its folder and files (which hold bot tokens) readable by this user only", async () => {
    const previous = process.umask(0o022); // a common default: new files readable by everyone
    try {
      const dir = await tempDir();
      let azurite = await start(dir);
      const table = TableClient.fromConnectionString(azurite.connectionString, "Installations", { allowInsecureConnection: true });
      await table.createTable();
      await table.createEntity({ partitionKey: "i", rowKey: "", token: "xoxb-secret" });
      const queue = new QueueClient(azurite.connectionString, "deliveries");
      await queue.create();
      await queue.sendMessage("hello");
      await azurite.stop();
      running.length = 0;

      const written = await modes(dir);
      expect(written.map((f) => f.path)).toEqual(expect.arrayContaining([join(dir, "__azurite_db_table__.json"), join(dir, "__azurite_db_queue__.json"), join(dir, "queue")]));
      expect(written.filter((f) => f.dir && f.mode !== 0o700)).toEqual([]);
      expect(written.filter((f) => !f.dir && f.mode !== 0o600)).toEqual([]);

      // Files left readable by an earlier version are tightened at the next start.
      await chmod(join(dir, "__azurite_db_table__.json"), 0o644);
      await chmod(dir, 0o755);
      azurite = await start(dir);
      expect((await stat(join(dir, "__azurite_db_table__.json"))).mode & 0o777).toBe(0o600);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it("refuses a second storage on the same folder while the first runs, and says which process holds it", async () => {
    const dir = await tempDir();
    const first = await start(dir);
    const second = startEmbeddedAzurite(dir);
    await expect(second).rejects.toThrow(DataDirInUseError);
    await expect(second).rejects.toThrow(`${dir} is in use by another cop-companion (pid ${process.pid})`);

    // The first one is untouched; once it stops, the folder is free again.
    const table = TableClient.fromConnectionString(first.connectionString, "StillMine", { allowInsecureConnection: true });
    await table.createTable();
    await first.stop();
    running.length = 0;
    const again = await start(dir);
    expect(again.tookOverLockFrom).toBeUndefined();
  });

  it("takes over a lock left by a process that no longer runs", async () => {
    const dir = await tempDir();
    await start(dir).then((a) => a.stop());
    running.length = 0;
    const pid = await deadPid();
    await writeFile(join(dir, "instance.lock"), `${pid}\n`);
    const azurite = await start(dir);
    expect(azurite.tookOverLockFrom).toBe(pid);
    await expect(startEmbeddedAzurite(dir)).rejects.toThrow(DataDirInUseError);
  });
});
