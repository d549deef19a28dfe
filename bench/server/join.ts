/**
 * Join: 1,000 pairs connect and join at once. Ours: connect → `created`/`joined`; the
 * bare relay has no join, so its connect → open is the reference.
 */
import { runLoad } from "../lib/generators.ts";
import { bottleneck } from "../lib/bottleneck.ts";
import { alternate } from "../lib/rounds.ts";
import type { Section } from "../lib/section.ts";
import { withServer } from "../lib/servers.ts";
import { median } from "../lib/stats.ts";
import { plainRow, RATIO_HEAD, ratioRow } from "../lib/table.ts";

interface JoinRun {
  openP50: number;
  openP99: number;
  joinedP50: number;
  joinedP99: number;
  allInMs: number;
  serverCpuPercent: number;
  serverCpuUsPerSocket: number;
  generatorCpuPercent: number;
  listenOverflows: number;
  syncookiesSent: number;
}

const PAIRS = 1000;
const WARMUP_PAIRS = 250;

export const join: Section<{ pairs: number; bare: JoinRun[]; ours: JoinRun[] }> = {
  name: "join",
  groups: ["signaling"],
  async run({ rounds, log }) {
    const runs = await alternate(["bare", "ours"], rounds, (kind, round) =>
      withServer(kind, {}, async (s) => {
        // A running server has compiled its join path long ago; a fresh one would time its JIT.
        await runLoad("bench/load/join.ts", { kind, url: s.wsUrl, serverPid: s.pid, pairs: WARMUP_PAIRS, tag: `warm${round}` });
        const r = await runLoad<JoinRun>("bench/load/join.ts", { kind, url: s.wsUrl, serverPid: s.pid, pairs: PAIRS, tag: `${round}` });
        log(`join ${kind}`, JSON.stringify(r));
        return r;
      }),
    );
    return { pairs: PAIRS, ...runs };
  },
  render({ pairs, bare, ours }) {
    const col = (rs: JoinRun[], k: keyof JoinRun) => rs.map((r) => r[k]);
    const med = (rs: JoinRun[], k: keyof JoinRun) => median(col(rs, k));
    return [
      "## Join",
      "",
      `${pairs.toLocaleString("en-US")} pairs (${(pairs * 2).toLocaleString("en-US")} sockets) connect and join at once, on a fresh server each run, after ${WARMUP_PAIRS} pairs did the same to warm it. The first block compares like with like (the WebSocket upgrade); the second is ours' whole join against the baseline's upgrade, as the baseline has no join.`,
      "",
      ...RATIO_HEAD,
      ratioRow("connect → open p50 (ms)", col(bare, "openP50"), col(ours, "openP50"), 1),
      ratioRow("connect → open p99 (ms)", col(bare, "openP99"), col(ours, "openP99"), 1),
      ratioRow("connect → joined p50 (ms; baseline: → open)", col(bare, "joinedP50"), col(ours, "joinedP50"), 1),
      ratioRow("connect → joined p99 (ms; baseline: → open)", col(bare, "joinedP99"), col(ours, "joinedP99"), 1),
      ratioRow("all sockets in (ms)", col(bare, "allInMs"), col(ours, "allInMs"), 1),
      ratioRow("server CPU per socket, upgrade (+ join) (µs)", col(bare, "serverCpuUsPerSocket"), col(ours, "serverCpuUsPerSocket"), 0),
      ratioRow("server CPU (% of a core)", col(bare, "serverCpuPercent"), col(ours, "serverCpuPercent"), 0),
      ratioRow("load generator CPU (% of a core)", col(bare, "generatorCpuPercent"), col(ours, "generatorCpuPercent"), 0),
      plainRow("connections dropped by a full accept queue (kernel ListenOverflows)", col(bare, "listenOverflows"), col(ours, "listenOverflows"), 0),
      "",
      `Bottleneck: baseline — ${bottleneck(med(bare, "serverCpuPercent"), med(bare, "generatorCpuPercent"))}; ours — ${bottleneck(med(ours, "serverCpuPercent"), med(ours, "generatorCpuPercent"))}. Neither process is busy for most of the time: Bun listens with a backlog of 512, so when ${(pairs * 2).toLocaleString("en-US")} connections arrive at once the kernel's accept queue overflows and drops the handshake's last step for some; their clients send again after TCP's minimum retransmission timeout of 200 ms. The p99 (and the time for all) is that timer, for both servers alike; p50 is the figure that shows the servers' own work.`,
      "",
    ];
  },
};
