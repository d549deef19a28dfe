/**
 * Load generator for the idle benchmark: opens `count` sockets in rooms of two, says how
 * long that took and what it cost, then holds them until a line on stdin. One process holds
 * no more than its open-file limit allows; the bench spreads larger counts over several.
 */
import { inBatches, type Kind, openPair } from "./pairs.ts";

const args = JSON.parse(process.argv[2]!) as { kind: Kind; url: string; count: number; tag: string };
const own0 = process.cpuUsage();
const t0 = performance.now();
const pairs = await inBatches(args.count / 2, 200, (i) => openPair(args.kind, args.url, `idle-${args.tag}-${i}`));
const seconds = (performance.now() - t0) / 1000;
const own = process.cpuUsage(own0);
console.log(JSON.stringify({ sockets: pairs.length * 2, seconds, generatorCpuPercent: ((own.user + own.system) / 1e6 / seconds) * 100 }));
// Bounded: the bench releases it, and it gives up by itself after two minutes regardless.
const giveUp = setTimeout(() => process.exit(1), 120_000);
for await (const _ of console) break;
clearTimeout(giveUp);
for (const [a, b] of pairs) {
  a.close();
  b.close();
}
await Bun.sleep(200);
console.log(JSON.stringify({ closed: pairs.length * 2 }));
process.exit(0);
