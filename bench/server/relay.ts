/**
 * Relay: rooms of two ping-pong a 1 KB SDP-like `description` through the server; ours
 * against the bare relay, alternating, each run on a fresh server.
 */
import { runLoad } from "../lib/generators.ts";
import { alternate } from "../lib/rounds.ts";
import type { Section } from "../lib/section.ts";
import { withServer } from "../lib/servers.ts";
import { median } from "../lib/stats.ts";
import { bottleneck } from "../lib/bottleneck.ts";
import { goalRow, plainRow, RATIO_HEAD, ratioRow } from "../lib/table.ts";

export interface RelayRun {
  messagesPerSecond: number;
  rttP50: number;
  rttP99: number;
  serverCpuUsPerMessage: number;
  serverUserUsPerMessage: number;
  serverSystemUsPerMessage: number;
  serverOtherThreadsUsPerMessage: number;
  serverPageFaultsPer1000: number;
  serverCpuPercent: number;
  generatorCpuPercent: number;
  machineBusyPercent: number;
  stealPercent: number;
  frameBytes: number;
}

const PARAMS = { pairCounts: [100, 1000], seconds: 5, warmupSeconds: 1.5, window: 2, sdpBytes: 1024 };

/** The baseline, ours, and the baseline plus only JSON work: what JSON costs in this very setting. */
const KINDS = ["bare", "ours", "json-rebuild", "json-splice"] as const;
type RelayKind = (typeof KINDS)[number];

interface RelayResult {
  params: typeof PARAMS;
  byPairs: Record<string, Partial<Record<RelayKind, RelayRun[]>> & { bare: RelayRun[]; ours: RelayRun[] }>;
}

const DIAGNOSTICS: [RelayKind, string][] = [
  ["json-rebuild", "baseline + JSON.parse of each frame + JSON.stringify of a new one with `from` (the other way to stamp it)"],
  ["json-splice", "baseline + JSON.parse of each frame + `from` put in front of it as it came (what ours does to a frame, without the rate limit and the schema)"],
  ["ours", "ours"],
];

export const relay: Section<RelayResult> = {
  name: "relay",
  groups: ["signaling"],
  async run({ rounds, log }) {
    const byPairs: RelayResult["byPairs"] = {};
    for (const pairs of PARAMS.pairCounts) {
      byPairs[pairs] = await alternate(KINDS, rounds, (kind, round) =>
        withServer(kind, {}, async (s) => {
          // Only ours speaks the protocol; the others take their room from the query string.
          const client = kind === "ours" ? "ours" : "bare";
          const r = await runLoad<RelayRun>("bench/load/relay.ts", { ...PARAMS, kind: client, url: s.wsUrl, serverPid: s.pid, pairs, tag: `${round}` });
          log(`relay P=${pairs} ${kind}`, JSON.stringify(r));
          return r;
        }),
      );
    }
    return { params: PARAMS, byPairs };
  },
  goals({ byPairs }) {
    return Object.entries(byPairs).flatMap(([pairs, { bare, ours }]) => {
      const col = (rs: RelayRun[], k: keyof RelayRun) => rs.map((r) => r[k]);
      const at = `relay, ${Number(pairs).toLocaleString("en-US")} rooms`;
      return [
        goalRow(`${at}: server CPU per message (µs)`, col(bare, "serverCpuUsPerMessage"), col(ours, "serverCpuUsPerMessage"), 2, { max: 1.25 }),
        goalRow(`${at}: messages per second`, col(bare, "messagesPerSecond"), col(ours, "messagesPerSecond"), 0, { min: 0.8 }),
        goalRow(`${at}: round trip p99 (ms)`, col(bare, "rttP99"), col(ours, "rttP99"), 2, { max: 1.5 }),
      ];
    });
  },
  render({ params, byPairs }) {
    const out = [
      "## Relay",
      "",
      `Rooms of two ping-pong an SDP-like \`description\` (${params.sdpBytes}-byte sdp with CRLF lines; a ${byPairs[params.pairCounts[0]!]?.ours[0]?.frameBytes ?? "~1,150"}-byte frame) with ${params.window} in flight per pair, for ${params.seconds} s after a ${params.warmupSeconds} s warm-up, on a fresh server each run. Baseline: the bare relay (\`bench/server/bare-relay.ts\`), which forwards each frame to the room unparsed. Server CPU is the server process's own, read from /proc around the measured span (all threads' schedstat, in ns; the user/system split from /proc/<pid>/stat). The round trip is a → server → b → server → a.`,
      "",
    ];
    for (const [pairs, { bare, ours }] of Object.entries(byPairs)) {
      // (The diagnostic variants have their own table below.)
      const col = (rs: RelayRun[], k: keyof RelayRun) => rs.map((r) => r[k]);
      const row = (name: string, k: keyof RelayRun, digits: number, goal?: Parameters<typeof ratioRow>[4]) =>
        ratioRow(name, col(bare, k), col(ours, k), digits, goal);
      out.push(`### ${Number(pairs).toLocaleString("en-US")} rooms`, "", ...RATIO_HEAD);
      out.push(
        row("server CPU per relayed message (µs)", "serverCpuUsPerMessage", 2, { max: 1.25 }),
        row("… of it in user space (µs)", "serverUserUsPerMessage", 2),
        row("… of it in the kernel (µs)", "serverSystemUsPerMessage", 2),
        row("… of it on threads other than the main one: collector, JIT (µs)", "serverOtherThreadsUsPerMessage", 2),
        row("messages relayed per second", "messagesPerSecond", 0, { min: 0.8 }),
        row("round trip p50 (ms)", "rttP50", 2),
        row("round trip p99 (ms)", "rttP99", 2, { max: 1.5 }),
        row("server CPU (% of a core)", "serverCpuPercent", 0),
        row("load generator CPU (% of a core)", "generatorCpuPercent", 0),
        plainRow("whole machine busy (% of one core; 200 = both)", col(bare, "machineBusyPercent"), col(ours, "machineBusyPercent"), 0),
        plainRow("stolen by the hypervisor (% of one core)", col(bare, "stealPercent"), col(ours, "stealPercent"), 0),
        "",
      );
      const m = (rs: RelayRun[], k: keyof RelayRun) => median(col(rs, k));
      out.push(
        `Bottleneck: baseline — ${bottleneck(m(bare, "serverCpuPercent"), m(bare, "generatorCpuPercent"))}; ours — ${bottleneck(m(ours, "serverCpuPercent"), m(ours, "generatorCpuPercent"))}.`,
        "",
      );
    }
    const diagnosed = Object.entries(byPairs).filter(([, runs]) => runs["json-rebuild"] && runs["json-splice"]);
    if (diagnosed.length > 0) {
      const cell = (base: RelayRun[], runs: RelayRun[]) => {
        const cpu = median(runs.map((r) => r.serverCpuUsPerMessage));
        const rate = median(runs.map((r) => r.messagesPerSecond)) / median(base.map((r) => r.messagesPerSecond));
        return `${cpu.toFixed(2)} µs, ${(cpu / median(base.map((r) => r.serverCpuUsPerMessage))).toFixed(2)} × · ${rate.toFixed(2)} ×`;
      };
      out.push(
        "### What JSON alone costs here",
        "",
        `Two more servers, measured in the same rounds (rotating with the others): the bare relay with nothing added but JSON work (\`bench/server/json-relay.ts\`). Each cell: server CPU per message, its ratio to the baseline · messages per second as a ratio to the baseline.`,
        "",
        `| server | ${diagnosed.map(([p]) => `${Number(p).toLocaleString("en-US")} rooms`).join(" | ")} |`,
        `|---|${diagnosed.map(() => "---|").join("")}`,
        ...DIAGNOSTICS.map(([kind, name]) => `| ${name} | ${diagnosed.map(([, runs]) => cell(runs.bare, runs[kind]!)).join(" | ")} |`),
        "",
      );
    }
    out.push(
      "With a fixed window the round trip is set by throughput (Little's law: in flight ÷ rate), so the round-trip ratios mirror the throughput ratio. When the server holds a full core, throughput is 1 ÷ its CPU per message, which is the figure that does not depend on the generator. On two cores a relayed message costs the generator about what it costs the server (one receive and one send each), so against the bare relay both run flat out: the baseline's throughput is held down by the generator as much as by its server, and the throughput and round-trip ratios, if anything, flatter ours. CPU per message is the figure to trust.",
      "",
    );
    return out;
  },
};
