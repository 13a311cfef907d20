import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { azuriteConnectionString, startEmbeddedAzurite } from "../src/store/embeddedAzurite.js";

// Azurite in its own process, as Azure Storage is remote: its CPU is not the app's.
const azurite = await startEmbeddedAzurite("memory");

/**
 * BENCH_STORAGE_LATENCY_MS=N: each table request waits N ms before it reaches Azurite, as a request to Azure
 * Storage crosses the network (a few ms within a region); what a server waits for one step after another then
 * shows in its answers as it would in production, where on this machine a round trip takes a fraction of a ms.
 * The proxy runs in this process: its CPU counts as storage's.
 */
const latencyMs = Number(process.env.BENCH_STORAGE_LATENCY_MS ?? 0);
let tableUrl = azurite.tableUrl;
if (latencyMs > 0) {
  const target = new URL(azurite.tableUrl);
  const proxy = createServer((req, res) => {
    setTimeout(() => {
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    }, latencyMs);
  });
  proxy.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  tableUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}`;
}

process.stdout.write(`${JSON.stringify({ connectionString: azuriteConnectionString(tableUrl, azurite.queueUrl) })}\n`);
process.on("SIGTERM", () => void azurite.stop().then(() => process.exit(0)));
