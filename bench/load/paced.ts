/**
 * Load generator for the paced relay benchmark: P rooms of two, both sides sending one kind
 * of frame (addressed to the other) at a fixed total rate, spread evenly over the sockets and
 * over time; or, with `rate` 0, flat out (every frame received is answered, `window` in
 * flight per pair), which finds the most the server under test sustains. Prints one JSON
 * line: the rate offered and delivered, and the server's CPU, system calls and wake-ups per
 * delivered message (read from /proc, and counted by perf, over the measured span), its page faults, and this process's own CPU.
 */
import { recordCpu } from "../lib/cpu-profile.ts";
import { countSyscalls, cpuBetween, cpuSample, machineSample, wakeups } from "../lib/proc.ts";
import { type FrameKind, frameOf } from "./frames.ts";
import { inBatches, type Kind, openPairWithIds } from "./pairs.ts";

const args = JSON.parse(process.argv[2]!) as {
  kind: Kind;
  url: string;
  serverPid: number;
  pairs: number;
  /** Messages per second offered in all; 0 for flat out. */
  rate: number;
  frame: FrameKind;
  seconds: number;
  warmupSeconds: number;
  window: number;
  tag: string;
  /** Where to record perf's CPU samples of the server over the measured span, if anywhere. */
  profile?: string;
};

/** How often the pacer wakes: short enough that a socket's sends are spread, long enough to cost little. */
const TICK_MS = 2;

const pairs = await inBatches(args.pairs, 100, (i) => openPairWithIds(args.kind, args.url, `paced-${args.tag}-${i}`));
const sockets: { ws: WebSocket; frame: string }[] = [];
for (const [a, b] of pairs) {
  // The baselines never read a frame: theirs go unaddressed (rooms of two reach the same one).
  sockets.push({ ws: a.ws, frame: frameOf(args.frame, b.id || undefined) }, { ws: b.ws, frame: frameOf(args.frame, a.id || undefined) });
}

let measuring = false;
let delivered = 0;
let sent = 0;
let unexpected = 0;
const relayed = (data: unknown) => typeof data === "string" && (data.startsWith(`{"type":"${args.frame}"`) || data.startsWith('{"from":'));
for (const s of sockets) {
  s.ws.addEventListener("message", (e) => {
    if (!relayed(e.data)) unexpected++;
    if (measuring) delivered++;
    if (args.rate === 0) s.ws.send(s.frame);
  });
}

let timer: ReturnType<typeof setInterval> | undefined;
if (args.rate === 0) {
  for (let i = 0; i < sockets.length; i += 2) for (let w = 0; w < args.window; w++) sockets[i]!.ws.send(sockets[i]!.frame);
} else {
  const start = performance.now();
  let total = 0;
  let next = 0;
  timer = setInterval(() => {
    const due = Math.floor((args.rate * (performance.now() - start)) / 1000) - total;
    for (let i = 0; i < due; i++) {
      const s = sockets[next]!;
      next = (next + 1) % sockets.length;
      s.ws.send(s.frame);
    }
    total += Math.max(0, due);
    if (measuring) sent += Math.max(0, due);
  }, TICK_MS);
}

await Bun.sleep(args.warmupSeconds * 1000);
const server0 = cpuSample(args.serverPid);
const wakeups0 = wakeups(args.serverPid);
const ownWakeups0 = wakeups(process.pid);
const syscalls = countSyscalls(args.serverPid, args.seconds);
const profiled = args.profile ? recordCpu(args.serverPid, args.seconds, args.profile) : null;
const machine0 = machineSample();
const own0 = process.cpuUsage();
const t0 = performance.now();
measuring = true;
await Bun.sleep(args.seconds * 1000);
measuring = false;
const elapsed = (performance.now() - t0) / 1000;
const server = cpuBetween(server0, cpuSample(args.serverPid));
const wakeups1 = wakeups(args.serverPid);
const ownWakeups1 = wakeups(process.pid);
const own = process.cpuUsage(own0);
const machine1 = machineSample();
clearInterval(timer);
for (const s of sockets) s.ws.close();
if (unexpected > 0) throw new Error(`${unexpected} frames were not relayed ${args.frame}s`);
// The recording ends with the span; its file is complete once perf has exited.
if (profiled) await profiled;
const per = (n: number) => n / Math.max(1, delivered);
console.log(
  JSON.stringify({
    offeredPerSecond: args.rate === 0 ? delivered / elapsed : sent / elapsed,
    deliveredPerSecond: delivered / elapsed,
    serverCpuUsPerMessage: per(server.seconds * 1e6),
    serverUserUsPerMessage: per(server.userSeconds * 1e6),
    serverSystemUsPerMessage: per(server.systemSeconds * 1e6),
    serverOtherThreadsUsPerMessage: per((server.seconds - server.mainThreadSeconds) * 1e6),
    serverSyscallsPerMessage: per(await syscalls),
    serverFaultsPerMessage: per(server.minorFaults),
    profiled: profiled !== null,
    serverWakeupsPerMessage: per(wakeups1 - wakeups0),
    generatorWakeupsPerMessage: per(ownWakeups1 - ownWakeups0),
    serverCpuPercent: (server.seconds / elapsed) * 100,
    generatorCpuPercent: ((own.user + own.system) / 1e6 / elapsed) * 100,
    machineBusyPercent: ((machine1.busy - machine0.busy) / elapsed) * 100,
    frameBytes: sockets[0]!.frame.length,
  }),
);
process.exit(0);
