/**
 * Load generator for the relay benchmark: P rooms of two ping-pong a ~1 KB SDP-like
 * signal, with `window` messages in flight per pair, for a fixed time after a warm-up.
 * Prints one JSON line: throughput, round trips, server CPU per relayed message, own CPU.
 */
import { cpuSeconds } from "../lib/processes.ts";
import { percentile } from "../lib/stats.ts";
import { inBatches, type Kind, openPair } from "./pairs.ts";

const args = JSON.parse(process.argv[2]!) as {
  kind: Kind;
  url: string;
  serverPid: number;
  pairs: number;
  seconds: number;
  warmupSeconds: number;
  window: number;
  sdpBytes: number;
  tag?: string;
};

const frame = JSON.stringify({ type: "description", description: { type: "offer", sdp: "a".repeat(args.sdpBytes) } });
const pairs = await inBatches(args.pairs, 100, (i) => openPair(args.kind, args.url, `relay-${args.tag ?? ""}-${i}`));

let measuring = false;
let relayed = 0;
const rtts: number[] = [];
for (const [a, b] of pairs) {
  const sent: number[] = [];
  // b echoes every frame back; a times each round trip and keeps the window full.
  b.addEventListener("message", () => {
    if (measuring) relayed++;
    b.send(frame);
  });
  a.addEventListener("message", () => {
    const now = performance.now();
    const t = sent.shift()!;
    if (measuring) {
      relayed++;
      rtts.push(now - t);
    }
    sent.push(now);
    a.send(frame);
  });
  for (let i = 0; i < args.window; i++) {
    sent.push(performance.now());
    a.send(frame);
  }
}

await Bun.sleep(args.warmupSeconds * 1000);
const cpu0 = await cpuSeconds(args.serverPid);
const own0 = process.cpuUsage();
const t0 = performance.now();
measuring = true;
await Bun.sleep(args.seconds * 1000);
measuring = false;
const elapsed = (performance.now() - t0) / 1000;
const cpu1 = await cpuSeconds(args.serverPid);
const own = process.cpuUsage(own0);
for (const [a, b] of pairs) {
  a.close();
  b.close();
}
rtts.sort((x, y) => x - y);
console.log(
  JSON.stringify({
    messagesPerSecond: relayed / elapsed,
    rttP50: percentile(rtts, 50),
    rttP99: percentile(rtts, 99),
    serverCpuUsPerMessage: ((cpu1 - cpu0) * 1e6) / Math.max(1, relayed),
    serverCpuPercent: ((cpu1 - cpu0) / elapsed) * 100,
    generatorCpuPercent: ((own.user + own.system) / 1e6 / elapsed) * 100,
  }),
);
process.exit(0);
