/**
 * Load generator for the join benchmark: `pairs` rooms of two connect and join all at once.
 * For each socket: connect → open, and (ours) connect → `created`/`joined`. Prints p50/p99
 * of both, the time until the last one was in, and the server's and this process's CPU.
 */
import { cpuBetween, cpuSample, tcpCounters } from "../lib/proc.ts";
import { percentile } from "../lib/stats.ts";
import { type Kind, open } from "./pairs.ts";

const args = JSON.parse(process.argv[2]!) as { kind: Kind; url: string; serverPid: number; pairs: number; tag: string; otherPids?: number[] };

function firstMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true }));
}

const server0 = cpuSample(args.serverPid);
const others0 = (args.otherPids ?? []).map(cpuSample);
const tcp0 = tcpCounters();
const own0 = process.cpuUsage();
const t0 = performance.now();
const times = await Promise.all(
  Array.from({ length: args.pairs * 2 }, async (_, i) => {
    const room = `join-${args.tag}-${i >> 1}`;
    const started = performance.now();
    const ws = await open(args.kind === "bare" ? `${args.url}?room=${room}` : args.url);
    const opened = performance.now() - started;
    if (args.kind === "bare") return { opened, joined: opened, ws };
    const answer = firstMessage(ws);
    ws.send(JSON.stringify({ type: "join", room }));
    const type = JSON.parse(await answer).type;
    if (type !== "created" && type !== "joined") throw new Error(`join answered ${type}`);
    return { opened, joined: performance.now() - started, ws };
  }),
);
const elapsed = (performance.now() - t0) / 1000;
const own = process.cpuUsage(own0);
const server = cpuBetween(server0, cpuSample(args.serverPid));
const others = (args.otherPids ?? []).map((pid, i) => cpuBetween(others0[i]!, cpuSample(pid)));
const tcp1 = tcpCounters();
for (const t of times) t.ws.close();
const sorted = (k: "opened" | "joined") => times.map((t) => t[k]).sort((a, b) => a - b);
const opened = sorted("opened");
const joined = sorted("joined");
console.log(
  JSON.stringify({
    openP50: percentile(opened, 50),
    openP99: percentile(opened, 99),
    joinedP50: percentile(joined, 50),
    joinedP99: percentile(joined, 99),
    allInMs: elapsed * 1000,
    serverCpuPercent: (server.seconds / elapsed) * 100,
    serverCpuUsPerSocket: (server.seconds * 1e6) / times.length,
    otherCpuUsPerSocket: others.map((o) => (o.seconds * 1e6) / times.length),
    generatorCpuPercent: ((own.user + own.system) / 1e6 / elapsed) * 100,
    // Connections the kernel dropped because the server's accept queue was full: their
    // clients resend after TCP's 200 ms minimum retransmission timeout.
    listenOverflows: tcp1.listenOverflows - tcp0.listenOverflows,
    syncookiesSent: tcp1.syncookiesSent - tcp0.syncookiesSent,
  }),
);
process.exit(0);
