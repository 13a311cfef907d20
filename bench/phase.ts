import { directBaseline, scheduledFanout } from "./fanout.js";

// One measurement in a process of its own, so its peak RSS is its own: prints its figures as JSON.
const [mode, rate, recipients] = process.argv.slice(2);
const allowed = Number(rate);
const n = Number(recipients);
const figures = mode === "baseline" ? await directBaseline(allowed, n) : await scheduledFanout(process.env.CONNECTION_STRING ?? "", allowed, n);
process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exit(0);
