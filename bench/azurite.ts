import { startEmbeddedAzurite } from "../src/store/embeddedAzurite.js";

// Azurite in its own process, as Azure Storage is remote: its CPU is not the app's.
const azurite = await startEmbeddedAzurite("memory");
process.stdout.write(`${JSON.stringify({ connectionString: azurite.connectionString })}\n`);
process.on("SIGTERM", () => void azurite.stop().then(() => process.exit(0)));
