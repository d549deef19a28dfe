/**
 * Load generator for the relay benchmark: P rooms of two ping-pong a ~1 KB SDP-like
 * `description`, `window` messages in flight per pair, for a fixed time after a warm-up.
 * Prints one JSON line: throughput, round trips, the server's CPU per relayed message (read
 * from /proc around the measured span) and this process's own CPU.
 */
import { cpuBetween, cpuSample, machineSample } from "../lib/proc.ts";
import { percentile } from "../lib/stats.ts";
import { inBatches, type Kind, openPair } from "./pairs.ts";
import { descriptionFrame } from "./sdp.ts";

const args = JSON.parse(process.argv[2]!) as {
  kind: Kind;
  url: string;
  serverPid: number;
  pairs: number;
  seconds: number;
  warmupSeconds: number;
  window: number;
  sdpBytes: number;
  tag: string;
  /** The second of each pair joins here (another node of a cluster); default `url`. */
  urlB?: string;
  /** More processes whose CPU counts (the other node, redis-server). */
  otherPids?: number[];
};

const frame = descriptionFrame(args.sdpBytes);
const pairs = await inBatches(args.pairs, 100, (i) => openPair(args.kind, args.url, `relay-${args.tag}-${i}`, args.urlB));

let measuring = false;
let relayed = 0;
// Anything but a relayed description (an error, say) would be counted as throughput.
let unexpected = 0;
const rtts: number[] = [];
const isRelay = (data: unknown) => typeof data === "string" && (data.startsWith('{"type":"description"') || data.startsWith('{"from":'));
for (const [a, b] of pairs) {
  const sent: number[] = [];
  // b echoes every frame back; a times each round trip and keeps its window full.
  b.addEventListener("message", (e) => {
    if (!isRelay(e.data)) unexpected++;
    if (measuring) relayed++;
    b.send(frame);
  });
  a.addEventListener("message", (e) => {
    const now = performance.now();
    if (!isRelay(e.data)) unexpected++;
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
const server0 = cpuSample(args.serverPid);
const others0 = (args.otherPids ?? []).map(cpuSample);
const machine0 = machineSample();
const own0 = process.cpuUsage();
const t0 = performance.now();
measuring = true;
await Bun.sleep(args.seconds * 1000);
measuring = false;
const elapsed = (performance.now() - t0) / 1000;
const server = cpuBetween(server0, cpuSample(args.serverPid));
const others = (args.otherPids ?? []).map((pid, i) => cpuBetween(others0[i]!, cpuSample(pid)));
const own = process.cpuUsage(own0);
const machine1 = machineSample();
for (const [a, b] of pairs) {
  a.close();
  b.close();
}
if (unexpected > 0) throw new Error(`${unexpected} frames were not relayed descriptions`);
rtts.sort((x, y) => x - y);
const perMessage = (seconds: number) => (seconds * 1e6) / Math.max(1, relayed);
console.log(
  JSON.stringify({
    messagesPerSecond: relayed / elapsed,
    rttP50: percentile(rtts, 50),
    rttP99: percentile(rtts, 99),
    serverCpuUsPerMessage: perMessage(server.seconds),
    otherCpuUsPerMessage: others.map((o) => perMessage(o.seconds)),
    serverUserUsPerMessage: perMessage(server.userSeconds),
    serverSystemUsPerMessage: perMessage(server.systemSeconds),
    serverOtherThreadsUsPerMessage: perMessage(server.seconds - server.mainThreadSeconds),
    serverPageFaultsPer1000: (server.minorFaults * 1000) / Math.max(1, relayed),
    serverCpuPercent: (server.seconds / elapsed) * 100,
    generatorCpuPercent: ((own.user + own.system) / 1e6 / elapsed) * 100,
    // The whole machine, this and the server included: what is left over is other tenants' work.
    machineBusyPercent: ((machine1.busy - machine0.busy) / elapsed) * 100,
    stealPercent: ((machine1.steal - machine0.steal) / elapsed) * 100,
    frameBytes: frame.length,
  }),
);
process.exit(0);
