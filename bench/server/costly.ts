/**
 * Costly frames: what the frames that cost the server the most work for their size cost
 * now, shape by shape; and a bystander's ping, from another address, while one address
 * sends them with everything the default limits allow it (its 64 sockets, each at the full
 * message rate), or paced so that its sockets are never closed. Baseline ("quiet"): the
 * bystander alone. Each run on a fresh server with the default limits.
 */
import { runLoad, startHolder } from "../lib/generators.ts";
import { cpuBetween, cpuSample } from "../lib/proc.ts";
import type { Section } from "../lib/section.ts";
import { withServer } from "../lib/servers.ts";
import { median, summarize } from "../lib/stats.ts";
import { fmt, int, spread, verdict } from "../lib/table.ts";

/** The server's defaults: the bench's own server settings lift the limits for the other sections. */
const DEFAULT_LIMITS = {
  RATE_LIMIT_PER_SECOND: "50",
  RATE_LIMIT_BURST: "200",
  RATE_LIMIT_BYTES_PER_SECOND: "262144",
  RATE_LIMIT_BYTES_BURST: "1048576",
  ADDRESS_RATE_LIMIT_BYTES_PER_SECOND: "1048576",
  ADDRESS_RATE_LIMIT_BYTES_BURST: "4194304",
  MAX_CONNECTIONS_PER_ADDRESS: "64",
  MAX_ROOMS: "50000",
};
const SECONDS = 5;
const ATTACK = { sockets: 64, maxBytes: 65536, seconds: SECONDS };
const MODES = {
  quiet: null,
  "bursting: 200 at once, then 50/s per socket": { burst: 200, perSecond: 50 },
  "paced: 4/s per socket": { burst: 4, perSecond: 4 },
} as const;
type Mode = keyof typeof MODES;
const BYSTANDER = { localAddress: "127.0.0.2", intervalMs: 20, timeoutMs: 2000, seconds: SECONDS + 5 };
/** The bystander's worst round trip under either attack. */
const GOAL_MS = 250;

interface FrameRow {
  shape: string;
  bytes: number;
  refused: string | null;
  charged: number;
  scanUs: number;
  oursUs: number;
  withoutScanUs: number;
  beforeUs: number;
}
interface Run {
  pings: number;
  unanswered: number;
  p50: number;
  p99: number;
  max: number;
  serverCpuPercent: number;
  attacker: { sent: number; closes: Record<string, number>; refused: number } | null;
}
interface CostlyResult {
  frames: { maxBytes: number; rows: FrameRow[] };
  runs: Record<Mode, Run[]>;
}

async function underAttack(mode: Mode): Promise<Run> {
  return withServer("ours", DEFAULT_LIMITS, async (s) => {
    const bystander = await startHolder<{ ready: boolean }>("bench/load/bystander.ts", { ...BYSTANDER, port: s.port });
    const before = cpuSample(s.pid);
    const t0 = performance.now();
    const pace = MODES[mode];
    const attacker = pace ? await runLoad<NonNullable<Run["attacker"]>>("test/support/costly-sender.ts", { ...ATTACK, ...pace, url: s.wsUrl }) : (await Bun.sleep(SECONDS * 1000), null);
    const cpu = cpuBetween(before, cpuSample(s.pid));
    const seconds = (performance.now() - t0) / 1000;
    const pings = (await bystander.release()) as Omit<Run, "serverCpuPercent" | "attacker">;
    return { ...pings, serverCpuPercent: (cpu.seconds / seconds) * 100, attacker };
  });
}

export const costly: Section<CostlyResult> = {
  name: "costly",
  groups: ["signaling"],
  async run({ rounds, log }) {
    const frames = await runLoad<CostlyResult["frames"]>("bench/micro/frame-cost.ts", { maxBytes: ATTACK.maxBytes });
    log("costly frames", JSON.stringify(frames));
    const runs = Object.fromEntries(Object.keys(MODES).map((m) => [m, [] as Run[]])) as Record<Mode, Run[]>;
    const modes = Object.keys(MODES) as Mode[];
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < modes.length; i++) {
        const mode = modes[(i + round) % modes.length]!;
        const r = await underAttack(mode);
        log(`costly ${mode}`, JSON.stringify(r));
        runs[mode].push(r);
      }
    }
    return { frames, runs };
  },
  goals({ runs }) {
    const quiet = median(runs.quiet.map((r) => r.max));
    return (Object.keys(MODES) as Mode[])
      .filter((m) => m !== "quiet")
      .map((m) => {
        const worst = Math.max(...runs[m].map((r) => r.max));
        return { figure: `costly frames from one address, ${m.split(":")[0]}: a bystander's slowest ping (ms)`, baseline: `${fmt(quiet, 0)} quiet`, ours: fmt(worst, 0), ratio: "", goal: `< ${GOAL_MS} ms`, ok: worst < GOAL_MS };
      });
  },
  render({ frames, runs }) {
    const modes = Object.keys(MODES) as Mode[];
    const row = (name: string, get: (r: Run) => number, digits: number) => `| ${name} | ${modes.map((m) => spread(summarize(runs[m].map(get)), digits)).join(" | ")} |`;
    const last = (m: Mode) => runs[m].at(-1)?.attacker;
    const us = (n: number) => (n < 10 ? fmt(n, 1) : int(n));
    return [
      "## Costly frames",
      "",
      `What the frames that cost the server the most work for their size cost its JavaScript, each ${int(frames.maxBytes)} bytes at most (the default \`MAX_MESSAGE_BYTES\`; \`test/support/costly-frames.ts\`), in a process of its own (median of 5 timed runs; \`bench/micro/frame-cost.ts\`). "Ours" is the scan of the text and, for a frame it lets through, JSON.parse and the schema; "without the scan" is JSON.parse and the schema alone; "before" is that with the payload's depth check as it was, walking arrays through \`Object.values\` (which copies them): what such a frame cost when any of them was parsed. "Charged" is what the frame takes from the byte budgets: its length plus 16 per JSON value and key.`,
      "",
      "| frame | refused by the scan | charged (bytes) | scan (µs) | ours (µs) | without the scan (µs) | before (µs) |",
      "|---|---|---|---|---|---|---|",
      ...frames.rows.map((r) => `| ${r.shape} | ${r.refused ?? "no"} | ${int(r.charged)} | ${us(r.scanUs)} | ${us(r.oursUs)} | ${us(r.withoutScanUs)} | ${us(r.beforeUs)} |`),
      "",
      `Under attack: a bystander on another address (127.0.0.2) pings every ${BYSTANDER.intervalMs} ms from a room of its own, one ping in flight (\`bench/load/bystander.ts\`), while one address (127.0.0.1) sends the frames above, cycling through them, from all the ${ATTACK.sockets} sockets it may open, in rooms of two so that what passes is relayed, for ${SECONDS} s (\`test/support/costly-sender.ts\`), on a fresh server with the default limits. A closed socket reconnects at once, if the server lets it. Bursting: each socket sends a full burst and then the full message rate, so the flood is closed (1008) and its address kept out. Paced: slow enough that no socket is closed, so the byte budgets are all that bound its work. Baseline ("quiet"): the bystander alone. Server CPU is the server process's, over the ${SECONDS} s.`,
      "",
      `| figure | ${modes.join(" | ")} |`,
      `|---|${modes.map(() => "---").join("|")}|`,
      row("bystander's ping round trip p50 (ms)", (r) => r.p50, 2),
      row("bystander's ping round trip p99 (ms)", (r) => r.p99, 1),
      row("bystander's slowest ping (ms)", (r) => r.max, 1),
      row("pings unanswered within 2 s", (r) => r.unanswered, 0),
      row("server CPU (% of a core)", (r) => r.serverCpuPercent, 0),
      "",
      `Goal: the bystander's slowest ping under ${GOAL_MS} ms in every round: bursting ${verdict(runs[modes[1]!].every((r) => r.max < GOAL_MS))}, paced ${verdict(runs[modes[2]!].every((r) => r.max < GOAL_MS))}. Attacker, last round: bursting ${JSON.stringify(last(modes[1]!))}; paced ${JSON.stringify(last(modes[2]!))} (frames sent, close codes, refused connects).`,
      "",
    ];
  },
};
