/**
 * Churn: 100,000 join → leave cycles through ours, each in a room never used before; the
 * server's memory after a full collection at the end against the start. Nothing should stay.
 */
import { runLoad } from "../lib/generators.ts";
import type { Section } from "../lib/section.ts";
import { withServer } from "../lib/servers.ts";
import { bottleneck } from "../lib/bottleneck.ts";
import { median, summarize } from "../lib/stats.ts";
import { fmt, int, spread, verdict } from "../lib/table.ts";

/** What the generator reports. */
interface ChurnLoad {
  cycles: number;
  seconds: number;
  serverCpuUsPerCycle: number;
  serverCpuPercent: number;
  generatorCpuPercent: number;
}

interface ChurnRun extends ChurnLoad {
  rssStart: number;
  rssEnd: number;
  heapStart: number;
  heapEnd: number;
  roomsLeft: number;
  socketsLeft: number;
}

const CONNECTIONS = 100;
const CYCLES = 1000;
const WARMUP_CYCLES = 100;
const GOAL = 0.05;

export const churn: Section<{ connections: number; cycles: number; warmupCycles: number; runs: ChurnRun[] }> = {
  name: "churn",
  groups: ["signaling"],
  async run({ rounds, log }) {
    const runs: ChurnRun[] = [];
    for (let round = 0; round < rounds; round++) {
      const r = await withServer("ours", { LOG_LEVEL: "info" }, async (s) => {
        const load = (cycles: number, tag: string) =>
          runLoad<ChurnLoad>("bench/load/churn.ts", { url: s.wsUrl, serverPid: s.pid, connections: CONNECTIONS, cycles, tag });
        // "Start" is a warmed server (compiled code, grown tables), as in production.
        await load(WARMUP_CYCLES, `w${round}`);
        const start = await s.memory();
        const r = await load(CYCLES, `${round}`);
        const end = await s.memory();
        const health = (await (await fetch(`http://127.0.0.1:${s.port}/healthz`)).json()) as { rooms: number; connections: number };
        return { ...r, rssStart: start.rss, rssEnd: end.rss, heapStart: start.heapUsed, heapEnd: end.heapUsed, roomsLeft: health.rooms, socketsLeft: health.connections };
      });
      log("churn", JSON.stringify(r));
      runs.push(r);
    }
    return { connections: CONNECTIONS, cycles: CYCLES, warmupCycles: WARMUP_CYCLES, runs };
  },
  goals({ runs }) {
    const row = (figure: string, a: (r: ChurnRun) => number, b: (r: ChurnRun) => number) => {
      const change = median(runs.map((r) => ((b(r) - a(r)) / a(r)) * 100));
      return { figure, baseline: `${fmt(median(runs.map(a)) / 1024, 0)} KB at the start`, ours: `${fmt(median(runs.map(b)) / 1024, 0)} KB at the end`, ratio: `${fmt(change, 1)} %`, goal: `within ${GOAL * 100} %`, ok: Math.abs(change) <= GOAL * 100 };
    };
    return [row("churn, 100,000 cycles: server RSS after GC", (r) => r.rssStart, (r) => r.rssEnd), row("churn, 100,000 cycles: server JS heap after GC", (r) => r.heapStart, (r) => r.heapEnd)];
  },
  render({ connections, cycles, warmupCycles, runs }) {
    const s = (f: (r: ChurnRun) => number) => summarize(runs.map(f));
    const kb = (f: (r: ChurnRun) => number) => `${fmt(median(runs.map(f)) / 1024, 0)} KB`;
    const change = (a: (r: ChurnRun) => number, b: (r: ChurnRun) => number) => s((r) => ((b(r) - a(r)) / a(r)) * 100);
    const row = (name: string, a: (r: ChurnRun) => number, b: (r: ChurnRun) => number) => {
      const c = change(a, b);
      return `| ${name} | ${kb(a)} | ${kb(b)} | ${spread(c, 1)} % | within ${GOAL * 100} % | ${verdict(Math.abs(c.median) <= GOAL * 100)} |`;
    };
    const total = connections * cycles;
    return [
      "## Churn",
      "",
      `${int(total)} join → \`created\` → leave → \`left\` cycles against ours (${connections} sockets × ${int(cycles)}, each join in a new room), after ${int(connections * warmupCycles)} warm-up cycles; ${runs.length} run${runs.length === 1 ? "" : "s"}, a fresh server each. Memory as in the idle benchmark (SIGUSR2: full GC, twice; \`LOG_LEVEL=info\`, so every join and leave is also logged, as by default in production). There is no baseline: the bare relay has no rooms to join or leave; the start is the reference.`,
      "",
      "| figure | start | end | change | goal | |",
      "|---|---|---|---|---|---|",
      row("server RSS after GC", (r) => r.rssStart, (r) => r.rssEnd),
      row("server JS heap used after GC", (r) => r.heapStart, (r) => r.heapEnd),
      "",
      `Rooms and sockets left afterwards: ${runs.map((r) => `${r.roomsLeft} / ${r.socketsLeft}`).join(", ")}. ${int(total)} cycles took ${spread(s((r) => r.seconds), 2)} s; server CPU ${spread(s((r) => r.serverCpuUsPerCycle), 1)} µs per cycle (two requests, two answers, two log lines). Bottleneck: ${bottleneck(median(runs.map((r) => r.serverCpuPercent)), median(runs.map((r) => r.generatorCpuPercent)))}.`,
      "",
    ];
  },
};
