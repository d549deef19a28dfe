/**
 * Load generator for the idle benchmark: opens `count` sockets in rooms of two and holds
 * them until told to stop on stdin (one process holds at most what its open-file limit
 * allows; the bench spreads larger counts over several processes).
 */
import { inBatches, type Kind, openPair } from "./pairs.ts";

const args = JSON.parse(process.argv[2]!) as { kind: Kind; url: string; count: number; tag: string };
const pairs = await inBatches(args.count / 2, 200, (i) => openPair(args.kind, args.url, `idle-${args.tag}-${i}`));
console.log(JSON.stringify({ ready: pairs.length * 2 }));
// Hold until the bench says so (a line on stdin), then close everything.
for await (const _ of console) break;
for (const [a, b] of pairs) {
  a.close();
  b.close();
}
await Bun.sleep(200);
process.exit(0);
