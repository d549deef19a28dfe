/**
 * Load generator for the join benchmark: `pairs` rooms of two connect and join all at once.
 * Prints one JSON line with p50/p99 of connect-to-joined (ours) or connect-to-open (bare).
 */
import { percentile } from "../lib/stats.ts";
import { joinOne, type Kind } from "./pairs.ts";

const args = JSON.parse(process.argv[2]!) as { kind: Kind; url: string; pairs: number; tag: string };
const own0 = process.cpuUsage();
const t0 = performance.now();
const times = await Promise.all(
  Array.from({ length: args.pairs * 2 }, async (_, i) => {
    const started = performance.now();
    const ws = await joinOne(args.kind, args.url, `join-${args.tag}-${i >> 1}`);
    return { ms: performance.now() - started, ws };
  }),
);
const elapsed = (performance.now() - t0) / 1000;
const own = process.cpuUsage(own0);
const ms = times.map((t) => t.ms).sort((a, b) => a - b);
for (const t of times) t.ws.close();
console.log(
  JSON.stringify({
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    allJoinedSeconds: elapsed,
    generatorCpuPercent: ((own.user + own.system) / 1e6 / elapsed) * 100,
  }),
);
process.exit(0);
