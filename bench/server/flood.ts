/**
 * Under a flood: well-behaved pairs relay as in the relay benchmark, within a per-socket
 * rate limit they respect, while a flooder does not and reconnects whenever it is closed or
 * refused. Baseline: the same pairs without the flooder, in the same run; and the flood
 * again with the flood ban turned off, to show what the ban buys.
 */
import { runLoad } from "../lib/generators.ts";
import type { Section } from "../lib/section.ts";
import { withServer } from "../lib/servers.ts";
import { median, summarize } from "../lib/stats.ts";
import { fmt, goalRow, int, RATIO_HEAD, ratioRow, spread } from "../lib/table.ts";
import type { RelayRun } from "./relay.ts";

// Message floods: the byte budgets stay out of the way (the pairs share the flooder's address).
const BYTES = { RATE_LIMIT_BYTES_PER_SECOND: "1000000000", RATE_LIMIT_BYTES_BURST: "1000000000", ADDRESS_RATE_LIMIT_BYTES_PER_SECOND: "1000000000", ADDRESS_RATE_LIMIT_BYTES_BURST: "1000000000" };
const LIMITS = { RATE_LIMIT_PER_SECOND: "5000", RATE_LIMIT_BURST: "1000", ...BYTES };
const MODES = {
  quiet: { env: LIMITS, flood: false },
  flooded: { env: LIMITS, flood: true },
  "flooded, no ban": { env: { ...LIMITS, FLOOD_BAN_SECONDS: "0" }, flood: true },
} as const;
type Mode = keyof typeof MODES;
const PAIRS = { pairs: 100, seconds: 4, warmupSeconds: 1.5, window: 2, sdpBytes: 1024 };
const FLOOD = { connections: 4, seconds: 5, maxFrames: 100_000_000 };

interface FloodResult {
  runs: Record<Mode, RelayRun[]>;
  /** What the flooder did in the last round of each flooded mode. */
  flooder: Partial<Record<Mode, unknown>>;
}

export const flood: Section<FloodResult> = {
  name: "load",
  groups: ["signaling"],
  async run({ rounds, log }) {
    const runs: Record<Mode, RelayRun[]> = { quiet: [], flooded: [], "flooded, no ban": [] };
    const flooder: FloodResult["flooder"] = {};
    for (let round = 0; round < rounds; round++) {
      for (const [mode, m] of Object.entries(MODES) as [Mode, (typeof MODES)[Mode]][]) {
        const r = await withServer("ours", m.env, async (s) => {
          const tag = `${mode.replace(/\W+/g, "-")}${round}`;
          const pairs = runLoad<RelayRun>("bench/load/relay.ts", { ...PAIRS, kind: "ours", url: s.wsUrl, serverPid: s.pid, tag });
          if (m.flood) {
            // The pairs share the flooder's address: let them connect before it is banned.
            await Bun.sleep(1000);
            flooder[mode] = await runLoad("bench/load/flood.ts", { ...FLOOD, url: s.wsUrl });
          }
          return pairs;
        });
        log(`load ${mode}`, JSON.stringify(r));
        runs[mode].push(r);
      }
    }
    return { runs, flooder };
  },
  goals({ runs }) {
    const p99 = (rs: RelayRun[]) => rs.map((r) => r.rttP99);
    return [{ ...goalRow("under a flood: pairs' round trip p99 (ms)", p99(runs.quiet), p99(runs.flooded), 2, { max: 2 }), baseline: `${fmt(median(p99(runs.quiet)), 2)} quiet` }];
  },
  render({ runs, flooder }) {
    const q = runs.quiet;
    const col = (rs: RelayRun[], k: keyof RelayRun) => rs.map((r) => r[k]);
    const row = (name: string, k: keyof RelayRun, digits: number, goal?: { max: number }) =>
      `${ratioRow(name, col(q, k), col(runs.flooded, k), digits, goal)} ${spread(summarize(col(runs["flooded, no ban"], k)), digits)} (${fmt(summarize(col(runs["flooded, no ban"], k)).median / summarize(col(q, k)).median, 2)} ×) |`;
    return [
      "## Under a flood",
      "",
      `${PAIRS.pairs} well-behaved pairs relay as above (limit ${int(Number(LIMITS.RATE_LIMIT_PER_SECOND))} messages/s, burst ${int(Number(LIMITS.RATE_LIMIT_BURST))} per socket) while ${FLOOD.connections} flooding sockets send frames as fast as they go (garbage and valid-but-pointless) and reconnect at once whenever they are closed or refused. The flooder starts once the pairs are connected and hammers through the whole measurement. Baseline ("quiet"): the same pairs without the flooder, in the same run. A flooding address may not open new sockets for \`FLOOD_BAN_SECONDS\` (default 30); the last column turns that off, to show what it buys.`,
      "",
      RATIO_HEAD[0]!.replace("baseline | ours", "quiet | flooded") + " flooded, no ban |",
      RATIO_HEAD[1]! + "---|",
      row("pairs' round trip p99 (ms)", "rttP99", 2, { max: 2 }),
      row("pairs' round trip p50 (ms)", "rttP50", 2),
      row("pairs' messages per second", "messagesPerSecond", 0),
      row("server CPU (% of a core)", "serverCpuPercent", 0),
      row("pairs' load generator CPU (% of a core)", "generatorCpuPercent", 0),
      "",
      `Flooder, last round: with the ban ${JSON.stringify(flooder.flooded)}; without ${JSON.stringify(flooder["flooded, no ban"])} (frames sent, close codes, refused connects).`,
      "",
    ];
  },
};
