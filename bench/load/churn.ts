/**
 * Load generator for the churn benchmark: `connections` sockets each run `cycles`
 * join → created → leave → left cycles, every join in a room never used before, so the
 * server's rooms map grows and shrinks all the way through.
 */
import { cpuBetween, cpuSample } from "../lib/proc.ts";
import { open } from "./pairs.ts";

const args = JSON.parse(process.argv[2]!) as { url: string; serverPid: number; connections: number; cycles: number; tag: string };
const server0 = cpuSample(args.serverPid);
const own0 = process.cpuUsage();
const t0 = performance.now();
let done = 0;
await Promise.all(
  Array.from({ length: args.connections }, async (_, c) => {
    const ws = await open(args.url);
    let next: (type: string) => void = () => {};
    ws.addEventListener("message", (e) => next(JSON.parse(String(e.data)).type));
    const answer = () => new Promise<string>((r) => (next = r));
    for (let i = 0; i < args.cycles; i++) {
      const joined = answer();
      ws.send(JSON.stringify({ type: "join", room: `churn-${args.tag}-${c}-${i}` }));
      if ((await joined) !== "created") throw new Error("join failed");
      const left = answer();
      ws.send('{"type":"leave"}');
      if ((await left) !== "left") throw new Error("leave failed");
      done++;
    }
    ws.close();
  }),
);
const elapsed = (performance.now() - t0) / 1000;
const own = process.cpuUsage(own0);
const server = cpuBetween(server0, cpuSample(args.serverPid));
console.log(
  JSON.stringify({
    cycles: done,
    seconds: elapsed,
    serverCpuUsPerCycle: (server.seconds * 1e6) / done,
    serverCpuPercent: (server.seconds / elapsed) * 100,
    generatorCpuPercent: ((own.user + own.system) / 1e6 / elapsed) * 100,
  }),
);
process.exit(0);
